"""What the lean front (web/fast_http.py) and its handlers say to each other: the request head a
handler sees, the replies it may give, the handlers' signatures, and the Date header value."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Final

__all__ = ["BodyHandler", "FastHandler", "FileReply", "RequestHead", "TakeBody", "http_date"]


@dataclass(slots=True)
class RequestHead:
    """What the fast handler sees of a request: method, raw target, headers (lower-case names)."""

    method: bytes = b""
    url: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)
    keep_alive: bool = True
    body_length: int = 0


@dataclass(slots=True, frozen=True)
class FileReply:
    """A reply whose body is `length` bytes of the open file `fd` from `offset`; the front closes `fd`."""

    head: bytes
    fd: int
    offset: int
    length: int


# The fast handler: a full reply (status line, headers and body), a FileReply, or None to hand
# the request on.
FastHandler = Callable[[RequestHead], bytes | FileReply | None]
# Given the collected body: a future of the full reply, or of None to hand the request on (nothing
# was done); a failed future closes the connection unanswered (something may have been done).
TakeBody = Callable[[bytes], "asyncio.Future[bytes | None]"]
# The body handler: from a head with a body of at most MAX_BODY bytes, what takes the body, or
# None to hand the request on at once.
BodyHandler = Callable[[RequestHead], TakeBody | None]


class _DateCache:
    """The Date header's value, formatted once a second."""

    __slots__ = ("_second", "_value")

    def __init__(self) -> None:
        self._second = -1
        self._value = b""

    def get(self) -> bytes:
        now = int(time.time())
        if now != self._second:
            self._second, self._value = now, formatdate(now, usegmt=True).encode()
        return self._value


_DATE: Final = _DateCache()


def http_date() -> bytes:
    """The current Date header value (cached per second)."""
    return _DATE.get()

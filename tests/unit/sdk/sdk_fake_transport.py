"""A fake transport for SDK unit tests: a requests adapter that answers from a handler.

The fixtures that use it live in conftest.py; tests import the helpers from this module.

It is the seam where the cluster is replaced (like httpx's MockTransport); the SDK's own code
runs unpatched, including the redirects `requests` follows.
"""

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgpack
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

PROXY = "http://proxy.test:8080"
TARGET = "http://target.test:8081"


@dataclass
class Sent:
    """One request as the transport received it."""

    method: str
    url: str
    headers: CaseInsensitiveDict[str]
    body: bytes

    @property
    def path(self) -> str:
        """The URL path."""
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        """The query parameters (last value wins)."""
        query = parse_qs(urlsplit(self.url).query, keep_blank_values=True)
        return {key: values[-1] for key, values in query.items()}

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Reply:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> "Reply":
        """A JSON reply."""
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    @classmethod
    def msgpack(cls, data: Any) -> "Reply":
        """A msgpack reply."""
        return cls(200, msgpack.packb(data), {"Content-Type": "application/msgpack"})

    @classmethod
    def error(cls, status: int, message: str, tcode: str = "") -> "Reply":
        """An AIS error reply."""
        body: dict[str, Any] = {"message": message, "status": status}
        if tcode:
            body["tcode"] = tcode
        return cls(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


Handler = Callable[[Sent], Reply]


class FakeTransport(BaseAdapter):
    """Records every request and answers with `handler` (default: queued replies, then 200)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self.queue: list[Reply] = []
        self.handler: Handler = self._next_queued

    def _next_queued(self, sent: Sent) -> Reply:
        return self.queue.pop(0) if self.queue else Reply()

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any
    ) -> requests.Response:
        sent = Sent(
            request.method or "", request.url or "", CaseInsensitiveDict(request.headers), _read(request.body)
        )
        self.sent.append(sent)
        reply = self.handler(sent)
        response = requests.Response()
        response.status_code = reply.status
        response.headers = CaseInsensitiveDict(reply.headers)
        if "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(reply.body))
        response.raw = io.BytesIO(reply.body)
        response.url = request.url or ""
        response.request = request
        response.reason = "fake"
        return response

    def close(self) -> None:
        """Nothing to release."""


def _read(body: Any) -> bytes:
    """The bytes of a prepared request's body, whatever its form."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        return bytes(body.read())
    return b"".join(bytes(part) for part in body)

"""What a route needs from a client's token, attached to its handler (like cluster_auth's flags).

`needs(bits)` on a handler: the client's token must grant these cluster bits (e.g. SHOW_CLUSTER
for the dashboard's data); `browser_view(bits)`: the same, and a browser's token may also come
from the dashboard's cookie (read-only pages only: a cookie rides along on any request the browser
makes, so no route that changes anything accepts one); `no_token(handler)`: the route is open
(health, /metrics). A handler with none is checked by the rules table of web/client_auth.py,
which denies (ADMIN required) a route it does not know. Kept here, below web/ and s3/, so both
can flag their handlers.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

__all__ = ["NO_TOKEN", "Rule", "browser_view", "needs", "no_token", "rule_of", "takes_cookie", "with_rule"]

H = TypeVar("H", bound=Callable[..., object])
# A rule: the request -> (permission bits, (provider, bucket) or None); raises to refuse.
Rule = Callable[[Any], Awaitable[tuple[int, tuple[str, str] | None]]]
NO_TOKEN: Final = -1
_ATTR: Final = "_pyaistore_client_access"
_COOKIE_ATTR: Final = "_pyaistore_token_cookie"


def needs(bits: int) -> Callable[[H], H]:
    """Flag a handler: a token granting these (cluster-level) bits."""

    def flag(handler: H) -> H:
        setattr(handler, _ATTR, bits)
        return handler

    return flag


def browser_view(bits: int) -> Callable[[H], H]:
    """Flag a read-only handler a browser calls: a token granting `bits`, from the header or the cookie."""

    def flag(handler: H) -> H:
        setattr(handler, _ATTR, bits)
        setattr(handler, _COOKIE_ATTR, True)
        return handler

    return flag


def takes_cookie(handler: object) -> bool:
    """Whether the handler's token may come from the dashboard's cookie."""
    return getattr(handler, _COOKIE_ATTR, False) is True


def no_token(handler: H) -> H:
    """Flag a handler as open to anyone (health checks)."""
    setattr(handler, _ATTR, NO_TOKEN)
    return handler


def with_rule(rule: Rule) -> Callable[[H], H]:
    """Flag a handler with a rule computed from the request (S3 routes: bucket from the Host)."""

    def flag(handler: H) -> H:
        setattr(handler, _ATTR, rule)
        return handler

    return flag


def rule_of(handler: object) -> int | Rule | None:
    """The handler's flag: bits, NO_TOKEN, a rule, or None when unflagged."""
    flag: int | Rule | None = getattr(handler, _ATTR, None)
    return flag

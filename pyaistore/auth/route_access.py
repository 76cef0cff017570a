"""What a route needs from a client's token, attached to its handler (like cluster_auth's flags).

`needs(bits)` on a handler: the client's token must grant these cluster bits (e.g. SHOW_CLUSTER
for /metrics or /dashboard); `no_token(handler)`: the route is open (health). A handler with
neither is checked by the rules table of web/client_auth.py, which denies (ADMIN required) a
route it does not know. Kept here, below web/ and s3/, so both can flag their handlers.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

__all__ = ["NO_TOKEN", "Rule", "needs", "no_token", "rule_of", "with_rule"]

H = TypeVar("H", bound=Callable[..., object])
# A rule: the request -> (permission bits, (provider, bucket) or None); raises to refuse.
Rule = Callable[[Any], Awaitable[tuple[int, tuple[str, str] | None]]]
NO_TOKEN: Final = -1
_ATTR: Final = "_pyaistore_client_access"


def needs(bits: int) -> Callable[[H], H]:
    """Flag a handler: a token granting these (cluster-level) bits."""

    def flag(handler: H) -> H:
        setattr(handler, _ATTR, bits)
        return handler

    return flag


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

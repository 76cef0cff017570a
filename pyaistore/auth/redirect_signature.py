"""Redirects the proxy signed: how a target knows a client's request went through the proxy.

With auth on, a proxy that has checked a client's token redirects it to the owning target with
`rsig=<expiry>.<mac>` appended to the URL; the target serves a public request only with a valid,
unexpired signature (or from a cluster member). The MAC is HMAC-SHA256, truncated to 128 bits, of

    method "\n" path "\n" the set of decoded query pairs, sorted (without pid, utm, rsig) "\n" expiry

under a key derived from the cluster secret (so a target's HTTP workers hold the redirect key,
never the secret itself). Decoded values make the check independent of how a client re-quotes
the Location it follows. Cost: one HMAC of a few hundred bytes, about two microseconds.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from typing import Final

from pyaistore.wire import query

__all__ = ["KEY_CONTEXT", "PARAM", "TTL", "RedirectVerifier", "derive_key", "sign", "verify"]

PARAM: Final = query.REDIRECT_SIGNATURE
KEY_CONTEXT: Final = b"pyaistore redirect signature v1"
# Seconds a signed redirect may be followed (clients follow at once; allows clock skew between hosts).
TTL: Final = 300
_SKIPPED: Final = frozenset((query.PROXY_ID, query.UNIX_TIME, PARAM))
_REFRESH_EVERY: Final = 1.0


def derive_key(cluster_secret: str) -> bytes:
    """The redirect key of a cluster secret (b"" for no secret: nothing verifies then)."""
    if not cluster_secret:
        return b""
    return hmac.new(cluster_secret.encode(), KEY_CONTEXT, hashlib.sha256).digest()


def _mac(key: bytes, method: str, path: str, pairs: Iterable[tuple[str, str]], expiry: int) -> str:
    # A set: clients that re-add a parameter when they follow (the SDK's two-leg HTTPS upload
    # appends its query to the Location again) send the same pairs twice.
    canonical = "&".join(f"{k}={v}" for k, v in sorted({p for p in pairs if p[0] not in _SKIPPED}))
    message = f"{method}\n{path}\n{canonical}\n{expiry}".encode(errors="surrogateescape")
    digest = hmac.digest(key, message, "sha256")[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(
    key: bytes, method: str, path: str, pairs: Iterable[tuple[str, str]], now: float | None = None
) -> str:
    """The `rsig` value for a request (decoded `path` and query `pairs`), valid for TTL seconds."""
    expiry = int((time.time() if now is None else now) + TTL)
    return f"{expiry}.{_mac(key, method, path, pairs, expiry)}"


def verify(
    key: bytes, value: str, method: str, path: str, pairs: Iterable[tuple[str, str]], now: float | None = None
) -> bool:
    """True when `value` is a current signature of this request under `key`."""
    expiry_text, _, mac = value.partition(".")
    if not key or not mac or not expiry_text.isdigit() or len(expiry_text) > 12:
        return False
    expiry = int(expiry_text)
    if expiry < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(mac, _mac(key, method, path, pairs, expiry))


class RedirectVerifier:
    """Verifies signatures with the key derived from a secret source, re-reading the source (at most
    once a second) when a signature fails: a target that got its secret late (its first join)
    verifies from then on.

    Args:
        secret_source: returns the cluster secret ("" while there is none).
    """

    def __init__(self, secret_source: Callable[[], str]) -> None:
        self._source = secret_source
        self._secret = ""
        self._key = b""
        self._checked = 0.0

    def _refresh(self) -> bool:
        now = time.monotonic()
        if now - self._checked < _REFRESH_EVERY and self._key:
            return False
        self._checked = now
        secret = self._source()
        if secret == self._secret:
            return False
        self._secret, self._key = secret, derive_key(secret)
        return True

    def key(self) -> bytes:
        """The current key (a proxy signs with it)."""
        if not self._key:
            self._refresh()
        return self._key

    def verify(self, value: str, method: str, path: str, pairs: list[tuple[str, str]]) -> bool:
        """True when `value` signs this request."""
        if not self._key:
            self._refresh()
        if verify(self._key, value, method, path, pairs):
            return True
        return self._refresh() and verify(self._key, value, method, path, pairs)

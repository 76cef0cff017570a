"""The URL a node redirects a client to: the chosen node's public URL, the original path and query,
and AIS's redirect marker (`pid` = the redirecting node, `utm` = the time, base 36)."""

import time
from typing import Final
from urllib.parse import parse_qsl, unquote, urlsplit

from pyaistore.auth import redirect_signature
from pyaistore.wire import query
from pyaistore.wire.messages import Snode

__all__ = ["location", "signed_location"]

_DIGITS: Final = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(value: int) -> str:
    out = ""
    while value:
        value, rem = divmod(value, 36)
        out = _DIGITS[rem] + out
    return out or "0"


def location(node: Snode, path_qs: str, sender_id: str, signature: str = "", control: bool = False) -> str:
    """`node`'s URL with the original path and query plus pid and utm (marks the request redirected),
    and the proxy's signature when client auth is on (auth/redirect_signature.py).

    `control` sends the client to the node's control URL (its main process), as AIS redirects a
    get-batch to its designated target over the intra-cluster control network.
    """
    sep = "&" if "?" in path_qs else "?"
    marker = f"{query.PROXY_ID}={sender_id}&{query.UNIX_TIME}={_base36(time.time_ns())}"
    signed = f"&{query.REDIRECT_SIGNATURE}={signature}" if signature else ""
    base = node.control_url if control else node.public_net.url
    return f"{base}{path_qs}{sep}{marker}{signed}"


def signed_location(
    node: Snode, path_qs: str, sender_id: str, method: str, key: bytes, control: bool = False
) -> str:
    """location() signed for `method` with the redirect key (unsigned when `key` is empty: no auth)."""
    if not key:
        return location(node, path_qs, sender_id, control=control)
    parts = urlsplit(path_qs)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    signature = redirect_signature.sign(key, method, unquote(parts.path), pairs)
    return location(node, path_qs, sender_id, signature, control=control)

"""The plain object request the lean front (web/fast_http.py) may answer: parsed from its raw head.

Plain: `/v1/objects/<bucket>/<name>` whose query has only the provider, the namespace and a
proxy's redirect marker, none of them escaped, and no header that changes the reply beyond Range.
Anything else (or anything odd: dot segments, escapes in the bucket, a fragment, a name or bucket
that fails validation) is not plain, and aiohttp's full handler answers it as it would anyway.
"""

from typing import Final
from urllib.parse import unquote

from pyaistore.storage import names
from pyaistore.storage.errors import InvalidName
from pyaistore.web.fast_http import RequestHead
from pyaistore.wire import paths, query
from pyaistore.wire.bucket_id import BucketId, InvalidProvider, Namespace, normalize_provider

__all__ = ["HotKey", "PlainRequest", "parse", "resolve", "split", "split_keyed"]

_PREFIX: Final = paths.url_path(paths.OBJECTS).encode() + b"/"
_PREFIX_LEN: Final = len(_PREFIX)
_PLAIN_KEYS: Final = frozenset({query.PROVIDER, query.NAMESPACE, query.PROXY_ID, query.UNIX_TIME})
# Request headers whose presence leaves the request to the full path.
_UNUSUAL: Final = (b"expect", b"authorization", b"if-match", b"if-none-match", b"if-modified-since")

# Buckets of requests seen, by raw name, provider and namespace (None: not plain); all are
# dropped past this many. A bucket's identity never changes; whether it exists is asked later.
_KEPT_BUCKETS: Final = 1024
_buckets: dict[tuple[bytes, str | None, str | None], BucketId | None] = {}
_UNSEEN: Final = object()

PlainRequest = tuple[BucketId, str, bool]
# What the front keeps a decision under: the raw path, the provider and the namespace.
HotKey = tuple[bytes, str | None, str | None]


def split(head: RequestHead) -> tuple[bytes, dict[str, str]] | None:
    """The raw path and the plain query of a request that may be plain (cheap); None when not."""
    url = head.url
    if not url.startswith(_PREFIX) or b"#" in url:
        return None
    request_headers = head.headers
    for unusual in _UNUSUAL:
        if unusual in request_headers:
            return None
    path, _, raw_query = url.partition(b"?")
    try:
        params = _parse_query(raw_query.decode("ascii")) if raw_query else {}
    except UnicodeDecodeError:
        return None
    if params is None:
        return None
    return path, params


def split_keyed(head: RequestHead) -> tuple[bytes, dict[str, str], HotKey] | None:
    """`split`, plus the key the front files a kept decision for this object under."""
    parts = split(head)
    if parts is None:
        return None
    path, params = parts
    return path, params, (path, params.get(query.PROVIDER), params.get(query.NAMESPACE))


def resolve(path: bytes, params: dict[str, str], check_name: bool = True) -> tuple[BucketId, str] | None:
    """The bucket and object name of a split request, validated as the full path does; None if not plain.

    `check_name` False leaves the object name to a caller whose store validates it anyway.
    """
    slash = path.find(b"/", _PREFIX_LEN)
    if slash < 0:
        return None
    # aiohttp resolves dot segments and empty segments before routing: leave those to it.
    if b"//" in path or b"/." in path:
        return None
    key = (path[_PREFIX_LEN:slash], params.get(query.PROVIDER), params.get(query.NAMESPACE))
    bucket = _buckets.get(key, _UNSEEN)
    if bucket is _UNSEEN:
        bucket = _bucket(*key)
        if len(_buckets) >= _KEPT_BUCKETS:
            _buckets.clear()
        _buckets[key] = bucket
    if bucket is None:
        return None
    assert isinstance(bucket, BucketId)
    try:
        name = path[slash + 1 :].decode("ascii")
        if "%" in name:
            name = unquote(name, errors="surrogateescape")
    except (UnicodeDecodeError, ValueError):
        return None
    if check_name:
        try:
            names.validate_object_name(bucket, name)
        except InvalidName:
            return None
    return bucket, name


def _bucket(raw: bytes, provider: str | None, namespace: str | None) -> BucketId | None:
    """The bucket a plain request names; None when it is not plain (bad name, escapes, an alias)."""
    if b"%" in raw:
        return None
    try:
        name = raw.decode("ascii")
        names.validate_bucket_name(name)
        bucket = BucketId(name, normalize_provider(provider), Namespace.parse(namespace))
    except (UnicodeDecodeError, InvalidProvider, InvalidName, ValueError):
        return None
    return None if bucket.is_remote_ais else bucket  # an alias to resolve: the full path's


def parse(head: RequestHead) -> PlainRequest | None:
    """bucket, object name, and whether a node redirected it here; None when not plain."""
    parts = split(head)
    if parts is None:
        return None
    path, params = parts
    resolved = resolve(path, params)
    if resolved is None:
        return None
    return resolved[0], resolved[1], query.PROXY_ID in params


def _parse_query(raw: str) -> dict[str, str] | None:
    """A plain query's keys and values (no escapes); None when it has anything else."""
    if "%" in raw or "+" in raw:
        return None
    params: dict[str, str] = {}
    for pair in raw.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if key not in _PLAIN_KEYS or key in params:
            return None
        params[key] = value
    return params

"""Request -> typed values: bucket and object identity, action messages, metadata headers.

THE parsing layer: every route reads its body through `read_json`/`read_message` (bounded size
and nesting; the wire class's parser turns the JSON into a typed message, and any ValueError,
TypeError or KeyError it raises is a 400) and its numbers through `query_int`/`header_int`
(bounded digits and range), so no handler sees a value that was not validated.
"""

from collections.abc import Callable
from typing import Any, Final, TypeVar
from urllib.parse import unquote

import orjson
from aiohttp import web

from pyaistore.cluster.errors import BadRequest
from pyaistore.storage import names
from pyaistore.target.get_archived import ArchiveQuery
from pyaistore.target.put_object import PutArgs
from pyaistore.web import custom_md
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import fields, headers, limits, paths, query
from pyaistore.wire.bucket_id import BucketId, InvalidProvider, Namespace, normalize_provider
from pyaistore.wire.messages import ActionMsg

BUCKET_KEY: Final = "bucket"
OBJECT_KEY: Final = "name"
_OBJECTS_PREFIX: Final = paths.url_path(paths.OBJECTS) + "/"
INTERNAL_OBJECTS_PREFIX: Final = paths.url_path(paths.INTERNAL, paths.INTERNAL_OBJECTS) + "/"
INTERNAL_EC_PREFIX: Final = paths.url_path(paths.INTERNAL, paths.INTERNAL_EC) + "/"
# Control bodies are small; anything larger is not an action message.
MAX_CONTROL_BODY: Final = limits.MAX_CONTROL_BODY
# What a wire class's parser may raise for a body of the wrong shape (all answered 400).
_SHAPE_ERRORS: Final = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)
# The control body once read (client auth reads the action before the handler does).
_BODY_KEY: Final = "pyaistore_control_body"

T = TypeVar("T")


def bucket_id(request: web.Request) -> BucketId:
    """The bucket named in the path, with provider and namespace from the query (400 if invalid)."""
    name = request.match_info.get(BUCKET_KEY, "")
    try:
        provider = normalize_provider(request.query.get(query.PROVIDER))
    except InvalidProvider as exc:
        raise BadRequest(str(exc)) from exc
    names.validate_bucket_name(name)
    bucket = BucketId(name, provider, Namespace.parse(request.query.get(query.NAMESPACE)))
    # A remote AIS cluster's alias stands for its UUID (the bucket table and HRW use the UUID).
    return request.app[CONTEXT].meta.buckets.canonical(bucket) if bucket.is_remote_ais else bucket


def object_name(request: web.Request, route_prefix: str = _OBJECTS_PREFIX) -> str:
    """Everything after /v1/objects/<bucket>/ in the raw path, URL-decoded exactly once; 400 if invalid.

    Validated here, before any owner check or redirect: aiohttp resolves dot segments in
    request.path, so redirecting an unchecked "a/../../b" would send the client to another URL.
    """
    raw = request.raw_path.split("?", 1)[0]
    bucket = request.match_info.get(BUCKET_KEY, "")
    prefix = route_prefix + bucket + "/"
    if raw.startswith(prefix):
        # surrogateescape keeps undecodable bytes visible to the validator (which rejects them)
        # instead of folding every bad sequence into U+FFFD, where two names would share one object.
        name = unquote(raw[len(prefix) :], errors="surrogateescape")
    else:
        # The bucket itself was percent-encoded in the raw path; fall back on the router's value.
        name = request.match_info.get(OBJECT_KEY, "")
    names.validate_object_name(bucket_id(request), name)
    return name


async def read_json(request: web.Request, required: bool = True) -> object:
    """The request body as JSON; 400 when it is missing (if required), too large, malformed or
    nested deeper than MAX_JSON_DEPTH. `null` counts as missing."""
    if request.content_length is not None and request.content_length > MAX_CONTROL_BODY:
        raise BadRequest(
            f"control message too large ({request.content_length} bytes, the limit is {MAX_CONTROL_BODY})"
        )
    raw = request.get(_BODY_KEY)
    if raw is None:
        raw = request[_BODY_KEY] = await request.content.read(MAX_CONTROL_BODY + 1)
    if len(raw) > MAX_CONTROL_BODY:
        raise BadRequest(f"control message too large (the limit is {MAX_CONTROL_BODY} bytes)")
    value = parse_json(raw) if raw.strip() else None
    if value is None and required:
        raise BadRequest("missing request body (expected a JSON message)")
    return value


def parse_json(raw: bytes | str) -> Any:
    """Bounded JSON: orjson (C, never recurses past 1,024 levels), then the depth limit; 400 otherwise."""
    try:
        value = orjson.loads(raw)
        fields.check_depth(value)
    except (orjson.JSONDecodeError, ValueError) as exc:
        raise BadRequest(f"invalid JSON in request body: {exc}") from exc
    return value


async def read_message(request: web.Request, parse: Callable[[Any], T], required: bool = True) -> T:
    """The body parsed by a wire class's parser (`Msg.from_json`); 400 naming what is wrong.

    With `required=False` an absent (or `null`) body is passed to `parse` as None.
    """
    return parse_value(await read_json(request, required), parse)


def parse_value(value: object, parse: Callable[[Any], T], what: str = "invalid request body") -> T:
    """`parse(value)`; any shape error it raises becomes a 400."""
    try:
        return parse(value)
    except BadRequest:
        raise
    except _SHAPE_ERRORS as exc:
        raise BadRequest(f"{what}: {exc}") from exc


async def action_msg(request: web.Request, required: bool = True) -> ActionMsg | None:
    """The {"action","name","value"} body; None when absent and not required."""
    data = await read_json(request, required)
    if data is None:
        return None
    return parse_value(data, ActionMsg.from_json)


async def required_action(request: web.Request) -> ActionMsg:
    """The {"action","name","value"} body, which must be there (400 otherwise)."""
    return parse_value(await read_json(request), ActionMsg.from_json)


def query_int(request: web.Request, name: str, default: int, low: int = 0, high: int = limits.MAX_INT) -> int:
    """A numeric query parameter, bounded; `default` when absent or empty; 400 otherwise."""
    raw = request.query.get(name, "")
    return default if not raw else parse_value(raw, lambda text: fields.int_text(text, name, low, high))


def header_int(
    request: web.Request, name: str, default: int, low: int = 0, high: int = limits.MAX_INT
) -> int:
    """A numeric header, bounded; `default` when absent or empty; 400 otherwise."""
    raw = request.headers.get(name, "")
    return default if not raw else parse_value(raw, lambda text: fields.int_text(text, name, low, high))


def custom_metadata(request: web.Request, bucket: BucketId, name: str) -> dict[str, str]:
    """Ais-Custom-Md headers: each `k=v`, repeated or comma-joined; within the documented limits."""
    custom: dict[str, str] = {}
    for header in request.headers.getall(headers.CUSTOM_MD, []):
        for pair in header.split(","):
            key, sep, value = pair.strip().partition("=")
            if not sep or not key:
                raise BadRequest(f'invalid custom metadata "{pair.strip()[:64]}": expected key=value')
            custom[key] = value
    return custom_md.validate_custom(bucket, name, custom) if custom else custom


def put_args(request: web.Request, bucket: BucketId, name: str) -> PutArgs:
    """Everything a PUT carries besides the body."""
    names.validate_object_name(bucket, name)
    cks_type = request.headers.get(headers.CHECKSUM_TYPE, "")
    cks_value = request.headers.get(headers.CHECKSUM_VALUE, "")
    if bool(cks_type) != bool(cks_value) and cks_type != "none":
        raise BadRequest(f"{bucket.object_cname(name)}: checksum type and value must be given together")
    return PutArgs(
        bucket=bucket,
        name=name,
        size=request.content_length,
        checksum_type="" if cks_type == "none" else cks_type,
        checksum_value=cks_value,
        custom=custom_metadata(request, bucket, name),
        skip_version_check=query.parse_bool(request.query.get(query.SKIP_VC)),
    )


def archive_query(request: web.Request) -> ArchiveQuery | None:
    """archpath, or archregx with archmode; None for a plain GET (empty values count as absent).

    archregx alone is ignored, as AIS ignores it without archmode; archpath with archmode is 400.
    """
    archpath = request.query.get(query.ARCHPATH, "")
    mode = request.query.get(query.ARCHMODE, "")
    if not archpath and not mode:
        return None
    if archpath and mode:
        raise BadRequest(
            f"{query.ARCHPATH}={archpath!r} (match one) and {query.ARCHREGX}="
            f"{request.query.get(query.ARCHREGX, '')!r} (match many) are mutually exclusive"
        )
    if archpath:
        _validate_archpath(archpath)
    return ArchiveQuery(
        archpath=archpath,
        archmime=request.query.get(query.ARCHMIME, ""),
        regex=request.query.get(query.ARCHREGX, ""),
        mode=mode,
    )


def _validate_archpath(archpath: str) -> None:
    """No trailing "/" and no "." or ".." components (AIS's ValidateArchpath)."""
    parts = archpath.removeprefix("/").split("/")
    if archpath.endswith("/") or any(part in (".", "..") for part in parts):
        raise BadRequest(f'invalid {query.ARCHPATH} "{archpath}"')


def props_list(request: web.Request) -> list[str] | None:
    """The `props` query as a list; None when absent."""
    raw = request.query.get(query.PROPS)
    if raw is None:
        return None
    return [p.strip() for p in raw.split(",") if p.strip()]


def is_redirected(request: web.Request) -> bool:
    """True when a proxy sent this request here (pid/utm marker)."""
    return query.PROXY_ID in request.query

"""Remote-bucket endpoints: the targets' internal ones the proxy calls (a backend's answer about a
bucket, its buckets, a page of objects, which names are stored), and the proxy's attach, detach
and listing of remote AIS clusters. Each: parse, one call, render."""

import asyncio

import msgpack
from aiohttp import web

from pyaistore.cluster.errors import BadRequest
from pyaistore.proxy import remote_clusters
from pyaistore.target import remote_listing
from pyaistore.web import request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, query
from pyaistore.wire.bucket_id import InvalidProvider, normalize_provider
from pyaistore.wire.messages import LsoMsg

__all__ = [
    "attach",
    "cached",
    "detach",
    "head_bucket",
    "list_buckets",
    "list_page",
]


async def head_bucket(request: web.Request) -> web.Response:
    """POST /v1/internal/remote-bucket/<b> {"props": {...} | null}: the backend's answer as JSON."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    body = await request_parsing.read_json(request, required=False)
    props = body.get("props") if isinstance(body, dict) else None
    if props is not None and not isinstance(props, dict):
        raise BadRequest("remote bucket: props must be a JSON object")
    info = await remote_listing.head_bucket(ctx, bucket, props)
    return web.json_response(info.to_json())


async def list_buckets(request: web.Request) -> web.Response:
    """GET /v1/internal/remote-buckets?provider=P[&namespace=@uuid]: the backend's bucket names."""
    ctx = request.app[CONTEXT]
    try:
        provider = normalize_provider(request.query.get(query.PROVIDER))
    except InvalidProvider as exc:
        raise BadRequest(str(exc)) from exc
    namespace = request.query.get(query.NAMESPACE, "").removeprefix("@").partition("#")[0]
    return web.json_response(await remote_listing.list_buckets(ctx, provider, namespace))


async def list_page(request: web.Request) -> web.Response:
    """GET /v1/internal/remote-list/<b> (LsoMsg body): one backend page as msgpack."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    msg = _lso(await request_parsing.read_json(request))
    page = await remote_listing.list_page(ctx, bucket, msg)
    return web.Response(body=msgpack.packb(page.to_msgpack()), content_type=headers.MSGPACK_TYPE)


async def cached(request: web.Request) -> web.Response:
    """POST /v1/internal/cached/<b> {"names": [...], "lso": LsoMsg}: entries of the names stored here."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    body = await request_parsing.read_json(request)
    names = body.get("names") if isinstance(body, dict) else None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise BadRequest("cached: expected a list of names")
    msg = _lso(body.get("lso") if isinstance(body, dict) else None)
    entries = await asyncio.to_thread(remote_listing.cached_entries, ctx, bucket, names, msg)
    return web.Response(
        body=msgpack.packb([e.to_msgpack() for e in entries]), content_type=headers.MSGPACK_TYPE
    )


def _lso(data: object) -> LsoMsg:
    if not isinstance(data, dict):
        raise BadRequest("list: expected an LsoMsg object")
    try:
        return LsoMsg.from_json(data)
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"list: {exc}") from exc


def _what_remote(request: web.Request) -> None:
    what = request.query.get(query.WHAT, "")
    if what != query.WHAT_REMOTE_AIS:
        raise BadRequest(f'invalid query what="{what}" (expected "{query.WHAT_REMOTE_AIS}")')


async def attach(request: web.Request) -> web.Response:
    """PUT /v1/cluster/attach?what=remote with Ais-Remote-Ais-Alias and Ais-Remote-Ais-Url."""
    ctx = request.app[CONTEXT]
    _what_remote(request)
    alias = request.headers.get(headers.REMOTE_AIS_ALIAS, "")
    url = request.headers.get(headers.REMOTE_AIS_URL, "")
    await remote_clusters.attach(ctx, alias, url)
    return web.Response()


async def detach(request: web.Request) -> web.Response:
    """PUT /v1/cluster/detach?what=remote with Ais-Remote-Ais-Alias."""
    ctx = request.app[CONTEXT]
    _what_remote(request)
    await remote_clusters.detach(ctx, request.headers.get(headers.REMOTE_AIS_ALIAS, ""))
    return web.Response()

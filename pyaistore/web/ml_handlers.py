"""ML endpoints: get-batch (`/v1/ml/moss[/<bucket>]`) on the gateway and the designated target, and
a target's share of a batch for another target (`POST /v1/internal/moss`)."""

import asyncio
import logging

from aiohttp import web

from pyaistore.cluster import batch_frames
from pyaistore.cluster.errors import RangeNotSatisfiable
from pyaistore.job_kinds import get_batch as get_batch_kind
from pyaistore.proxy import get_batch as gateway
from pyaistore.target.batch_items import PartReader
from pyaistore.web import request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, query
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.get_batch import MossReq, RangeError

__all__ = ["batch_part", "gateway_get", "target_get"]

log = logging.getLogger(__name__)


def _default_bucket(request: web.Request) -> BucketId | None:
    return request_parsing.bucket_id(request) if request.match_info.get(request_parsing.BUCKET_KEY) else None


async def _moss_req(request: web.Request) -> MossReq:
    def parse(value: object) -> MossReq:
        try:
            return MossReq.from_json(value)
        except RangeError as exc:
            raise RangeNotSatisfiable(str(exc), -1) from exc

    return request_parsing.parse_value(
        await request_parsing.read_json(request), parse, "invalid get-batch request"
    )


async def gateway_get(request: web.Request) -> web.Response:
    """GET /v1/ml/moss[/<bucket>] on a proxy: check, pick the designated target, redirect (307)."""
    ctx = request.app[CONTEXT]
    # 1. parse: the colocation hint, the default bucket, the request
    coloc = gateway.check_coloc(request.query.get(query.COLOC))
    default = _default_bucket(request)
    req = await _moss_req(request)
    # 2. check every bucket and choose the target
    node = gateway.designated_target(ctx, req, default, coloc)
    # 3. redirect, keeping method and body
    raise web.HTTPTemporaryRedirect(gateway.redirect_location(ctx, node, request.path_qs))


class _ResponseSink:
    """The reply of a batch: headers go out with the first bytes, so an early failure keeps its status."""

    def __init__(self, request: web.Request) -> None:
        self.request = request
        self.response = web.StreamResponse(status=200)
        self.response.enable_chunked_encoding()

    def set_content_type(self, value: str) -> None:
        """The reply's Content-Type."""
        self.response.headers[headers.CONTENT_TYPE] = value

    async def write(self, data: bytes) -> None:
        """Send bytes (the status line and headers first)."""
        if not self.response.prepared:
            await self.response.prepare(self.request)
        await self.response.write(data)


async def target_get(request: web.Request) -> web.StreamResponse:
    """GET /v1/ml/moss[/<bucket>] on the designated target: the batch as one archive."""
    ctx = request.app[CONTEXT]
    # 1. parse
    default = _default_bucket(request)
    req = await _moss_req(request)
    # 2. run the batch on this target's get-batch job, streaming the reply
    sink = _ResponseSink(request)
    try:
        await get_batch_kind.serve(ctx, req, default, sink)
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception:
        if not sink.response.prepared:
            raise  # nothing sent yet: the error funnel answers with the error's own status
        # 3a. once bytes are out an error status is impossible: cutting the stream tells the client
        log.exception("get-batch failed after its reply started")
        if request.transport is not None:
            request.transport.close()
        return sink.response
    # 3. done
    if not sink.response.prepared:
        await sink.response.prepare(request)
    await sink.response.write_eof()
    return sink.response


async def batch_part(request: web.Request) -> web.StreamResponse:
    """POST /v1/internal/moss: this target's entries of a batch, as frames in the order asked."""
    ctx = request.app[CONTEXT]
    # 1. parse
    items = request_parsing.parse_value(
        await request_parsing.read_json(request), batch_frames.decode_items, "invalid batch part"
    )
    # 2. stream the frames, a block per worker-thread call
    reader = PartReader(ctx, items)
    response = web.StreamResponse(status=200, headers={headers.CONTENT_TYPE: headers.OCTET_TYPE})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        while block := await asyncio.to_thread(reader.read_block):
            await response.write(block)
        await response.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception:
        log.exception("get-batch share failed after its reply started")
        if request.transport is not None:
            request.transport.close()
    finally:
        reader.close()
    return response

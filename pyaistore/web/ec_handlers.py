"""Target endpoints only other targets call (control port) about erasure-coded objects.

/v1/internal/ec/<bucket>/<name>: the replica or slice this target keeps of the object (its
SliceMeta in the Pyaistore-Slice-Meta header): PUT stores one, GET streams it, HEAD tells its
metadata, DELETE removes it and this target's EC record of the object.
POST /v1/internal/ec-pieces/<bucket> {"names": [...]}: which of them this target keeps pieces of.
POST /v1/internal/ec-owned/<bucket> {"names": [...]}: this target owns them and peers keep
pieces of them; it restores those it lacks and answers how many.
"""

import asyncio

from aiohttp import web
from multidict import CIMultiDict

from pyaistore.cluster.errors import BadRequest
from pyaistore.cluster.peer_api import encode_slice_meta
from pyaistore.target import ec_pieces, object_recovery
from pyaistore.target.get_object import ObjectStream
from pyaistore.web import request_parsing, streaming
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import fields, headers
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

__all__ = ["delete_piece", "get_piece", "head_piece", "list_pieces", "owned", "put_piece"]


def _piece_ref(request: web.Request) -> tuple[BucketId, str]:
    bucket = request_parsing.bucket_id(request)
    return bucket, request_parsing.object_name(request, request_parsing.INTERNAL_EC_PREFIX)


async def put_piece(request: web.Request) -> web.Response:
    """PUT: store the replica or slice a peer sends; replies with the metadata kept."""
    ctx = request.app[CONTEXT]
    bucket, name = _piece_ref(request)
    try:
        meta = SliceMeta.from_json(fields.loads(request.headers.get(headers.SLICE_META, "")))
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"{bucket.object_cname(name)}: invalid EC metadata: {exc}") from exc
    kept = await ec_pieces.receive(ctx, bucket, name, meta, streaming.body_chunks(request))
    return web.Response(body=kept.encode(), content_type=headers.JSON_TYPE)


async def get_piece(request: web.Request) -> web.StreamResponse:
    """GET: the piece kept here, whole, its metadata in one header."""
    ctx = request.app[CONTEXT]
    bucket, name = _piece_ref(request)
    piece = await asyncio.to_thread(ec_pieces.open_piece, ctx, bucket, name)
    reply_headers = CIMultiDict(
        {headers.SLICE_META: encode_slice_meta(piece.meta), headers.CONTENT_TYPE: headers.OCTET_TYPE}
    )
    stream = ObjectStream(piece, 0, piece.size, partial=False)  # type: ignore[arg-type]
    return await streaming.send_object(request, stream, 200, reply_headers)


async def head_piece(request: web.Request) -> web.Response:
    """HEAD: the metadata of the piece kept here."""
    ctx = request.app[CONTEXT]
    bucket, name = _piece_ref(request)
    meta = await ec_pieces.head(ctx, bucket, name)
    return web.Response(headers={headers.SLICE_META: encode_slice_meta(meta)})


async def delete_piece(request: web.Request) -> web.Response:
    """DELETE: remove the piece and the EC record kept here."""
    ctx = request.app[CONTEXT]
    bucket, name = _piece_ref(request)
    await ec_pieces.delete(ctx, bucket, name)
    return web.Response()


def _parse_names(body: object) -> list[str]:
    names = body.get("names") if isinstance(body, dict) else None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise BadRequest('expected {"names": [object names]}')
    return names


async def _names(request: web.Request) -> list[str]:
    return await request_parsing.read_message(request, _parse_names)


async def list_pieces(request: web.Request) -> web.Response:
    """POST: name -> SliceMeta of the pieces kept here, for the names asked about."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    names = await _names(request)
    found = await asyncio.to_thread(ec_pieces.held, ctx, bucket, names)
    return web.json_response({name: meta.to_json() for name, meta in found.items()})


async def owned(request: web.Request) -> web.Response:
    """POST: restore those of the names this target owns but lacks; replies with how many."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    names = await _names(request)
    return web.Response(text=str(await object_recovery.recover_missing(ctx, bucket, names)))

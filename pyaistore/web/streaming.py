"""Bytes in and out: request bodies as bounded chunk streams; objects via sendfile or chunks."""

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Final

from aiohttp import web
from aiohttp.client_exceptions import ClientPayloadError
from aiohttp.http_exceptions import HttpProcessingError
from multidict import CIMultiDict

from pyaistore.cluster.errors import BadRequest, BodyTimeout
from pyaistore.target.cold_get import ColdStream
from pyaistore.target.get_archived import ArchivedFile, ArchivedSelection
from pyaistore.target.get_object import ObjectStream
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers

log = logging.getLogger(__name__)

# Objects up to this size are read inline and sent in one write (cheaper than sendfile setup).
SMALL_OBJECT: Final = 64 * 1024
CHUNK: Final = 1 << 20


async def body_chunks(request: web.Request) -> AsyncIterator[bytes]:
    """The request body as chunks; 400 when it ends before its Content-Length, 408 when it stalls."""
    expected = request.content_length
    idle = request.app[CONTEXT].config.body_timeout
    received = 0
    try:
        while True:
            try:
                async with asyncio.timeout(idle):
                    chunk = await request.content.read(CHUNK)
            except TimeoutError as exc:
                message = f"request body stalled for {idle:g}s after {received} bytes"
                if expected is not None:
                    message += f" of the {expected} announced by Content-Length"
                raise BodyTimeout(message) from exc
            if not chunk:
                break
            received += len(chunk)
            yield chunk
    except (ClientPayloadError, HttpProcessingError, ConnectionResetError) as exc:
        raise BadRequest(f"request body ended early after {received} bytes: {exc}") from exc
    if expected is not None and received != expected:
        raise BadRequest(f"request body has {received} bytes but Content-Length says {expected}")


async def has_body(request: web.Request) -> bool:
    """True when the request carries at least one body byte (a Content-Length above 0, or a
    chunked body that is not empty)."""
    if request.content_length is not None:
        return request.content_length > 0
    if not request.body_exists:
        return False
    async for chunk in body_chunks(request):
        if chunk:
            return True
    return False


async def read_small_body(request: web.Request, limit: int) -> bytes:
    """Read a body known to be at most `limit` bytes; 400 when it is short."""
    data = bytearray()
    async for chunk in body_chunks(request):
        data += chunk
        if len(data) > limit:
            raise BadRequest(f"request body larger than its Content-Length ({limit})")
    return bytes(data)


async def send_object(
    request: web.Request, stream: ObjectStream, status: int, reply_headers: CIMultiDict[str]
) -> web.StreamResponse:
    """Send `stream`'s byte range: one inline read for small objects, sendfile for the rest."""
    try:
        if stream.length <= SMALL_OBJECT:
            data = os.pread(stream.file.fileno(), stream.length, stream.start)
            return web.Response(body=data, status=status, headers=reply_headers)
        response = web.StreamResponse(status=status, headers=reply_headers)
        response.content_length = stream.length
        await response.prepare(request)
        await _sendfile(request, response, stream)
        await response.write_eof()
        return response
    finally:
        stream.close()


async def send_cold(
    request: web.Request, stream: ColdStream, status: int, reply_headers: CIMultiDict[str]
) -> web.StreamResponse:
    """Send a cold GET's range as its fetch writes it, each ready piece of the work file with
    sendfile (chunks where unsupported); a fetch that fails midway cuts the connection."""
    response = web.StreamResponse(status=status, headers=reply_headers)
    response.content_length = stream.length
    try:
        await response.prepare(request)
        await _send_segments(request, response, stream)
        await response.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception:
        log.exception("%s %s failed after the reply started", request.method, request.path)
        if request.transport is not None:
            request.transport.close()
    finally:
        stream.close()
    return response


async def _send_segments(request: web.Request, response: web.StreamResponse, stream: ColdStream) -> None:
    loop = asyncio.get_running_loop()
    transport = request.transport
    if transport is None:
        raise ConnectionResetError("connection lost")
    zero_copy = True
    with os.fdopen(os.dup(stream.fd), "rb") as fileobj:
        async for offset, length in stream.segments():
            if zero_copy:
                try:
                    await loop.sendfile(transport, fileobj, offset, length, fallback=False)
                    continue
                except (NotImplementedError, asyncio.SendfileNotAvailableError):
                    zero_copy = False
            end = offset + length
            while offset < end:
                chunk = await asyncio.to_thread(os.pread, fileobj.fileno(), min(CHUNK, end - offset), offset)
                if not chunk:
                    raise ConnectionResetError("work file shrank while being sent")
                await response.write(chunk)
                offset += len(chunk)


async def _sendfile(request: web.Request, response: web.StreamResponse, stream: ObjectStream) -> None:
    """Zero-copy send on plain TCP, like aiohttp's FileResponse; chunked reads where unsupported."""
    loop = asyncio.get_running_loop()
    transport = request.transport
    if transport is None:
        raise ConnectionResetError("connection lost")
    # TLS encrypts in user space: no sendfile there (asyncio would raise RuntimeError, not fall back).
    tls = transport.get_extra_info("sslcontext") is not None
    with os.fdopen(os.dup(stream.file.fileno()), "rb") as fileobj:
        try:
            if not tls:
                await loop.sendfile(transport, fileobj, stream.start, stream.length, fallback=False)
                return
        except (NotImplementedError, asyncio.SendfileNotAvailableError):
            pass
        offset, end = stream.start, stream.start + stream.length
        while offset < end:
            chunk = await asyncio.to_thread(os.pread, fileobj.fileno(), min(CHUNK, end - offset), offset)
            if not chunk:
                raise ConnectionResetError("object shrank while being sent")
            await response.write(chunk)
            offset += len(chunk)


async def send_archived_file(request: web.Request, archived: ArchivedFile) -> web.StreamResponse:
    """One file of a shard: only Content-Type and Content-Length, as AIS answers archpath reads."""
    reply_headers: CIMultiDict[str] = CIMultiDict({headers.CONTENT_TYPE: headers.OCTET_TYPE})
    if archived.chunks is None:
        # A plain tar's member is a byte range of the shard: sent like an object (sendfile).
        section = ObjectStream(archived.shard, archived.section_start, archived.size, partial=False)
        return await send_object(request, section, 200, reply_headers)
    try:
        response = web.StreamResponse(status=200, headers=reply_headers)
        response.content_length = archived.size
        await response.prepare(request)
        await _send_chunks(request, response, archived.chunks)
        return response
    finally:
        await asyncio.to_thread(archived.close)


async def send_selection(request: web.Request, selection: ArchivedSelection) -> web.StreamResponse:
    """The matching files as a tar, streamed with chunked transfer (its length is unknown up front)."""
    try:
        response = web.StreamResponse(status=200, headers={headers.CONTENT_TYPE: headers.TAR_TYPE})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(selection.first)
        await _send_chunks(request, response, selection.rest)
        return response
    finally:
        await asyncio.to_thread(selection.close)


async def _send_chunks(request: web.Request, response: web.StreamResponse, chunks: Iterator[bytes]) -> None:
    """Write chunks made one at a time in a worker thread; a failure midway cuts the connection.

    Once the status line is out an error reply is impossible: dropping the connection before
    the announced length (or the final chunk) is how the client learns the body is incomplete.
    """
    try:
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            await response.write(chunk)
        await response.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception:
        log.exception("%s %s failed after the reply started", request.method, request.path)
        if request.transport is not None:
            request.transport.close()

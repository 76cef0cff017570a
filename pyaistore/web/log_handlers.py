"""GET /v1/daemon?what=log: this node's log as text (from `offset`), or all files of a severity (.tar.gz)."""

import asyncio
import shutil
from typing import BinaryIO, Final

from aiohttp import web

from pyaistore.cluster.errors import BadRequest
from pyaistore.monitoring import log_files
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import headers, monitoring, query

__all__ = ["send_log"]

_CHUNK: Final = 1 << 20


async def send_log(request: web.Request) -> web.StreamResponse:
    """1) parse severity, offset, all 2) open the file (or build the archive) 3) stream it."""
    ctx = request.app[CONTEXT]
    severity = request.query.get(monitoring.LOG_SEVERITY, "")
    data_dir, role = ctx.config.data_dir, ctx.config.role
    if query.parse_bool(request.query.get(monitoring.LOG_ALL)):
        log_files.log_path(data_dir, role, severity)  # UnknownSeverity before any work
        path = await asyncio.to_thread(log_files.archive, data_dir, role, severity)
        try:
            archive: BinaryIO = await asyncio.to_thread(open, path, "rb")
            size = path.stat().st_size
            return await _send(request, archive, size, monitoring.LOG_ARCHIVE_TYPE)
        finally:
            await asyncio.to_thread(shutil.rmtree, path.parent, True)
    offset = _offset(request.query.get(monitoring.LOG_OFFSET, ""))
    stream, size = await asyncio.to_thread(log_files.open_log, data_dir, role, severity, offset)
    return await _send(request, stream, size, headers.TEXT_TYPE)


def _offset(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit() or len(text) > 19:
        raise BadRequest(f'invalid log offset "{text[:32]}"')
    return int(text)


async def _send(request: web.Request, stream: BinaryIO, size: int, content_type: str) -> web.StreamResponse:
    """`size` bytes of `stream` (what the file held when opened), read off the event loop."""
    try:
        response = web.StreamResponse(headers={headers.CONTENT_TYPE: content_type})
        response.content_length = size
        await response.prepare(request)
        left = size
        while left > 0:
            chunk = await asyncio.to_thread(stream.read, min(_CHUNK, left))
            if not chunk:
                break  # rotated and truncated meanwhile: the client sees a short body
            await response.write(chunk)
            left -= len(chunk)
        await response.write_eof()
        return response
    finally:
        stream.close()

"""The middleware that counts object requests for /metrics (AIS's get/put/del/... counters).

It sits inside the error funnel, so it sees the typed exception of a failed request. A route's
handler picks the kind of request (GET, PUT, append, ...) from the method and query; routes not
in the table cost one dict lookup. A handler whose kind depends on its body (a bucket GET that
lists objects, an object POST that renames) says so itself (`request_counters.count_as`). Per
request: a monotonic clock read and two or three adds to this process's counter row (see
benchmarks/bench_metrics.py for the cost).

What counts (as AIS counts it): on a target, a request it served (2xx), not one it redirected to
the owner; on a proxy, a request it redirected (its 301/307 is the success). Errors are counted
by kind; a missing object on GET or HEAD is not an error (AIS counts those only with a feature
flag). A failure to write the response counts as `err_http_write_count`.
"""

import time
from collections.abc import Callable, Mapping
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from pyaistore.monitoring import request_counters as ops
from pyaistore.monitoring.request_counters import NodeCounters, Operation
from pyaistore.storage import errors as storage_errors
from pyaistore.web import proxy_handlers, target_handlers
from pyaistore.web.error_mapping import Handler
from pyaistore.wire import query

__all__ = ["make_middleware"]

_KIND_KEY: Final = ops.KIND_KEY

Chooser = Callable[[web.Request], Operation | None]


def _target_put(request: web.Request) -> Operation | None:
    if query.APPEND_TYPE in request.query:
        return ops.APPEND
    return None if query.OBJECT_TO in request.query else ops.PUT


def _proxy_object(request: web.Request) -> Operation | None:
    method = request.method
    if method == "GET":
        return ops.GET
    if method == "PUT":
        return _target_put(request)
    return _PROXY_METHODS.get(method)


def _marked(_: web.Request) -> Operation | None:
    return None


def _fixed(op: Operation) -> Chooser:
    return lambda _: op


_PROXY_METHODS: Final[Mapping[str, Operation]] = {"HEAD": ops.HEAD, "DELETE": ops.DELETE}

_TARGET: Final[Mapping[object, Chooser]] = {
    target_handlers.get: _fixed(ops.GET),
    target_handlers.head: _fixed(ops.HEAD),
    target_handlers.put: _target_put,
    target_handlers.delete: lambda request: None if query.UPLOAD_ID in request.query else ops.DELETE,
    target_handlers.post: _marked,
}
_PROXY: Final[Mapping[object, Chooser]] = {
    proxy_handlers.object_redirect: _proxy_object,
    proxy_handlers.bucket_get: _marked,
}


def _io_error(exc: BaseException) -> bool:
    if isinstance(exc, storage_errors.MountpathUnavailable | storage_errors.CorruptMeta):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, ConnectionError)


def _failed(counters: NodeCounters, op: Operation | None, exc: BaseException) -> None:
    if isinstance(exc, ConnectionError):
        counters.add(ops.HTTP_WRITE_ERROR)
        return
    if op is None or (not op.not_found_is_error and isinstance(exc, storage_errors.ObjectNotFound)):
        return
    counters.failed(op, _io_error(exc), isinstance(exc, storage_errors.ChecksumMismatch))


def make_middleware(counters: NodeCounters, proxy: bool) -> Middleware:
    """The counting middleware of a node (a proxy counts its redirects, a target what it served)."""
    table = _PROXY if proxy else _TARGET
    success_below = 400 if proxy else 300
    clock = time.perf_counter_ns

    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        choose = table.get(request.match_info.handler)
        if choose is None:
            return await handler(request)
        op = choose(request)
        started = clock()
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < success_below and exc.status >= 300:
                if (op := op or request.get(_KIND_KEY)) is not None:
                    counters.succeeded(op, 0, clock() - started)
            elif exc.status >= 400:
                _failed(counters, op or request.get(_KIND_KEY), exc)
            raise
        except Exception as exc:
            _failed(counters, op or request.get(_KIND_KEY), exc)
            raise
        op = op or request.get(_KIND_KEY)
        if op is None:
            return response
        status = response.status
        if status < 300:
            size = 0
            if op.size >= 0:
                size = _size(request, response, op)
            counters.succeeded(op, size, clock() - started)
        elif status >= 400:
            counters.failed(op)
        return response

    return count


def _size(request: web.Request, response: web.StreamResponse, op: Operation) -> int:
    """Bytes sent (GET) or received (PUT)."""
    if op is ops.PUT:
        return int(getattr(request.content, "total_bytes", 0))
    length = response.content_length
    return length if length is not None else response.body_length

"""The S3 endpoint on the gateway: routes (under /s3, and at the root when configured), the
signature check, the choice of operation by method, level and sub-resource, and the XML error
funnel. Each operation lives in bucket_handlers, object_handlers or multipart.

Steps of every request: 1) address it (path- or virtual-hosted-style) 2) check its signature when
the cluster has an S3 key pair, and its AuthN token when client auth is on (client_access.py)
3) pick the operation 4) run it 5) any error becomes S3's XML reply.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web

from pyaistore.auth import route_access
from pyaistore.node_context import NodeContext
from pyaistore.proxy import buckets
from pyaistore.s3 import (
    addressing,
    bucket_handlers,
    client_access,
    multipart,
    object_handlers,
    request_auth,
    s3_errors,
)
from pyaistore.s3.addressing import S3Request
from pyaistore.s3.s3_errors import S3Error
from pyaistore.wire import s3

__all__ = ["S3Endpoint", "install", "route"]

Operation = Callable[[NodeContext, S3Request, web.Request], Awaitable[web.StreamResponse]]


def _unsupported(what: str) -> Operation:
    async def refuse(ctx: NodeContext, req: S3Request, request: web.Request) -> web.StreamResponse:
        if req.bucket:
            buckets.by_name(ctx, req.bucket)  # NoSuchBucket first, as AIS answers
        raise S3Error(s3.NOT_IMPLEMENTED, f"{what} is not implemented")

    return refuse


def route(req: S3Request) -> Operation:
    """The operation an addressed request asks for (MethodNotAllowed / NotImplemented otherwise)."""
    method = req.method
    if not req.bucket:
        if method == "GET":
            return bucket_handlers.list_buckets
        raise S3Error(s3.METHOD_NOT_ALLOWED, f"{method} is not allowed on the service")
    for name in s3.UNSUPPORTED_BUCKET_QUERIES:
        if req.has(name):
            return _unsupported(f"the {name} sub-resource")
    if req.has(s3.TAGGING):
        return _unsupported("tagging")
    if not req.key:
        return _bucket_route(req)
    return _object_route(req)


def _bucket_route(req: S3Request) -> Operation:
    method = req.method
    if method == "GET":
        if req.has(s3.UPLOADS):
            return bucket_handlers.list_uploads
        if req.has(s3.VERSIONING):
            return bucket_handlers.get_versioning
        if req.has(s3.LOCATION):
            return bucket_handlers.get_location
        return bucket_handlers.list_objects
    if method == "PUT":
        return bucket_handlers.put_versioning if req.has(s3.VERSIONING) else bucket_handlers.create_bucket
    if method in ("POST", "DELETE") and req.has(s3.DELETE):
        return bucket_handlers.delete_objects
    if method == "DELETE":
        return bucket_handlers.delete_bucket
    if method == "HEAD":
        return bucket_handlers.head_bucket
    raise S3Error(s3.METHOD_NOT_ALLOWED, f"{method} is not allowed on a bucket")


def _object_route(req: S3Request) -> Operation:
    method = req.method
    upload = req.has(s3.UPLOAD_ID)
    copy = bool(req.header(s3.H_COPY_SOURCE))
    if method == "GET":
        if upload:
            return multipart.list_parts
        if req.has(s3.PART_NUMBER):
            return _unsupported("GetObject of one part")
        return object_handlers.get_object
    if method == "HEAD":
        return object_handlers.head_object
    if method == "PUT":
        if upload and copy:
            return _unsupported("UploadPartCopy")
        if upload or req.has(s3.PART_NUMBER):
            return multipart.upload_part
        return object_handlers.copy_object if copy else object_handlers.put_object
    if method == "DELETE":
        return multipart.abort_upload if upload else object_handlers.delete_object
    if method == "POST":
        if req.has(s3.UPLOADS):
            return multipart.create_upload
        if upload:
            return multipart.complete_upload
        return _unsupported("POST on an object without ?uploads or ?uploadId (e.g. S3 Select)")
    raise S3Error(s3.METHOD_NOT_ALLOWED, f"{method} is not allowed on an object")


class S3Endpoint:
    """The S3 dialect for one gateway: every S3 request goes through `serve`."""

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx
        self._domains = addressing.split_domains(ctx.config.s3_domains)

    async def under_prefix(self, request: web.Request) -> web.StreamResponse:
        """A request under /s3."""
        return await self.serve(request, "/" + s3.PATH_PREFIX)

    async def at_root(self, request: web.Request) -> web.StreamResponse:
        """A request at the root (S3 at the root is configured)."""
        return await self.serve(request, "")

    async def serve(self, request: web.Request, mount: str) -> web.StreamResponse:
        """Steps 1-5 above."""
        resource = request.path
        try:
            req = addressing.parse(request, mount, self._domains)
            resource = req.resource
            req.auth = self._authenticate(request, req)
            client_access.check(self._ctx, req)
            response = await route(req)(self._ctx, req, request)
        except (web.HTTPException, asyncio.CancelledError):
            raise  # a 304, or the funnel's own (a native path at the root): not S3's to render
        except Exception as exc:
            return s3_errors.render(exc, resource, request.method)
        if not response.prepared:
            response.headers.setdefault(s3.H_SERVER, s3.SERVER_NAME)
        return response

    def _authenticate(self, request: web.Request, req: S3Request) -> request_auth.Authenticated | None:
        config = self._ctx.config
        if not config.s3_auth:
            return None
        raw_query = request.raw_path.partition("?")[2]
        return request_auth.authenticate(
            request.method,
            request.raw_path.split("?", 1)[0],
            raw_query,
            req.headers,
            config.s3_access_key,
            config.s3_secret_key,
            datetime.now(UTC),
            req.raw_resource,
        )


def install(app: web.Application, ctx: NodeContext) -> S3Endpoint:
    """Add the S3 routes to a gateway's application, after its native ones (so /v1 wins at the root)."""
    endpoint = S3Endpoint(ctx)
    # Client auth is checked inside (step 2, client_access.py), so refusals are S3's XML.
    route_access.no_token(S3Endpoint.under_prefix)
    route_access.no_token(S3Endpoint.at_root)
    prefix = "/" + s3.PATH_PREFIX
    app.router.add_route("*", prefix, endpoint.under_prefix)
    app.router.add_route("*", prefix + "/{tail:.*}", endpoint.under_prefix)
    if ctx.config.s3_at_root:
        app.router.add_route("*", "/", endpoint.at_root)
        app.router.add_route("*", "/{tail:.*}", endpoint.at_root)
    return endpoint

"""THE table from typed exceptions to (HTTP status, wire error code), and the middleware using it.

Nothing else in the server turns an exception into a status. A HEAD reply carries no body, so
its error JSON travels in the Hdr-Error header, as AIS does.
"""

import logging
from collections.abc import Awaitable, Callable
from types import MappingProxyType
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from pyaistore.auth import errors as auth_errors
from pyaistore.backends import base as backend_errors
from pyaistore.cluster import errors as node_errors
from pyaistore.etl import errors as etl_errors
from pyaistore.jobs import errors as job_errors
from pyaistore.monitoring import log_files
from pyaistore.storage import errors as storage_errors
from pyaistore.wire import error_body, headers
from pyaistore.wire.bucket_id import InvalidProvider
from pyaistore.wire.error_body import ErrorBody

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Looked up along each exception's MRO, so subclasses inherit their parent's row.
TABLE: Final = MappingProxyType(
    {
        node_errors.BucketNotFound: (404, error_body.BUCKET_NOT_FOUND),
        node_errors.AmbiguousBucket: (404, error_body.BUCKET_NOT_FOUND),
        node_errors.BucketAlreadyExists: (409, error_body.BUCKET_EXISTS),
        node_errors.NodeNotFound: (404, error_body.NOT_FOUND),
        node_errors.EtlNotFound: (404, error_body.NOT_FOUND),
        etl_errors.InvalidEtlSpec: (400, error_body.INVALID_REQUEST),
        etl_errors.EtlAlreadyExists: (409, error_body.ETL_EXISTS),
        etl_errors.EtlStageConflict: (400, error_body.INVALID_REQUEST),
        etl_errors.EtlInitFailed: (400, error_body.INVALID_REQUEST),
        # The transform server's own status (500 when it raised or sent the wrong type).
        etl_errors.EtlTransformFailed: (500, error_body.INTERNAL),
        # AIS answers 400 (its default for an error without a status): a transform that outlasts
        # its object timeout would again, so clients must not repeat it as they do 5xx.
        etl_errors.EtlTransformTimeout: (400, error_body.INVALID_REQUEST),
        node_errors.BodyTimeout: (408, error_body.INVALID_REQUEST),
        node_errors.RangeNotSatisfiable: (416, error_body.RANGE_NOT_SATISFIABLE),
        node_errors.NotSupported: (501, error_body.NOT_IMPLEMENTED),
        node_errors.PeerFailed: (503, error_body.BUSY),
        node_errors.PeerRejected: (400, error_body.INVALID_REQUEST),
        node_errors.NoTargets: (503, error_body.BUSY),
        # AIS sends this one without a tcode.
        node_errors.NotReady: (503, ""),
        node_errors.NoClusterMap: (503, ""),
        node_errors.ClusterMismatch: (400, error_body.CLUSTER_MISMATCH),
        node_errors.Busy: (409, error_body.BUSY),
        node_errors.Forbidden: (403, error_body.FORBIDDEN),
        node_errors.NotEnoughTargets: (400, error_body.NOT_ENOUGH_TARGETS),
        node_errors.BadRequest: (400, error_body.INVALID_REQUEST),
        storage_errors.ObjectNotFound: (404, error_body.OBJECT_NOT_FOUND),
        storage_errors.InvalidName: (400, error_body.INVALID_NAME),
        storage_errors.NameConflict: (409, error_body.CONFLICT),
        storage_errors.ChecksumMismatch: (400, error_body.CHECKSUM_MISMATCH),
        storage_errors.InvalidAppendHandle: (400, error_body.INVALID_REQUEST),
        storage_errors.InvalidProps: (400, error_body.INVALID_REQUEST),
        storage_errors.NoSpace: (507, error_body.NO_SPACE),
        # Custom metadata over a documented limit (wire/limits.py): the client's to fix, never 507.
        storage_errors.MetadataTooLarge: (400, error_body.INVALID_REQUEST),
        # A corrupt or unsupported shard is the client's to fix (AIS: 400, "unknown mime", etc.).
        storage_errors.ArchiveError: (400, error_body.INVALID_REQUEST),
        storage_errors.ArchiveMemberNotFound: (404, error_body.OBJECT_NOT_FOUND),
        # Multipart uploads; completing with more or fewer parts than uploaded is 501, as AIS answers.
        storage_errors.UploadNotFound: (404, error_body.UPLOAD_NOT_FOUND),
        storage_errors.InvalidPartList: (400, error_body.INVALID_PART),
        storage_errors.PartialCompletion: (501, error_body.INVALID_PART),
        storage_errors.InvalidPart: (400, error_body.INVALID_PART),
        # Stored metadata that cannot be decoded is damage, not a client mistake.
        storage_errors.CorruptMeta: (500, error_body.INTERNAL),
        # Mountpath changes (reference section 3.1); detach of an unknown one is made 400 upstream.
        storage_errors.MountpathError: (400, error_body.INVALID_REQUEST),
        storage_errors.MountpathNotFound: (404, error_body.MOUNTPATH_NOT_FOUND),
        storage_errors.InvalidMountpath: (400, error_body.INVALID_MOUNTPATH),
        storage_errors.NoMountpathsLeft: (400, error_body.INVALID_MOUNTPATH),
        # A disk gone or failing (the target disables it, unless it is its last one): retry later.
        storage_errors.MountpathUnavailable: (503, ""),
        storage_errors.LockBusy: (503, error_body.BUSY),
        InvalidProvider: (400, error_body.INVALID_REQUEST),
        job_errors.JobNotFound: (404, error_body.JOB_NOT_FOUND),
        job_errors.JobConflict: (409, error_body.CONFLICT),
        job_errors.InvalidJobRequest: (400, error_body.INVALID_REQUEST),
        job_errors.NotStartable: (501, error_body.NOT_IMPLEMENTED),
        job_errors.JobFailed: (500, error_body.INTERNAL),
        # Remote buckets: the backend's own status (BackendError.status) with these codes.
        backend_errors.BackendError: (500, ""),
        backend_errors.RemoteBucketNotFound: (404, error_body.REMOTE_BUCKET_NOT_FOUND),
        backend_errors.RemoteObjectNotFound: (404, error_body.OBJECT_NOT_FOUND),
        backend_errors.BackendNotImplemented: (501, error_body.NOT_IMPLEMENTED),
        # Node logs (what=log): AIS answers a missing file 404, the rest 400.
        log_files.LogNotFound: (404, error_body.NOT_FOUND),
        log_files.LogError: (400, error_body.INVALID_REQUEST),
        # Client auth (web/client_auth.py): AIS sends these without a tcode.
        auth_errors.Unauthenticated: (401, ""),
        auth_errors.InsufficientPermissions: (403, ""),
    }
)


def status_for(exc: BaseException) -> tuple[int, str] | None:
    """The (status, tcode) row for an exception, or None when it is not one of ours."""
    for klass in type(exc).__mro__:
        row = TABLE.get(klass)
        if row is not None:
            return row
    return None


def message_for(exc: BaseException, node_name: str) -> str:
    """The error message; storage errors are prefixed with the node, as AIS's are."""
    text = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, storage_errors.StorageError):
        return f"{node_name}: {text}"
    return text


def render(request: web.Request, status: int, message: str, tcode: str, node_name: str) -> web.Response:
    """Build the error reply (JSON body, or Hdr-Error on HEAD)."""
    peer = request.transport.get_extra_info("peername") if request.transport else None
    body = ErrorBody(
        status=status,
        message=message,
        tcode=tcode,
        method=request.method,
        url_path=request.path,
        remote_addr=f"{peer[0]}:{peer[1]}" if peer else "",
        node=node_name,
    ).to_json()
    reply_headers = {headers.NOSNIFF: "nosniff"}
    if request.method == "HEAD":
        reply_headers[headers.ERROR_ON_HEAD] = body
        return web.Response(status=status, headers=reply_headers)
    return web.Response(status=status, text=body, content_type=headers.JSON_TYPE, headers=reply_headers)


def make_middleware(node_name: str) -> Middleware:
    """The error funnel for one node."""

    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return render(request, exc.status, exc.reason, "", node_name)
        except Exception as exc:
            row = status_for(exc)
            if row is None:
                log.exception("%s %s failed", request.method, request.path)
                return render(request, 500, f"internal error: {exc!r}", error_body.INTERNAL, node_name)
            if isinstance(exc, node_errors.PeerRejected):
                row = (exc.status, exc.tcode or row[1])
            if isinstance(exc, (etl_errors.EtlTransformFailed, backend_errors.BackendError)):
                row = (exc.status, row[1])
            reply = render(request, row[0], message_for(exc, node_name), row[1], node_name)
            if isinstance(exc, node_errors.RangeNotSatisfiable) and exc.size >= 0:
                reply.headers[headers.CONTENT_RANGE] = f"bytes */{exc.size}"
            return reply

    return errors

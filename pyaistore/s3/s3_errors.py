"""S3's errors: THE table from exceptions to (HTTP status, S3 code), and the XML error reply.

The S3 endpoint's counterpart of web/error_mapping.py, kept apart because S3 clients read an XML
`<Error><Code>` rather than AIS's JSON `tcode`. Errors raised by the S3 layer itself are
`S3Error`s carrying their code (the status comes from `STATUS`); errors of the native operations
underneath (a missing bucket, a 4xx relayed from a target) are mapped by type, and relayed ones by
the target's `tcode`.

    S3Error(code, message)        raised in s3/: status by code (STATUS)
    native exceptions             EXCEPTIONS, looked up along the MRO
    PeerRejected(status, tcode)   TCODES by the target's tcode, else by its status
"""

import logging
import uuid
from types import MappingProxyType
from typing import Final
from xml.sax.saxutils import escape

from aiohttp import web

from pyaistore.auth import errors as auth_errors
from pyaistore.cluster import errors as node_errors
from pyaistore.storage import errors as storage_errors
from pyaistore.wire import error_body, headers, s3

__all__ = ["EXCEPTIONS", "STATUS", "TCODES", "S3Error", "code_for", "render"]

log = logging.getLogger(__name__)


class S3Error(Exception):
    """An S3 error with its code; the HTTP status is the code's row in STATUS."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# S3 code -> HTTP status (AWS "Error responses").
STATUS: Final = MappingProxyType(
    {
        s3.ACCESS_DENIED: 403,
        s3.AMBIGUOUS_BUCKET: 404,
        s3.BAD_DIGEST: 400,
        s3.BUCKET_EXISTS: 409,
        s3.ENTITY_TOO_LARGE: 400,
        s3.INCOMPLETE_BODY: 400,
        s3.INTERNAL_ERROR: 500,
        s3.INVALID_ACCESS_KEY: 403,
        s3.INVALID_ARGUMENT: 400,
        s3.INVALID_BUCKET_NAME: 400,
        s3.INVALID_PART: 400,
        s3.INVALID_PART_ORDER: 400,
        s3.INVALID_RANGE: 416,
        s3.INVALID_REQUEST: 400,
        s3.KEY_TOO_LONG: 400,
        s3.MALFORMED_XML: 400,
        s3.METHOD_NOT_ALLOWED: 405,
        s3.MISSING_CONTENT_LENGTH: 411,
        s3.NO_SUCH_BUCKET: 404,
        s3.NO_SUCH_KEY: 404,
        s3.NO_SUCH_UPLOAD: 404,
        s3.NOT_IMPLEMENTED: 501,
        s3.PRECONDITION_FAILED: 412,
        s3.REQUEST_TIMEOUT: 400,
        s3.REQUEST_TIME_SKEWED: 403,
        s3.SERVICE_UNAVAILABLE: 503,
        s3.SIGNATURE_MISMATCH: 403,
        s3.SHA256_MISMATCH: 400,
        s3.INSUFFICIENT_STORAGE: 507,
    }
)

# Native exceptions (looked up along the MRO, so subclasses inherit their parent's row).
EXCEPTIONS: Final = MappingProxyType(
    {
        node_errors.BucketNotFound: s3.NO_SUCH_BUCKET,
        node_errors.AmbiguousBucket: s3.AMBIGUOUS_BUCKET,
        node_errors.BucketAlreadyExists: s3.BUCKET_EXISTS,
        node_errors.BodyTimeout: s3.REQUEST_TIMEOUT,
        node_errors.RangeNotSatisfiable: s3.INVALID_RANGE,
        node_errors.NotSupported: s3.NOT_IMPLEMENTED,
        node_errors.PeerFailed: s3.SERVICE_UNAVAILABLE,
        node_errors.NoTargets: s3.SERVICE_UNAVAILABLE,
        node_errors.NotReady: s3.SERVICE_UNAVAILABLE,
        node_errors.BadRequest: s3.INVALID_REQUEST,
        storage_errors.ObjectNotFound: s3.NO_SUCH_KEY,
        storage_errors.InvalidName: s3.INVALID_ARGUMENT,
        storage_errors.ChecksumMismatch: s3.BAD_DIGEST,
        storage_errors.UploadNotFound: s3.NO_SUCH_UPLOAD,
        storage_errors.InvalidPartList: s3.INVALID_PART,
        storage_errors.InvalidPart: s3.INVALID_PART,
        storage_errors.NoSpace: s3.INSUFFICIENT_STORAGE,
        storage_errors.InvalidProps: s3.INVALID_ARGUMENT,
        # Client auth (client_access.py): AIS answers 401 and 403 over S3 as AccessDenied.
        auth_errors.AuthError: s3.ACCESS_DENIED,
    }
)

# A target's refusal, relayed: its tcode decides; without a known one, its status does.
TCODES: Final = MappingProxyType(
    {
        error_body.OBJECT_NOT_FOUND: s3.NO_SUCH_KEY,
        error_body.BUCKET_NOT_FOUND: s3.NO_SUCH_BUCKET,
        error_body.UPLOAD_NOT_FOUND: s3.NO_SUCH_UPLOAD,
        error_body.INVALID_PART: s3.INVALID_PART,
        error_body.CHECKSUM_MISMATCH: s3.BAD_DIGEST,
        error_body.RANGE_NOT_SATISFIABLE: s3.INVALID_RANGE,
        error_body.INVALID_NAME: s3.INVALID_ARGUMENT,
        error_body.NO_SPACE: s3.INSUFFICIENT_STORAGE,
        error_body.NOT_IMPLEMENTED: s3.NOT_IMPLEMENTED,
    }
)
_BY_STATUS: Final = MappingProxyType(
    {404: s3.NO_SUCH_KEY, 408: s3.REQUEST_TIMEOUT, 416: s3.INVALID_RANGE, 501: s3.NOT_IMPLEMENTED}
)


def code_for(exc: BaseException) -> tuple[int, str]:
    """(status, S3 code) for any exception; unknown ones are 500 InternalError."""
    if isinstance(exc, S3Error):
        return STATUS[exc.code], exc.code
    if isinstance(exc, node_errors.PeerRejected):
        code = TCODES.get(exc.tcode) or _BY_STATUS.get(exc.status, s3.INVALID_REQUEST)
        return (exc.status if code == s3.INVALID_REQUEST else STATUS[code]), code
    for klass in type(exc).__mro__:
        found = EXCEPTIONS.get(klass)
        if found is not None:
            return STATUS[found], found
    return 500, s3.INTERNAL_ERROR


def render(exc: BaseException, resource: str, method: str) -> web.Response:
    """The XML error reply (a HEAD gets the status and headers only, as S3 sends it)."""
    status, code = code_for(exc)
    if code == s3.INTERNAL_ERROR:
        log.error("S3 %s %s failed", method, resource, exc_info=exc)
    message = getattr(exc, "message", None) or str(exc) or code
    request_id = uuid.uuid4().hex[:16].upper()
    reply_headers = {headers.NOSNIFF: "nosniff", s3.H_REQUEST_ID: request_id, s3.H_SERVER: s3.SERVER_NAME}
    if method == "HEAD":
        return web.Response(status=status, headers=reply_headers)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message>"
        f"<Resource>{escape(resource)}</Resource><RequestId>{request_id}</RequestId></Error>"
    )
    return web.Response(status=status, text=body, content_type=s3.XML_TYPE, headers=reply_headers)

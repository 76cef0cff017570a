"""The JSON error shape AIS sends and the stable error-kind codes (`tcode`) inside it."""

import json
from dataclasses import dataclass
from typing import Any, Final

BUCKET_NOT_FOUND: Final = "ErrBckNotFound"
REMOTE_BUCKET_NOT_FOUND: Final = "ErrRemoteBckNotFound"
BUCKET_EXISTS: Final = "ErrBucketAlreadyExists"
NOT_FOUND: Final = "ErrNotFound"
OBJECT_NOT_FOUND: Final = "ErrObjNotFound"
BUSY: Final = "ErrBusy"
INVALID_NAME: Final = "ErrInvalidName"
INVALID_REQUEST: Final = "ErrInvalidRequest"
CHECKSUM_MISMATCH: Final = "ErrBadChecksum"
RANGE_NOT_SATISFIABLE: Final = "ErrRangeNotSatisfiable"
CONFLICT: Final = "ErrConflict"
NO_SPACE: Final = "ErrNoSpace"
NOT_IMPLEMENTED: Final = "ErrNotImpl"
INTERNAL: Final = "ErrInternal"
ETL_NOT_FOUND: Final = "ErrETLNotFound"
ETL_EXISTS: Final = "ErrETLAlreadyExists"
JOB_NOT_FOUND: Final = "ErrXactNotFound"
MOUNTPATH_NOT_FOUND: Final = "ErrMpathNotFound"
INVALID_MOUNTPATH: Final = "ErrInvalidMountpath"
NOT_ENOUGH_TARGETS: Final = "ErrNotEnoughTargets"
# Not an AIS code (AIS reports a cluster-integrity error without one): a join from a node whose
# data belongs to another cluster. The node stops instead of retrying when it reads this code.
CLUSTER_MISMATCH: Final = "ErrClusterMismatch"
# Not an AIS code either (AIS answers a generic not-found): no multipart upload with this ID is in
# progress, so the S3 endpoint can answer NoSuchUpload.
UPLOAD_NOT_FOUND: Final = "ErrUploadNotFound"
# Not an AIS code: a multipart completion naming a part that was not uploaded, or with another ETag.
INVALID_PART: Final = "ErrInvalidPart"
# An internal route called by a client, or by a node that is not a member (403).
FORBIDDEN: Final = "ErrForbidden"


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """One error reply: status, message and optional type code, plus request context."""

    status: int
    message: str
    tcode: str = ""
    method: str = ""
    url_path: str = ""
    remote_addr: str = ""
    node: str = ""

    def to_json(self) -> str:
        """Serialise as AIS does. `/` is never escaped, so cnames stay regex-matchable."""
        body: dict[str, Any] = {}
        if self.tcode:
            body["tcode"] = self.tcode
        body.update(
            message=self.message,
            method=self.method,
            url_path=self.url_path,
            remote_addr=self.remote_addr,
            caller="",
            node=self.node,
            status=self.status,
        )
        return json.dumps(body, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str, status: int) -> "ErrorBody":
        """Read an error body; a body that is not AIS JSON becomes the message as is."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            return cls(status=status, message=text)
        if not isinstance(data, dict):
            return cls(status=status, message=text)
        return cls(
            status=int(data.get("status") or status),
            message=str(data.get("message", "")),
            tcode=str(data.get("tcode", "")),
            method=str(data.get("method", "")),
            url_path=str(data.get("url_path", "")),
            remote_addr=str(data.get("remote_addr", "")),
            node=str(data.get("node", "")),
        )

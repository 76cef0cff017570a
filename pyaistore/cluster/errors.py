"""Errors raised by cluster-level operations (buckets, requests, membership), HTTP-free.

    NodeError
    ├── BadRequest              malformed input: JSON, action, query, range syntax   -> 400
    │   ├── UnknownAction       an action this endpoint does not take                 -> 400
    │   └── NotEnoughTargets    EC needs more active targets than the cluster has     -> 400
    ├── BucketNotFound          no such bucket in the bucket table                   -> 404
    ├── AmbiguousBucket         a name given without provider matches several buckets -> 404
    ├── NodeNotFound            a request names a node that is not in the cluster map -> 404
    ├── BucketAlreadyExists     create or rename onto an existing bucket             -> 409
    ├── EtlNotFound             a GET names an ETL this cluster does not run         -> 404
    ├── BodyTimeout             the request body stalled before its Content-Length   -> 408
    ├── RangeNotSatisfiable     a byte range outside the object                      -> 416
    ├── NotSupported            a valid request this cluster does not implement      -> 501
    ├── PeerFailed              another node failed or did not answer                -> 503
    ├── PeerRejected            another node refused its part with a 4xx             -> that 4xx
    ├── NoTargets               the cluster has no target to place the object on     -> 503
    ├── NotReady                the primary is still starting up (prr)                -> 503
    ├── NoClusterMap            this node is still joining (no map yet)               -> 503
    ├── ClusterMismatch         a node of another cluster (UUID) asked to join       -> 400
    ├── Busy                    one membership change (or rebalance) at a time        -> 409
    └── Forbidden               an internal route called by a non-member (no secret)  -> 403

Web code maps these (and storage errors) to HTTP in web/error_mapping.py, nowhere else.
"""

from pyaistore.wire.bucket_id import BucketId

__all__ = [
    "AmbiguousBucket",
    "BadRequest",
    "BodyTimeout",
    "BucketAlreadyExists",
    "BucketNotFound",
    "Busy",
    "ClusterMismatch",
    "EtlNotFound",
    "Forbidden",
    "NoClusterMap",
    "NoTargets",
    "NodeError",
    "NodeNotFound",
    "NotEnoughTargets",
    "NotReady",
    "NotSupported",
    "PeerFailed",
    "PeerRejected",
    "RangeNotSatisfiable",
    "UnknownAction",
]


class NodeError(Exception):
    """Base of the errors a node raises while serving a request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(NodeError):
    """The request is malformed."""


class UnknownAction(BadRequest):
    """The action is not one this endpoint takes."""

    def __init__(self, action: str) -> None:
        super().__init__(f'invalid action "{action}"')


class NotEnoughTargets(BadRequest):
    """Erasure coding as configured needs more active targets than there are (AIS's wording)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"not enough target nodes: {detail}")


class BucketNotFound(NodeError):
    """The bucket is not in the cluster's bucket table."""

    def __init__(self, bucket: BucketId) -> None:
        super().__init__(f'bucket "{bucket.cname}" does not exist')
        self.bucket = bucket


class AmbiguousBucket(NodeError):
    """A bucket named without its provider (S3 requests) that several providers have."""

    def __init__(self, name: str, found: list[BucketId]) -> None:
        names = ", ".join(bucket.cname for bucket in found)
        super().__init__(f'bucket name "{name}" is ambiguous: {names}')
        self.found = found


class NodeNotFound(NodeError):
    """A request names a node (by ID) that is not in the cluster map."""


class BucketAlreadyExists(NodeError):
    """The bucket exists already."""

    def __init__(self, bucket: BucketId) -> None:
        super().__init__(f'bucket "{bucket.cname}" already exists')
        self.bucket = bucket


class EtlNotFound(NodeError):
    """An inline transform names an ETL that is not running here (AIS: cos.ErrNotFound, 404)."""


class BodyTimeout(NodeError):
    """No request-body bytes arrived for too long (a client that sent less than it announced)."""


class RangeNotSatisfiable(NodeError):
    """The byte range does not overlap the object."""

    def __init__(self, message: str, size: int) -> None:
        super().__init__(message)
        self.size = size


class NotSupported(NodeError):
    """A well-formed request for something this cluster does not do."""


class NoTargets(NodeError):
    """No storage target is available."""

    def __init__(self) -> None:
        super().__init__("no storage targets in the cluster map")


class PeerFailed(NodeError):
    """Another node could not do its part of the request (transient: the client may retry)."""


class PeerRejected(NodeError):
    """Another node refused its part with a 4xx: a deterministic answer, relayed with its status."""

    def __init__(self, status: int, message: str, tcode: str) -> None:
        super().__init__(message)
        self.status = status
        self.tcode = tcode


class NotReady(NodeError):
    """The primary has not finished starting up: targets may still hold stale addresses."""

    def __init__(self, primary_name: str) -> None:
        super().__init__(f"{primary_name} primary: not ready yet (cluster is starting up)")


class NoClusterMap(NodeError):
    """This node has not received the cluster map yet (it is joining): try again shortly."""

    def __init__(self, node_name: str) -> None:
        super().__init__(f"{node_name}: not ready yet (no cluster map: joining the cluster)")


class ClusterMismatch(NodeError):
    """A node that belongs to one cluster (by UUID) met the primary of another."""


class Busy(NodeError):
    """Another membership change or a rebalance is in progress; try again later (AIS's ErrBusy)."""


class Forbidden(NodeError):
    """An internal route called without the cluster secret, or by a node not in the map."""

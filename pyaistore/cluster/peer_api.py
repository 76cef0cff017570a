"""Typed node-to-node calls: every intra-cluster request goes through here.

`PeerApi` (a node's `ctx.peer_api`) is the one place callers reach. It is composed of one group
of calls per concept, each in a module of its own over the shared PeerCaller (peer_caller.py:
the node's pooled PeerClient and its identity on every request):

- peer_object_calls.py: objects between targets (send, send a batch, fetch, head, delete, sync);
- peer_piece_calls.py: erasure-coded pieces between targets;
- peer_bucket_calls.py: listing pages, and remote buckets asked of a target;
- peer_job_calls.py: job start/query/stop, and what the ML jobs exchange (get-batch, dsort);
- peer_control_calls.py: metadata pushes (metasync), mountpaths, metrics (plus `call_node`,
  any other control request, on PeerCaller);
- peer_membership_calls.py: a node's calls to the primary (join, keepalive) and `identify`;
- peer_gateway_calls.py: the gateway's S3 data path on a target's public object API.

How metadata and buckets travel (one header of JSON, a query string) is in peer_encoding.py,
re-exported here for the handlers that answer these calls.

Failures are typed: PeerFailed when a peer did not answer or failed (5xx), PeerRejected with the
peer's own 4xx status and code when it refused; "not there" (404) is a value (None/False).
"""

from pyaistore.cluster.peer_bucket_calls import BucketCalls
from pyaistore.cluster.peer_control_calls import ControlCalls
from pyaistore.cluster.peer_encoding import (
    KEPT,
    STORED,
    bucket_query,
    decode_meta,
    encode_meta,
    encode_slice_meta,
)
from pyaistore.cluster.peer_gateway_calls import GatewayCalls
from pyaistore.cluster.peer_job_calls import JobCalls
from pyaistore.cluster.peer_membership_calls import MembershipCalls
from pyaistore.cluster.peer_object_calls import ObjectCalls, PeerObject
from pyaistore.cluster.peer_piece_calls import PeerPiece, PieceCalls

__all__ = [
    "KEPT",
    "STORED",
    "PeerApi",
    "PeerObject",
    "PeerPiece",
    "bucket_query",
    "decode_meta",
    "encode_meta",
    "encode_slice_meta",
]


class PeerApi(ObjectCalls, PieceCalls, BucketCalls, JobCalls, ControlCalls, MembershipCalls, GatewayCalls):
    """The calls this node makes of other nodes: every group's, on one object.

    The groups share only PeerCaller's state and no method names (a test checks), so their
    order here changes nothing.
    """

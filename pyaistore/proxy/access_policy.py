"""Which permission each gateway request needs when client auth is on (AIS's `checkAccess` calls
in ais/proxy.go, prxclu.go, prxetl.go and the job table's `Access` column).

Pure functions of the method, the action and a few query values; web/client_auth.py extracts
those from the request and checks the result against the token's claims.
"""

from collections.abc import Mapping
from typing import Final

from pyaistore.wire import access, actions, query

__all__ = [
    "BUCKET_ACTION_BITS",
    "DESTINATION_ACTIONS",
    "bucket_bits",
    "cluster_bits",
    "object_bits",
]

# A bucket action -> its bits (the job table's Access column for actions that start jobs).
BUCKET_ACTION_BITS: Final[Mapping[str, int]] = {
    actions.CREATE_BCK: access.CREATE_BUCKET,
    actions.DESTROY_BCK: access.DESTROY_BUCKET,
    actions.MOVE_BCK: access.MOVE_BUCKET,
    actions.COPY_BCK: access.ACCESS_RW,
    actions.ETL_BCK: access.ACCESS_RW,
    actions.COPY_LISTRANGE: access.ACCESS_RW,
    actions.ETL_LISTRANGE: access.ACCESS_RW,
    actions.ARCHIVE: access.ACCESS_RW,
    actions.EC_ENCODE: access.ACCESS_RW,
    actions.MAKE_N_COPIES: access.ACCESS_RW,
    actions.PREFETCH_LISTRANGE: access.ACCESS_RW,
    actions.DELETE_LISTRANGE: access.DELETE_OBJECT,
    actions.EVICT_LISTRANGE: access.DELETE_OBJECT,
    actions.EVICT_REMOTE_BCK: access.DELETE_OBJECT,
    actions.SET_BPROPS: access.PATCH,
    actions.RESET_BPROPS: access.PATCH,
    actions.SUMMARY_BCK: access.LIST_OBJECTS | access.HEAD_BUCKET,
}
# Actions that write into a second bucket: the destination needs PUT as well.
DESTINATION_ACTIONS: Final = frozenset(
    (actions.COPY_BCK, actions.ETL_BCK, actions.COPY_LISTRANGE, actions.ETL_LISTRANGE, actions.ARCHIVE)
)
_OBJECT_POST_BITS: Final[Mapping[str, int]] = {
    actions.RENAME_OBJ: access.MOVE_OBJECT,
    actions.PROMOTE: access.PROMOTE,
    actions.BLOB_DOWNLOAD: access.ACCESS_RW,
    actions.MPT_UPLOAD: access.ACCESS_RW,
    actions.MPT_COMPLETE: access.ACCESS_RW,
    actions.MPT_ABORT: access.ACCESS_RW,
    actions.CHECK_LOCK: access.ACCESS_RO,
}
_OBJECT_METHOD_BITS: Final[Mapping[str, int]] = {
    "GET": access.GET,
    "HEAD": access.HEAD_OBJECT,
    "PUT": access.PUT,
    "DELETE": access.DELETE_OBJECT,
    "PATCH": access.UPDATE_OBJECT,
}


def bucket_bits(method: str, action: str, lists_buckets: bool, sets_access: bool) -> tuple[int, bool]:
    """(bits, whether they are cluster bits with no bucket) for a /v1/buckets/<b> request.

    `lists_buckets`: a GET whose value is null (list buckets by name, not objects);
    `sets_access`: a set-bprops that changes the `access` property (SET-BUCKET-ACL too).
    """
    if method == "HEAD":
        return access.HEAD_BUCKET, False
    if method == "GET":
        if lists_buckets:
            return access.LIST_BUCKETS, True
        if action == actions.SUMMARY_BCK:
            return BUCKET_ACTION_BITS[action], False
        return access.LIST_OBJECTS, False
    bits = BUCKET_ACTION_BITS.get(action, access.ADMIN)
    if action == actions.SET_BPROPS and sets_access:
        bits |= access.SET_BUCKET_ACL
    return bits, action == actions.CREATE_BCK


def object_bits(method: str, query_values: Mapping[str, str], action: str = "") -> int:
    """The bits of an object request: by method, APPEND for appends, by action for POST."""
    if method == "POST":
        return _OBJECT_POST_BITS.get(action, access.ADMIN)
    if method == "PUT" and query_values.get(query.APPEND_TYPE):
        return access.APPEND
    if method == "PUT" and query_values.get(query.UPLOAD_ID):
        return access.ACCESS_RW
    return _OBJECT_METHOD_BITS.get(method, access.ADMIN)


def cluster_bits(method: str) -> int:
    """/v1/cluster, /v1/daemon and the reverse proxy: reading needs SHOW-CLUSTER, anything else ADMIN."""
    return access.SHOW_CLUSTER if method == "GET" else access.ADMIN

"""Which permission each gateway request needs (AIS's checkAccess calls and job table)."""

from pyaistore.proxy import access_policy as policy
from pyaistore.wire import access, actions


def test_object_requests_need_their_operations_bit() -> None:
    assert policy.object_bits("GET", {}) == access.GET
    assert policy.object_bits("HEAD", {}) == access.HEAD_OBJECT
    assert policy.object_bits("PUT", {}) == access.PUT
    assert policy.object_bits("PUT", {"append_type": "append"}) == access.APPEND
    assert policy.object_bits("PUT", {"uploadId": "t.x"}) == access.ACCESS_RW
    assert policy.object_bits("DELETE", {}) == access.DELETE_OBJECT
    assert policy.object_bits("PATCH", {}) == access.UPDATE_OBJECT
    assert policy.object_bits("POST", {}, actions.RENAME_OBJ) == access.MOVE_OBJECT
    assert policy.object_bits("POST", {}, actions.PROMOTE) == access.PROMOTE
    assert policy.object_bits("POST", {}, "no-such-action") == access.ADMIN


def test_bucket_requests() -> None:
    assert policy.bucket_bits("HEAD", "", False, False) == (access.HEAD_BUCKET, False)
    assert policy.bucket_bits("GET", actions.LIST, True, False) == (access.LIST_BUCKETS, True)
    assert policy.bucket_bits("GET", actions.LIST, False, False) == (access.LIST_OBJECTS, False)
    assert policy.bucket_bits("POST", actions.CREATE_BCK, False, False) == (access.CREATE_BUCKET, True)
    assert policy.bucket_bits("DELETE", actions.DESTROY_BCK, False, False) == (access.DESTROY_BUCKET, False)
    assert policy.bucket_bits("POST", actions.MOVE_BCK, False, False) == (access.MOVE_BUCKET, False)
    assert policy.bucket_bits("PATCH", actions.SET_BPROPS, False, False) == (access.PATCH, False)
    assert (
        policy.bucket_bits("PATCH", actions.SET_BPROPS, False, True)[0]
        == access.PATCH | access.SET_BUCKET_ACL
    )
    assert policy.bucket_bits("POST", "unknown", False, False) == (access.ADMIN, False)


def test_cluster_requests_read_with_show_cluster_and_change_as_admin() -> None:
    assert policy.cluster_bits("GET") == access.SHOW_CLUSTER
    assert {policy.cluster_bits(m) for m in ("PUT", "POST", "DELETE")} == {access.ADMIN}

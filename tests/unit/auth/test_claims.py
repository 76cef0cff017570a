"""The permission check every proxy runs, in AIS's order: admin, bucket entry, cluster entry."""

import pytest

from pyaistore.auth.claims import BucketGrant, Claims, ClusterGrant
from pyaistore.auth.errors import InsufficientPermissions, InvalidToken
from pyaistore.wire import access

UUID = "clu1"


def _claims(**kwargs: object) -> Claims:
    return Claims("u", 2e9, **kwargs)  # type: ignore[arg-type]


def test_admin_may_do_anything() -> None:
    _claims(admin=True).check(UUID, ("ais", "b"), access.ADMIN | access.PUT)


def test_a_bucket_entry_wins_over_the_cluster_entry() -> None:
    claims = _claims(
        clusters=(ClusterGrant(UUID, access.ACCESS_RW),), buckets=(BucketGrant("b", "ais", UUID, access.GET),)
    )
    claims.check(UUID, ("ais", "b"), access.GET)
    with pytest.raises(InsufficientPermissions, match="bucket ais://b"):
        claims.check(UUID, ("ais", "b"), access.PUT)
    claims.check(UUID, ("ais", "other"), access.PUT)  # no entry of its own: the cluster's


def test_bucket_entries_of_another_cluster_or_provider_do_not_count() -> None:
    claims = _claims(buckets=(BucketGrant("b", "ais", "other-cluster", access.GET),))
    with pytest.raises(InsufficientPermissions):
        claims.check(UUID, ("ais", "b"), access.GET)
    claims = _claims(buckets=(BucketGrant("b", "aws", UUID, access.GET),))
    with pytest.raises(InsufficientPermissions):
        claims.check(UUID, ("ais", "b"), access.GET)


def test_cluster_bits_need_this_clusters_entry_or_the_default_one() -> None:
    claims = _claims(clusters=(ClusterGrant("other", access.CLUSTER_RW),))
    with pytest.raises(InsufficientPermissions, match=r"requested\(LIST-BUCKETS\)"):
        claims.check(UUID, None, access.LIST_BUCKETS)
    _claims(clusters=(ClusterGrant("", access.LIST_BUCKETS),)).check(UUID, None, access.LIST_BUCKETS)
    with pytest.raises(InsufficientPermissions, match="`u` has insufficient permissions"):
        _claims(clusters=(ClusterGrant(UUID, access.CLUSTER_RW),)).check(UUID, None, access.ADMIN)


def test_the_wire_shape_round_trips() -> None:
    claims = _claims(
        clusters=(ClusterGrant(UUID, access.CLUSTER_RO),),
        buckets=(BucketGrant("b", "ais", UUID, access.ACCESS_RO),),
        token_id="abc",
    )
    body = claims.to_json()
    assert body["clusters"] == [{"id": UUID, "perm": "12288"}]
    assert body["buckets"][0]["bck"] == {
        "name": "b",
        "provider": "ais",
        "namespace": {"uuid": UUID, "name": ""},
    }
    assert Claims.from_json(body) == claims


@pytest.mark.parametrize("body", [{"exp": 1}, {"sub": "", "exp": 1}, {"sub": "u", "exp": 1, "clusters": "x"}])
def test_malformed_claims_are_an_invalid_token(body: dict[str, object]) -> None:
    with pytest.raises(InvalidToken):
        Claims.from_json(body)

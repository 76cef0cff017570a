"""With client auth on, going around the proxy gets nothing: a target serves a client only through
a redirect the proxy signed (bound to its method, path, query and expiry), or a cluster member."""

import time

import security_it_support as support

from pyaistore.auth import redirect_signature
from pyaistore.cluster import cluster_secret
from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

_OBJECT = f"/v1/objects/{support.BUCKET}/o"


def _targets(cluster: LocalCluster) -> list[str]:
    smap = Client(cluster.endpoint, token=support.admin_token(cluster)).cluster().get_info()
    return [node.public_net.direct_url for node in smap.tmap.values()]


def test_direct_requests_to_a_target_are_refused_whatever_the_token(auth_cluster: LocalCluster) -> None:
    admin = support.admin_token(auth_cluster)
    for url in _targets(auth_cluster):
        for method, path in (
            ("GET", _OBJECT),
            ("HEAD", _OBJECT),
            ("PUT", _OBJECT),
            ("DELETE", _OBJECT),
            ("GET", "/v1/daemon?what=mountpaths"),
            ("POST", "/v1/daemon/mountpaths"),
        ):
            for bearer in ("", admin):
                reply = support.send(auth_cluster, method, url + path, bearer, data=b"x")
                assert reply.status_code == 401, (method, path, reply.status_code)
        assert support.send(auth_cluster, "GET", url + "/v1/health").status_code == 200


def test_a_signed_redirect_serves_its_own_request_only(auth_cluster: LocalCluster) -> None:
    reply = support.send(
        auth_cluster, "GET", auth_cluster.endpoint + _OBJECT, support.admin_token(auth_cluster)
    )
    assert reply.status_code == 301
    location = reply.headers["Location"]
    assert f"{redirect_signature.PARAM}=" in location
    assert support.send(auth_cluster, "GET", location).content == b"secret bytes"  # no token needed there
    # The same signature for another method, object or query, or tampered with, is refused.
    assert support.send(auth_cluster, "DELETE", location).status_code == 401
    assert support.send(auth_cluster, "PUT", location, data=b"x").status_code == 401
    assert support.send(auth_cluster, "GET", location.replace("/o?", "/other?")).status_code == 401
    assert support.send(auth_cluster, "GET", location + "&archpath=x").status_code == 401
    head, _, mac = location.rpartition(".")
    assert support.send(auth_cluster, "GET", f"{head}.{mac[::-1]}").status_code == 401


def test_an_expired_signature_is_refused(auth_cluster: LocalCluster) -> None:
    secret = cluster_secret.load(auth_cluster.data_dir / "proxy")
    key = redirect_signature.derive_key(secret)
    pairs = [("provider", "ais")]
    url = _targets(auth_cluster)[0] + _OBJECT + "?provider=ais"
    # Signed with the cluster's own key, but TTL seconds in the past.
    stale = redirect_signature.sign(key, "GET", _OBJECT, pairs, now=time.time() - redirect_signature.TTL - 5)
    fresh = redirect_signature.sign(key, "GET", _OBJECT, pairs)
    assert support.send(auth_cluster, "GET", f"{url}&rsig={stale}").status_code == 401
    assert support.send(auth_cluster, "GET", f"{url}&rsig={fresh}").status_code in (200, 301)


def _member_urls(cluster: LocalCluster) -> list[str]:
    """Where cluster members call each target: its control port (a target with HTTP workers serves
    node-to-node routes there only; its workers on the public port hold no secret)."""
    smap = Client(cluster.endpoint, token=support.admin_token(cluster)).cluster().get_info()
    return [(node.intra_control_net or node.public_net).direct_url for node in smap.tmap.values()]


def test_cluster_members_reach_targets(auth_cluster: LocalCluster) -> None:
    secret = cluster_secret.load(auth_cluster.data_dir / "proxy")
    replies = [
        support.send(
            auth_cluster, "GET", url + "/v1/daemon?what=snode", headers={"Pyaistore-Cluster-Secret": secret}
        )
        for url in _member_urls(auth_cluster)
    ]
    assert [reply.status_code for reply in replies] == [200, 200]


def test_the_proxy_relays_what_a_token_allows(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    smap = Client(auth_cluster.endpoint, token=support.admin_token(auth_cluster)).cluster().get_info()
    node_id = next(iter(smap.tmap))
    url = auth_cluster.endpoint + "/v1/reverse/daemon?what=mountpaths"
    viewer = support.cluster_token(auth_cluster, cluster_uuid, 1 << 13)  # SHOW-CLUSTER
    reply = support.send(auth_cluster, "GET", url, viewer, headers={"Ais-Node-Id": node_id})
    assert reply.status_code == 200 and "available" in reply.json()
    nobody = support.no_permission_token(auth_cluster, cluster_uuid)
    assert support.send(auth_cluster, "GET", url, nobody, headers={"Ais-Node-Id": node_id}).status_code == 403


def test_get_batch_goes_through_the_signed_redirect(auth_cluster: LocalCluster) -> None:
    """The gateway sends get-batch to a designated target's control port, signed like any redirect."""
    client = Client(auth_cluster.endpoint, token=support.admin_token(auth_cluster))
    bucket = client.bucket(support.BUCKET)
    results = list(client.batch(bucket=bucket).add("o").get())
    assert [(out.obj_name, data) for out, data in results] == [("o", b"secret bytes")]

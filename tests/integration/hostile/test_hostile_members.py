"""Internal routes answer only cluster members (403 otherwise), and the cause of the silent
removal: a client's decommission sent straight to a target made it leave for good while it kept
answering /v1/health. Now it is refused, and the target stays."""

import re
import time
from pathlib import Path

import pytest
import requests
from hostile_it_support import member_headers, target_urls
from route_fuzz_it_support import all_routes

from pyaistore.server.local_cluster import LocalCluster

# A path parameter ({bucket}, {name:.+}, {job}, ...): every one gets a value, so a route added
# with a new parameter is still reached (a literal "{job}" in the URL matched no route: 404).
_PARAMETER = re.compile(r"\{[^}]*\}")


def test_every_internal_route_refuses_a_client(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    target = next(iter(target_urls(hostile_cluster).values()))
    internal = [route for route in all_routes() if route.access]
    assert len(internal) > 20
    forged = {"Pyaistore-Cluster-Secret": "guess", "Ais-Caller-Id": hostile_cluster.own_proxy_id()}
    for route in internal:
        path = _PARAMETER.sub("p", route.path)
        base = endpoint if route.role == "proxy" else target
        for sent in ({}, forged):
            reply = requests.request(route.method, base + path, json={}, headers=sent, timeout=30)
            assert reply.status_code == 403, (str(route), reply.status_code, reply.text)


def test_a_member_secret_from_a_caller_not_in_the_map_is_refused(hostile_cluster: LocalCluster) -> None:
    target = next(iter(target_urls(hostile_cluster).values()))
    stranger = member_headers(hostile_cluster) | {"Ais-Caller-Id": "t-not-a-member"}
    assert requests.put(f"{target}/v1/metasync", json={}, headers=stranger, timeout=30).status_code == 403
    member = member_headers(hostile_cluster)
    assert requests.put(f"{target}/v1/metasync", json={}, headers=member, timeout=30).status_code == 200


def test_a_decommission_sent_straight_to_a_target_is_refused(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    targets = target_urls(hostile_cluster)
    victim_id, victim = next(iter(targets.items()))
    body = {"action": "decommission-node", "name": "", "value": {"no_shutdown": True}}
    assert requests.put(f"{victim}/v1/daemon", json=body, timeout=30).status_code == 403
    # Past the keepalive timeout (6 s), the target is still a member: it never stopped its keepalives.
    time.sleep(7)
    assert victim_id in target_urls(hostile_cluster)
    assert (
        hostile_cluster.data_dir / f"target-{hostile_cluster.target_ids()[victim_id]}" / "node_id"
    ).exists()
    assert requests.get(f"{endpoint}/v1/health?prr=true", timeout=10).status_code == 200


def test_a_forged_join_is_refused(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    smap = requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=10).json()
    member_id, member = next(iter(smap["tmap"].items()))
    before = smap["version"]
    # Nobody answers at this address: refused before the map changes.
    ghost = {
        "daemon_id": "tghost",
        "daemon_type": "target",
        "public_net": {"node_ip_addr": "127.0.0.1", "daemon_port": "9"},
    }
    reply = requests.post(f"{endpoint}/v1/cluster/join", json={"node": ghost}, timeout=30)
    assert reply.status_code == 403, reply.text
    # Another member's ID, pointed at an address where a different node answers: refused too.
    impostor = dict(member, daemon_id=member_id, public_net=smap["proxy_si"]["public_net"])
    impostor.pop("intra_control_net", None)
    reply = requests.post(f"{endpoint}/v1/cluster/join", json={"node": impostor}, timeout=30)
    assert reply.status_code == 403, reply.text
    assert requests.get(f"{endpoint}/v1/daemon?what=smap", timeout=10).json()["version"] == before


@pytest.mark.parametrize("provisioned", [False, True])
def test_closed_join_admits_only_nodes_given_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provisioned: bool
) -> None:
    monkeypatch.setenv("PYAISTORE_OPEN_JOIN", "false")
    # The launcher copies the primary's secret into the target's data dir, as an operator would.
    cluster = LocalCluster(tmp_path / "data", port=0, targets=1, provision_secret=provisioned)
    try:
        cluster.start_proxy()
        cluster.wait_own_proxy()
        cluster.start_target(0)
        if provisioned:
            cluster.wait_ready(1)
        else:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                assert not requests.get(f"{cluster.endpoint}/v1/daemon?what=smap", timeout=10).json()["tmap"]
                time.sleep(0.2)
            assert "joining this cluster takes its secret" in (cluster.log_dir / "target-0.log").read_text()
    finally:
        cluster.stop()

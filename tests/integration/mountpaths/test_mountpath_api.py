"""The mountpath routes through the proxy (reference §3.1): answers, status codes, bodies, 204s.

One cluster for the module: two targets of two mountpaths each. Every test leaves the mountpaths
as it found them.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from mountpaths_it_support import change, listing, target_ids, wait_resilvered

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """Two targets with two mountpaths each."""
    with LocalCluster(tmp_path_factory.mktemp("mp-api"), targets=2, mountpaths=2) as running:
        yield running


@pytest.fixture(scope="module")
def node_id(cluster: LocalCluster) -> str:
    """The first target's ID."""
    first: str = target_ids(cluster)[0]
    return first


def _roots(cluster: LocalCluster, index: int) -> list[str]:
    target = (cluster.data_dir / f"target-{index}").resolve()
    return [str(target / "mp0"), str(target / "mp1")]


def test_target_and_cluster_listings(cluster: LocalCluster, node_id: str) -> None:
    expected = {"available": _roots(cluster, 0), "waiting_dd": [], "disabled": []}
    assert listing(cluster, node_id) == expected
    reply = requests.get(f"{cluster.endpoint}/v1/cluster", params={"what": "mountpaths"}, timeout=10)
    assert reply.status_code == 200
    everything = reply.json()["targets"]
    assert everything[node_id] == expected
    other = target_ids(cluster)[1]
    assert everything[other]["available"] == _roots(cluster, 1)
    assert set(everything) == set(target_ids(cluster))


def test_attach_then_detach(cluster: LocalCluster, node_id: str, tmp_path: Path) -> None:
    extra = str(tmp_path.resolve())
    attached = change(cluster, "PUT", "attach-mp", node_id, extra)
    assert (attached.status_code, attached.text) == (200, "")
    assert listing(cluster, node_id)["available"] == sorted([*_roots(cluster, 0), extra])
    assert change(cluster, "PUT", "attach-mp", node_id, extra).status_code == 400  # attached already
    wait_resilvered(cluster, node_id, 1)
    detached = change(cluster, "DELETE", "detach-mp", node_id, extra)
    assert (detached.status_code, detached.text) == (200, "")
    assert listing(cluster, node_id)["available"] == _roots(cluster, 0)
    state = json.loads((cluster.data_dir / "target-0" / "mountpaths.json").read_text())
    assert state["available"] == _roots(cluster, 0) and state["disabled"] == []


def test_invalid_paths_are_400_and_unknown_ones_404_except_detach(
    cluster: LocalCluster, node_id: str, tmp_path: Path
) -> None:
    nested = Path(_roots(cluster, 0)[0]) / "nested"
    nested.mkdir(exist_ok=True)
    for path in (str(tmp_path / "missing"), "relative/dir", str(nested)):
        reply = change(cluster, "PUT", "attach-mp", node_id, path)
        assert reply.status_code == 400, (path, reply.text)
    unknown = str(tmp_path / "never-attached")
    for method, action in (("POST", "enable-mp"), ("POST", "disable-mp"), ("POST", "rescan-mp")):
        reply = change(cluster, method, action, node_id, unknown)
        assert reply.status_code == 404, (action, reply.text)
        assert reply.json()["tcode"] == "ErrMpathNotFound"
    detached = change(cluster, "DELETE", "detach-mp", node_id, unknown)
    assert detached.status_code == 400 and "does not exist" in detached.json()["message"]


def test_disable_and_enable_answer_204_when_nothing_changes(cluster: LocalCluster, node_id: str) -> None:
    first, second = _roots(cluster, 0)
    assert change(cluster, "POST", "enable-mp", node_id, first).status_code == 204
    assert change(cluster, "POST", "disable-mp", node_id, second, dntres=True).status_code == 200
    assert listing(cluster, node_id) == {"available": [first], "waiting_dd": [], "disabled": [second]}
    assert change(cluster, "POST", "disable-mp", node_id, second).status_code == 204
    last = change(cluster, "POST", "disable-mp", node_id, first)
    assert last.status_code == 400 and "last available" in last.json()["message"]
    assert change(cluster, "POST", "enable-mp", node_id, second).status_code == 200
    assert change(cluster, "POST", "enable-mp", node_id, second).status_code == 204
    assert listing(cluster, node_id)["available"] == [first, second]


def test_malformed_requests(cluster: LocalCluster, node_id: str) -> None:
    root = _roots(cluster, 0)[0]
    for value in (None, 7, ""):
        reply = change(cluster, "POST", "enable-mp", node_id, value)
        assert reply.status_code == 400, (value, reply.text)
    assert change(cluster, "POST", "no-such-mp-action", node_id, root).status_code == 400
    unknown = change(cluster, "POST", "enable-mp", "tNoSuchNode", root)
    assert unknown.status_code == 404 and "tNoSuchNode" in unknown.json()["message"]
    missing_id = requests.post(
        f"{cluster.endpoint}/v1/reverse/daemon/mountpaths",
        json={"action": "enable-mp", "value": root},
        timeout=10,
    )
    assert missing_id.status_code == 400 and "missing node ID" in missing_id.json()["message"]
    not_daemon = requests.get(
        f"{cluster.endpoint}/v1/reverse/buckets", headers={"Ais-Node-Id": node_id}, timeout=10
    )
    assert not_daemon.status_code == 400


def test_resilver_started_by_hand_runs_on_that_target_only(cluster: LocalCluster, node_id: str) -> None:
    start = {"action": "start", "name": "", "value": {"ID": "", "Kind": "resilver", "DaemonID": node_id}}
    reply = requests.put(f"{cluster.endpoint}/v1/cluster", json=start, timeout=10)
    assert reply.status_code == 200, reply.text
    job_id = reply.text
    snaps = wait_resilvered(cluster, node_id, 1)
    assert job_id in [snap["id"] for snap in snaps]
    status = requests.get(
        f"{cluster.endpoint}/v1/cluster", params={"what": "status"}, json={"ID": job_id}, timeout=10
    )
    assert status.status_code == 200 and status.json()["kind"] == "resilver"
    details = requests.get(
        f"{cluster.endpoint}/v1/cluster", params={"what": "qryxstats"}, json={"ID": job_id}, timeout=10
    )
    assert list(details.json()) == [node_id]

    everywhere = {**start, "value": {"Kind": "resilver", "DaemonID": ""}}
    reply = requests.put(f"{cluster.endpoint}/v1/cluster", json=everywhere, timeout=10)
    assert reply.status_code == 501 and "all targets" in reply.json()["message"]
    nowhere = {**start, "value": {"Kind": "resilver", "DaemonID": "tNoSuchNode"}}
    reply = requests.put(f"{cluster.endpoint}/v1/cluster", json=nowhere, timeout=10)
    assert reply.status_code == 404 and "tNoSuchNode" in reply.json()["message"]

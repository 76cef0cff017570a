"""Cluster identity: every node records its cluster's UUID, and a target whose data dir belongs to
another cluster is refused without ever appearing in the map."""

import time
from pathlib import Path
from typing import Any

from process_support import daemon
from raw_protocol import smap_json

from pyaistore.server.local_cluster import LocalCluster

FOREIGN_UUID = "ForeignUU1"
CANNOT_RUN = 78


def members(smap: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """What must not change: the version and both member tables."""
    return str(smap["version"]), sorted(smap["pmap"]), sorted(smap["tmap"])


def test_every_node_records_the_cluster_uuid(cluster: LocalCluster) -> None:
    uuid = smap_json(cluster.endpoint)["uuid"]
    assert uuid
    for node_dir in ("proxy", "target-0", "target-1"):
        assert (cluster.data_dir / node_dir / "cluster_uuid").read_text() == uuid


def test_a_target_of_another_cluster_is_refused_and_never_listed(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    stray_dir = tmp_path / "stray"
    stray_dir.mkdir()
    (stray_dir / "cluster_uuid").write_text(FOREIGN_UUID)
    log = tmp_path / "stray.log"
    before = members(smap_json(cluster.endpoint))
    uuid = smap_json(cluster.endpoint)["uuid"]
    args = ["--role", "target", "--data", str(stray_dir), "--host", "127.0.0.1"]
    args += ["--port", "0", "--primary", cluster.endpoint]
    observed = []
    with daemon(args, log) as stray:
        deadline = time.monotonic() + 30
        while stray.poll() is None and time.monotonic() < deadline:
            observed.append(members(smap_json(cluster.endpoint)))
            time.sleep(0.02)
        assert stray.poll() is not None, "the stray target kept running"
    output = log.read_text()
    assert stray.returncode == CANNOT_RUN, output
    assert "cluster UUID mismatch" in output and FOREIGN_UUID in output and uuid in output, output
    assert "error:" in output, "the refusal is printed, not only logged"
    assert observed and all(seen == before for seen in observed)
    assert members(smap_json(cluster.endpoint)) == before
    assert (stray_dir / "cluster_uuid").read_text() == FOREIGN_UUID, "the stray keeps its identity"

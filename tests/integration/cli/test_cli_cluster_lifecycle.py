"""`pyaistore cluster maintenance|decommission|shutdown|rebalance` on a 3-target cluster of their own."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_it_support import CliRun

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A cluster these tests may change: one proxy, three targets."""
    running = LocalCluster(tmp_path_factory.mktemp("lifecycle"), targets=3)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _target(cluster: LocalCluster, index: int) -> str:
    return next(node_id for node_id, i in cluster.target_ids().items() if i == index)


def test_maintenance_start_and_stop_with_progress(three: LocalCluster) -> None:
    run, client = CliRun(three.endpoint), Client(three.endpoint)
    bucket = client.bucket("cli-life").create(exist_ok=True)
    for i in range(60):
        bucket.object(f"o{i}").get_writer().put_content(b"x" * 1000)
    node = _target(three, 1)
    started = run("cluster", "maintenance", "start", f"t[{node}]")
    assert started.exit_code == 0, started.output
    assert f"{node} is in maintenance" in started.stdout and "job g" in started.stdout
    shown = run("cluster", "show")
    assert "maintenance" in next(line for line in shown.stdout.splitlines() if node in line)
    stopped = run("cluster", "maintenance", "stop", node)
    assert stopped.exit_code == 0, stopped.output
    assert f"{node} is back in service" in stopped.stdout
    assert all(bucket.object(f"o{i}").get_reader().read_all() == b"x" * 1000 for i in range(60))


def test_unknown_node_is_a_clear_error(three: LocalCluster) -> None:
    result = CliRun(three.endpoint)("cluster", "maintenance", "start", "t[nosuch]")
    assert result.exit_code == 2
    assert "no node 'nosuch' in the cluster" in result.output


def test_rebalance_by_hand(three: LocalCluster) -> None:
    result = CliRun(three.endpoint)("cluster", "rebalance")
    assert result.exit_code == 0, result.output
    assert "rebalanced" in result.stdout


def test_decommission_asks_first_then_leaves(three: LocalCluster, tmp_path: Path) -> None:
    run = CliRun(three.endpoint)
    node = _target(three, 2)
    refused = run("cluster", "decommission", node, stdin="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    done = run("cluster", "decommission", node, "--yes")
    assert done.exit_code == 0, done.output
    assert f"{node} is decommissioned" in done.stdout
    process = three.targets[2]
    assert process is not None and process.wait(timeout=30) == 0
    three.targets[2] = None
    assert node not in Client(three.endpoint).cluster().get_info().tmap

"""Node logs over the API (AIS's what=log): text by severity, from an offset, all files as .tar.gz."""

import io
import os
import signal
import tarfile
import time
from collections.abc import Iterator

import pytest
import requests

from pyaistore.sdk import Client
from pyaistore.sdk.enums import LogSeverity, NodeFilter
from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def logs_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One proxy and one target with two HTTP workers (they write to the target's log too)."""
    running = LocalCluster(tmp_path_factory.mktemp("logs"), targets=1, http_workers=3)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _target_id(client: Client) -> str:
    [target_id] = client.cluster().get_info().tmap
    return target_id


def _worker_pids(target_pid: int) -> list[int]:
    """The target's HTTP worker processes (its children running the spawn entry point)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
        except OSError:
            continue
        if int(stat[1]) == target_pid and b"spawn_main" in cmdline:
            found.append(int(entry))
    return found


def test_info_log_through_the_proxy(logs_cluster: LocalCluster) -> None:
    client = Client(logs_cluster.endpoint)
    cluster = client.cluster()
    target_id = _target_id(client)
    text = cluster.get_node_log(target_id)
    assert "listening on" in text and target_id in text
    proxy_id = cluster.get_info().proxy_si.daemon_id
    assert "listening on" in cluster.get_node_log(proxy_id)
    both = cluster.get_cluster_logs(role=NodeFilter.ALL)
    assert set(both) == {target_id, proxy_id}
    # From an offset: the rest of the file only.
    assert cluster.get_node_log_from(target_id, 10) == cluster.get_node_log(target_id)[10:]


def test_warnings_reach_the_error_log_from_any_process(logs_cluster: LocalCluster) -> None:
    """A worker killed makes the target's main process warn; the warning is in the ERROR file."""
    client = Client(logs_cluster.endpoint)
    target_id = _target_id(client)
    process = logs_cluster.targets[0]
    assert process is not None
    assert client.cluster().get_node_log(target_id, LogSeverity.ERROR) == ""
    [victim, *_] = _worker_pids(process.pid)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while f"HTTP worker {victim} exited" not in client.cluster().get_node_log(target_id, LogSeverity.WARNING):
        assert time.monotonic() < deadline, "the warning never reached the ERROR log"
        time.sleep(0.2)
    assert f"HTTP worker {victim} exited" in client.cluster().get_node_log(target_id)  # INFO has it too


def test_archive_of_every_file(logs_cluster: LocalCluster) -> None:
    client = Client(logs_cluster.endpoint)
    target_id = _target_id(client)
    data = client.cluster().get_node_log_archive(target_id)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        names = tar.getnames()
        member = tar.extractfile("target.INFO")
        assert member is not None and b"listening on" in member.read()
    assert names == ["target.INFO"]
    errors = client.cluster().get_node_log_archive(target_id, LogSeverity.ERROR)
    with tarfile.open(fileobj=io.BytesIO(errors), mode="r:gz") as tar:
        assert tar.getnames() == ["target.ERROR"]


def test_refusals(logs_cluster: LocalCluster) -> None:
    client = Client(logs_cluster.endpoint)
    target_id = _target_id(client)
    reverse = f"{logs_cluster.endpoint}/v1/reverse/daemon"
    bad = requests.get(reverse, params={"what": "log", "severity": "x"}, headers={"Ais-Node-Id": target_id})
    assert bad.status_code == 400 and "unknown log severity" in bad.text
    far = requests.get(
        reverse, params={"what": "log", "offset": "99999999"}, headers={"Ais-Node-Id": target_id}
    )
    assert far.status_code == 400 and "log likely rotated" in far.text
    with pytest.raises(AISError) as missing:
        client.cluster().get_node_log("tNoSuchNode")
    assert missing.value.status_code == 404

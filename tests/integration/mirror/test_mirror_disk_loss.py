"""With two copies of every object, losing a disk loses nothing: a disabled mountpath, and one
deleted under a live target (which disables it by itself), leave every object readable and
byte-exact, and the resilver restores the copies. A target whose last disk vanishes keeps
answering (503 naming the disk) instead of exiting."""

import errno
import shutil
import time
from pathlib import Path

import pytest
import requests
from aistore.sdk import Client
from mirror_it_support import mountpaths, payload, readers, set_props, wait_job, wrong_copies

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 150
TIMEOUT = 30.0


@pytest.fixture(autouse=True)
def quick_disk_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets started by these tests probe their disks every 0.3 s (default 2 s)."""
    monkeypatch.setenv("PYAISTORE_DISK_CHECK_INTERVAL", "0.3")


def _finished_resilvers(cluster: LocalCluster) -> int:
    reply = requests.get(
        f"{cluster.endpoint}/v1/cluster", params={"what": "status_all"}, json={"kind": "resilver"}, timeout=10
    )
    reply.raise_for_status()
    found = reply.json() or []
    return -1 if any(not job["end_time"] for job in found) else len(found)


def _wait_for(what: str, check: object, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout}s")


def _vanish(root: str) -> None:
    """The disk at `root` goes away: its tree removed, again if the target's health probe created
    its probe file in the root while the tree was being removed (rmtree then fails ENOTEMPTY)."""
    for attempt in range(20):
        try:
            shutil.rmtree(root)
            return
        except OSError as exc:
            if exc.errno != errno.ENOTEMPTY or attempt == 19:
                raise


def test_two_copies_survive_a_disabled_and_a_vanished_disk(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=1, mountpaths=3) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("mirrored").create()
        reply = set_props(cluster, "mirrored", {"mirror": {"enabled": True, "copies": 2}})
        assert reply.status_code == 200 and reply.text  # the make-n-copies job it started
        wait_job(cluster, reply.text)
        names = [f"dir/obj-{i:03d}" for i in range(OBJECTS)]
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        assert wrong_copies(cluster, "mirrored", names, 2) == []  # both copies made before each reply
        ((node_id, lists),) = mountpaths(cluster).items()
        first, second, third = lists["available"]

        with readers(client, "mirrored", names) as failures:
            reply = requests.post(
                f"{cluster.endpoint}/v1/reverse/daemon/mountpaths",
                headers={"Ais-Node-Id": node_id},
                json={"action": "disable-mp", "value": first},
                timeout=10,
            )
            assert reply.status_code == 200
            _wait_for("a resilver after disable", lambda: _finished_resilvers(cluster) >= 1)
        assert failures == []
        assert wrong_copies(cluster, "mirrored", names, 2) == []  # on the two mountpaths left

        with readers(client, "mirrored", names) as failures:
            _vanish(second)
            _wait_for(
                "FSHC to disable the deleted mountpath",
                lambda: second in mountpaths(cluster)[node_id]["disabled"],
            )
            _wait_for("a resilver after FSHC", lambda: _finished_resilvers(cluster) >= 2)
        assert failures == []
        assert not Path(second).exists()  # never recreated under the target's feet
        assert mountpaths(cluster)[node_id] == {
            "available": [third],
            "waiting_dd": [],
            "disabled": sorted([first, second]),
        }
        for name in names:
            assert bucket.object(name).get_reader().read_all() == payload(name)
        # It keeps serving writes: as many copies as there are mountpaths left.
        bucket.object("after").get_writer().put_content(payload("after"))
        assert bucket.object("after").get_reader().read_all() == payload("after")
        assert cluster.process("target-0").poll() is None  # type: ignore[union-attr]


def test_a_target_that_loses_its_last_disk_keeps_answering(tmp_path: Path) -> None:
    with LocalCluster(tmp_path / "data", targets=1, mountpaths=1) as cluster:
        client = Client(cluster.endpoint)
        client.bucket("lone").create()
        client.bucket("lone").object("kept").get_writer().put_content(b"x")
        ((node_id, lists),) = mountpaths(cluster).items()
        (only,) = lists["available"]
        _vanish(only)
        log = cluster.log_dir / "target-0.log"
        _wait_for("the target to report its last disk", lambda: "last available one" in log.read_text())

        got = requests.get(f"{cluster.endpoint}/v1/objects/lone/kept", timeout=10)
        put = requests.put(f"{cluster.endpoint}/v1/objects/lone/new", data=b"y", timeout=10)
        for reply in (got, put):
            assert reply.status_code == 503, reply.text
            assert f'mountpath "{only}" is unavailable' in reply.json()["message"]
        assert mountpaths(cluster)[node_id]["available"] == [only]  # the last one is kept
        assert cluster.process("target-0").poll() is None  # type: ignore[union-attr]
        assert requests.get(f"{cluster.endpoint}/v1/health?prr=true", timeout=10).status_code == 200


def test_a_request_that_meets_a_vanished_disk_has_it_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYAISTORE_DISK_CHECK_INTERVAL", "600")  # no periodic probe: the request reports it
    with LocalCluster(tmp_path / "data", targets=1, mountpaths=2) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("plain").create()
        names = [f"obj-{i:02d}" for i in range(20)]
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        ((node_id, lists),) = mountpaths(cluster).items()
        gone = lists["available"][1]
        victim = next(name for name in names if (Path(gone) / "ais" / "@#" / "plain" / "obj" / name).exists())
        _vanish(gone)

        reply = requests.get(f"{cluster.endpoint}/v1/objects/plain/{victim}", timeout=10)
        assert reply.status_code == 503 and f'mountpath "{gone}" is unavailable' in reply.json()["message"]
        _wait_for(
            "FSHC to disable the vanished mountpath",
            lambda: mountpaths(cluster)[node_id]["disabled"] == [gone],
        )
        _wait_for("a resilver after FSHC", lambda: _finished_resilvers(cluster) >= 1)
        # Without mirroring its objects are gone with it; every other object is served as before.
        kept = Path(lists["available"][0]) / "ais" / "@#" / "plain" / "obj"
        for name in names:
            status = requests.get(f"{cluster.endpoint}/v1/objects/plain/{name}", timeout=10).status_code
            assert status == (200 if (kept / name).exists() else 404), name

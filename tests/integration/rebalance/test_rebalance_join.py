"""A target joins a loaded cluster: the rebalance moves its objects to it and no GET fails."""

from pathlib import Path

from aistore.sdk import Client
from rebalance_it_support import generations, only_on_owner, payload, readers, wait_rebalance

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 300


def test_a_joining_target_takes_its_objects_while_gets_keep_succeeding(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=2) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("reb").create()
        names = [f"dir/obj-{i:04d}" for i in range(OBJECTS)]
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        before = max(generations(client), default=0)
        with readers(client, "reb", names) as failures:
            cluster.add_target()
            cluster.wait_ready(3)
            wait_rebalance(client, before)
        assert failures == []
        assert only_on_owner(cluster, "reb", names) == []
        assert sorted(e.name for e in bucket.list_all_objects()) == sorted(names)
        jobs = client.cluster().list_jobs_status(job_kind="rebalance")
        assert jobs and all(not job.err for job in jobs)


def test_restart_with_more_targets_keeps_every_object_readable(tmp_path: Path) -> None:
    names = [f"o{i}" for i in range(OBJECTS)]
    with LocalCluster(tmp_path, targets=2) as cluster:
        bucket = Client(cluster.endpoint).bucket("grow").create()
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        port = cluster.port
    with LocalCluster(tmp_path, port=port, targets=3) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("grow")
        assert [n for n in names if bucket.object(n).get_reader().read_all() != payload(n)] == []
        wait_rebalance(client)
        assert only_on_owner(cluster, "grow", names) == []
        assert sorted(e.name for e in bucket.list_all_objects()) == sorted(names)


def test_restart_with_fewer_targets_keeps_every_object_readable(tmp_path: Path) -> None:
    names = [f"o{i}" for i in range(OBJECTS)]
    with LocalCluster(tmp_path, targets=3) as cluster:
        bucket = Client(cluster.endpoint).bucket("shrink").create()
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name))
        port = cluster.port
    with LocalCluster(tmp_path, port=port, targets=2) as cluster:
        assert cluster.target_count() == 2
        assert not (tmp_path / "target-2").exists()  # retired: its objects moved, its dir removed
        client = Client(cluster.endpoint)
        bucket = client.bucket("shrink")
        assert [n for n in names if bucket.object(n).get_reader().read_all() != payload(n)] == []
        assert only_on_owner(cluster, "shrink", names) == []
        assert sorted(e.name for e in bucket.list_all_objects()) == sorted(names)

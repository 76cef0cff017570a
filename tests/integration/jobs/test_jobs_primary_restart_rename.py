"""A rename (move-bck) survives a `kill -9` of the primary: after the restart it ends renamed, whole."""

import pytest
from jobs_it_support import fill, read_all
from primary_restart_it_support import kill_primary_mid_job, record, restart

from pyaistore.sdk import Client
from pyaistore.sdk.errors import ErrBckNotFound
from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 2000
SIZE = 64 * 1024


@pytest.mark.parametrize("targets_too", [False, True], ids=["targets-keep-running", "targets-restarted"])
def test_a_rename_interrupted_by_the_primary_ends_renamed(
    private_cluster: LocalCluster, targets_too: bool
) -> None:
    cluster, client = private_cluster, Client(private_cluster.endpoint)
    client.bucket("old").create()
    objects = fill(cluster.endpoint, "old", (f"d{i % 7}/o-{i:05}" for i in range(OBJECTS)), size=SIZE)
    job_id = client.bucket("old").rename("new")
    kill_primary_mid_job(cluster, job_id)
    restart(cluster, targets=targets_too)
    result = client.job(job_id).wait(timeout=180)
    assert result.success, result.error
    status = client.job(job_id).status()
    assert status.kind == "move-bck" and status.end_time > 0 and not status.aborted and not status.err
    assert record(cluster, job_id)["state"] == "finished"
    with pytest.raises(ErrBckNotFound):
        client.bucket("old").head()
    assert sorted(e.name for e in client.bucket("new").list_all_objects()) == sorted(objects)
    assert read_all(cluster.endpoint, "new", objects) == objects

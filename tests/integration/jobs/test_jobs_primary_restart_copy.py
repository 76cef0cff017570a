"""A bucket copy whose primary is killed mid-job: watched to its end again when the targets still run
their parts, else ended aborted with the reason; never left running."""

from jobs_it_support import fill, job_query, read_all
from primary_restart_it_support import kill_primary_mid_job, record, restart

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 2000


def _start_copy(cluster: LocalCluster, client: Client) -> tuple[str, dict[str, bytes]]:
    client.bucket("src").create()
    objects = fill(cluster.endpoint, "src", (f"o-{i:05}" for i in range(OBJECTS)), size=4096)
    job_id = client.bucket("src").copy(client.bucket("dst"), num_workers=-1)  # serial: slow enough
    kill_primary_mid_job(cluster, job_id)
    return job_id, objects


def test_a_copy_whose_parts_still_run_is_watched_to_its_end(private_cluster: LocalCluster) -> None:
    cluster, client = private_cluster, Client(private_cluster.endpoint)
    job_id, objects = _start_copy(cluster, client)
    restart(cluster)
    result = client.job(job_id).wait(timeout=180)
    assert result.success, result.error
    status = client.job(job_id).status()
    assert status.end_time > 0 and not status.aborted and not status.err
    assert record(cluster, job_id)["state"] == "finished"
    assert read_all(cluster.endpoint, "dst", objects) == objects


def test_a_copy_whose_parts_were_lost_ends_aborted_with_the_reason(private_cluster: LocalCluster) -> None:
    cluster, client = private_cluster, Client(private_cluster.endpoint)
    job_id, _ = _start_copy(cluster, client)
    restart(cluster, targets=True)
    result = client.job(job_id).wait(timeout=60)
    assert not result.success
    status = client.job(job_id).status()
    assert status.end_time > 0 and status.aborted
    assert status.err.startswith("primary restarted; parts lost on t[")
    assert record(cluster, job_id)["state"] == "aborted"
    # No target knows the job any more: the primary's record answers for it.
    details = job_query(cluster.endpoint, "qryxstats", {"ID": job_id}).json()
    snaps = [snap for per_node in details.values() for snap in per_node]
    assert len(snaps) == 1 and snaps[0]["aborted"] and snaps[0]["is_idle"]
    everything = job_query(cluster.endpoint, "status_all", {"kind": "copy-bck"}).json()
    assert [(s["uuid"], s["aborted"]) for s in everything] == [(job_id, True)]
    # What was copied stays (the destination is reported, not rolled back).
    client.bucket("dst").head()

"""Job queries, start and stop on the wire (jobs reference §1.2), and aborting a running copy."""

import re
import time
from collections.abc import Callable

import requests
from jobs_it_support import fill, job_query, read_all

from pyaistore.sdk import Client

_RFC3339_NS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z")


def _cluster_action(endpoint: str, action: str, value: object, **params: str) -> requests.Response:
    body = {"action": action, "name": "", "value": value}
    return requests.put(f"{endpoint}/v1/cluster", json=body, params=params, timeout=30)


def _finished_copy(client: Client, endpoint: str, make_bucket: Callable[[str], str]) -> tuple[str, str]:
    src, dst = make_bucket("src"), make_bucket("dst")
    fill(endpoint, src, ["a", "b", "c"])
    job_id = client.bucket(src).copy(dst)
    assert client.job(job_id).wait(timeout=60)
    return job_id, src


def test_status_and_snapshot_shapes(client: Client, endpoint: str, make_bucket: Callable[[str], str]) -> None:
    job_id, src = _finished_copy(client, endpoint, make_bucket)
    sdk_body = {"ID": job_id, "Kind": "", "DaemonID": "", "Bck": None, "Buckets": None}
    status = job_query(endpoint, "status", sdk_body).json()
    assert status["uuid"] == job_id and status["kind"] == "copy-bck"
    assert isinstance(status["end_time"], int) and status["end_time"] > 0
    assert status["aborted"] is False and status["is_idle"] is True and status["err"] == ""
    details = job_query(endpoint, "qryxstats", {"id": job_id}).json()  # lowercase keys too
    smap = requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json()
    assert set(details) == set(smap["tmap"])
    snap = next(iter(details.values()))[0]
    assert _RFC3339_NS.fullmatch(snap["start-time"]) and _RFC3339_NS.fullmatch(snap["end-time"])
    assert snap["bck"]["name"] == src and snap["bck"]["provider"] == "ais"
    assert all(isinstance(value, str) for value in snap["stats"].values())
    # glob.id packs joggers (bits 0-9) and workers (bits 10-19) as AIS does: the default 16 workers.
    assert snap["glob.id"] == str(16 << 10) and snap["abort-err"] == "" and snap["is_idle"] is True


def test_kinds_by_display_name_and_errors(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    job_id, _ = _finished_copy(client, endpoint, make_bucket)
    assert job_query(endpoint, "status", {"ID": job_id, "Kind": "copy-bucket"}).status_code == 200
    assert job_query(endpoint, "status", {"ID": job_id, "Kind": "bogus-kind"}).status_code == 200
    assert job_query(endpoint, "status", {"ID": job_id, "Kind": "move-bck"}).status_code == 400
    assert job_query(endpoint, "status", {"ID": "", "Kind": ""}).status_code == 400
    assert job_query(endpoint, "status", {"ID": "nosuchjob0"}).status_code == 404
    assert job_query(endpoint, "qryxstats", {"ID": "nosuchjob0"}).status_code == 404
    latest = job_query(endpoint, "status", {"Kind": "copy-bck"}).json()
    assert latest["kind"] == "copy-bck"
    assert (
        job_query(endpoint, "status_all", {"kind": "ec-get", "node": "", "show_active": False}).json() is None
    )
    everything = job_query(endpoint, "status_all", {"kind": "copy-bck", "show_active": False}).json()
    assert job_id in {s["uuid"] for s in everything}
    running = job_query(endpoint, "running_all", {"kind": "", "show_active": True}).json()
    assert isinstance(running, list) and f"copy-bck[{job_id}]" not in running


def test_abort_a_running_copy(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    objects = fill(endpoint, src, (f"o-{i:05}" for i in range(1000)), size=100)
    job_id = client.bucket(src).copy(dst, num_workers=-1)  # serial: slow enough to be caught running
    running = job_query(endpoint, "running_all", {"kind": "copy-bck", "show_active": True}).json()
    assert f"copy-bck[{job_id}]" in running
    client.job(job_id).abort()
    result = client.job(job_id).wait(timeout=60)
    assert not result.success
    status = client.job(job_id).status()
    assert status.aborted and status.end_time > 0
    snaps = [s for per in client.job(job_id).get_details().values() for s in per]
    assert all(s.aborted and s.abort_err == "user abort" and s.finished for s in snaps)
    assert sum(s.stats["loc-objs"] for s in snaps) < 1000
    assert sorted(e.name for e in client.bucket(src).list_all_objects()) == sorted(objects)
    assert read_all(endpoint, src, objects) == objects


def test_start_and_stop(client: Client, endpoint: str, make_bucket: Callable[[str], str]) -> None:
    bucket = make_bucket("b")
    started = _cluster_action(endpoint, "start", {"ID": "", "Kind": "lru", "DaemonID": "", "Bck": None})
    assert started.status_code == 200 and len(started.text) >= 9
    assert client.job(started.text).wait(timeout=60)
    warm = {"Kind": "warm-up-metadata", "Bck": {"name": bucket, "provider": "ais", "namespace": None}}
    assert client.job(_cluster_action(endpoint, "start", warm).text).wait(timeout=60)
    assert client.job(client.job(job_kind="cleanup-store").start()).wait(timeout=60)
    assert _cluster_action(endpoint, "start", {"Kind": "bogus"}).status_code == 400
    assert _cluster_action(endpoint, "start", {"Kind": "copy-bck"}).status_code == 400
    assert _cluster_action(endpoint, "start", {"Kind": "rechunk"}).status_code == 501
    assert _cluster_action(endpoint, "stop", {"ID": "", "Kind": ""}).status_code == 400
    assert _cluster_action(endpoint, "stop", {"Kind": "bogus"}).status_code == 400
    # As AIS: an ID no node knows stops nothing (200); a string that cannot be a job ID is refused.
    assert _cluster_action(endpoint, "stop", {"ID": "nosuchjob0"}).status_code == 200
    malformed = _cluster_action(endpoint, "stop", {"ID": "no such job"})
    assert malformed.status_code == 400 and "invalid xaction (job) UUID" in malformed.text
    assert _cluster_action(endpoint, "stop", {"ID": started.text, "Kind": "lru"}).status_code == 200
    assert not client.job(started.text).status().aborted  # already finished: nothing to stop


def test_a_kind_query_without_a_match_answers_each_target_with_an_empty_list(endpoint: str) -> None:
    smap = requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json()
    for body in ({"kind": "dsort"}, {"kind": "dsort", "onl": True}):
        reply = job_query(endpoint, "qryxstats", body)
        assert reply.status_code == 200, reply.text
        assert reply.json() == {target: [] for target in smap["tmap"]}
    # By ID, "not found" stays a 404 (every target answers 404, as AIS's do).
    assert job_query(endpoint, "qryxstats", {"id": "nosuchjob1"}).status_code == 404


def test_a_multi_object_copy_stays_listed_as_running_while_idle(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    src, dst = make_bucket("idle-src"), make_bucket("idle-dst")
    fill(endpoint, src, ["a", "b"])
    [job_id] = client.bucket(src).objects(obj_names=["a", "b"]).copy(client.bucket(dst))
    assert client.job(job_id).wait(timeout=60).success  # idle kinds are done once idle
    assert sorted(read_all(endpoint, dst, ["a", "b"])) == ["a", "b"]
    # As AIS keeps demand-based jobs: listed as running, idle, no end time yet.
    running = job_query(endpoint, "running_all", {}).json()
    assert f"copy-listrange[{job_id}]" in running
    snaps = [s for per in job_query(endpoint, "qryxstats", {"id": job_id}).json().values() for s in per]
    assert snaps and all(s["is_idle"] and s["end-time"].startswith("0001-") for s in snaps)
    # Idle, it is in nobody's way: the same copy runs again beside it.
    [again] = client.bucket(src).objects(obj_names=["a"]).copy(client.bucket(dst))
    assert client.job(again).wait(timeout=60).success
    # Stopped by hand, it ends.
    assert _cluster_action(endpoint, "stop", {"ID": job_id}).status_code == 200
    deadline = time.monotonic() + 10
    while f"copy-listrange[{job_id}]" in job_query(endpoint, "running_all", {}).json():
        assert time.monotonic() < deadline, "a stopped idle job stays listed as running"
        time.sleep(0.1)

"""The primary's persisted job records: atomic files, round trips, revival, retention."""

import json
import os
from pathlib import Path

import pytest

from pyaistore.jobs.job import Job
from pyaistore.proxy.job_records import ABORTED, FINISHED, JobRecord, JobRecords
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobStartMsg

HOUR_NS = 3600 * 10**9
SRC, DST = BucketId("src"), BucketId("dst")


class Clock:
    """A settable clock (ns), set well after the files' real modification times."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def _started(job_id: str = "jobAAAAAA1", kind: str = "move-bck") -> tuple[Job, JobRecord]:
    job = Job(job_id, kind, src_bucket=SRC, dst_bucket=DST, force=True)
    msg = JobStartMsg(job_id, kind, SRC, DST, {"prefix": "p/"}, True)
    return job, JobRecord.started(job, msg, ("t1", "t2"))


def test_a_record_survives_the_file_and_ends(tmp_path: Path) -> None:
    store = JobRecords(tmp_path / "jobs")
    job, record = _started()
    store.save(record)
    assert store.load() == [record]
    job.add_error("t[x]: disk full")
    job.finish()
    store.save(record.ended(job))
    (loaded,) = store.load()
    assert (loaded.state, loaded.err, loaded.end_ns) == (FINISHED, "t[x]: disk full", job.end_ns)
    assert loaded.msg == record.msg and loaded.targets == ("t1", "t2") and loaded.start_ns == job.start_ns
    assert [p.name for p in (tmp_path / "jobs").iterdir()] == ["jobAAAAAA1.json"]


def test_revive_gives_back_the_jobs_state() -> None:
    job, record = _started()
    running = record.revive()
    assert running.running and running.start_ns == job.start_ns and running.pair == (SRC.uname, DST.uname)
    job.abort("primary restarted")
    job.add_error("primary restarted")
    job.finish()
    aborted = record.ended(job)
    assert aborted.state == ABORTED
    revived = aborted.revive()
    assert revived.finished and revived.aborted and revived.end_ns == job.end_ns
    assert (revived.abort_err, revived.err, revived.force) == ("primary restarted", "primary restarted", True)


def test_load_is_oldest_first_and_skips_what_it_cannot_read(tmp_path: Path) -> None:
    store = JobRecords(tmp_path)
    newer_job, newer = _started("jobBBBBBB2")
    older_job, older = _started("jobAAAAAA9")
    older_job.start_ns = newer_job.start_ns - 1
    older = JobRecord.started(older_job, older.msg, older.targets)
    store.save(newer)
    store.save(older)
    (tmp_path / "broken0001.json").write_text("{not json")
    (tmp_path / "otherjob01.json").write_text(json.dumps(newer.to_json()))  # names another job
    (tmp_path / ".jobCCCCCC3.token.tmp").write_text("half written")
    assert [r.job_id for r in store.load()] == ["jobAAAAAA9", "jobBBBBBB2"]
    assert not (tmp_path / ".jobCCCCCC3.token.tmp").exists()  # a crash's work file is removed


def test_purge_removes_only_records_that_ended_before_the_retention(tmp_path: Path) -> None:
    clock = Clock()
    store = JobRecords(tmp_path, retention_s=3600, clock=clock)
    ended_job, ended = _started("jobENDED01")
    ended_job.finish()
    _, running = _started("jobRUNNIN1")
    store.save(ended.ended(ended_job))
    store.save(running)
    clock.now = ended_job.end_ns + HOUR_NS // 2
    assert store.purge() == []  # not due yet
    clock.now = max(ended_job.end_ns, os.stat(tmp_path / "jobENDED01.json").st_mtime_ns) + HOUR_NS + 1
    assert store.purge() == ["jobENDED01"]
    assert [r.job_id for r in store.load()] == ["jobRUNNIN1"]


def test_a_string_that_is_no_job_id_names_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        JobRecords(tmp_path).path("../../etc/passwd")

"""The primary's persisted records of cluster jobs: one small JSON file per job, `<data>/jobs/<ID>.json`.

A record holds what every target was asked to run (the start message: ID, kind, buckets, action
value, force), the targets it runs on, its start time and its state. `proxy/cluster_jobs.py`
writes it (atomically: work file, fsync, rename, fsync of the directory) when a job starts,
before the gateway's first step changes metadata or any target is asked, and again when the job
ends (end time, errors, aborted). Finished records are removed after the retention time the
in-memory registry applies (`jobs/registry.py`); the files are small and written only at a job's
start and end, so a record's modification time tells which ones may be due without reading the
rest. After a restart the primary reads them back (`proxy/job_recovery.py`).

The file store is blocking (`JobRecords`); async callers use `save` and `load`, which run it in
a worker thread.
"""

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import RETENTION_S
from pyaistore.node_context import NodeContext
from pyaistore.storage import layout
from pyaistore.storage.meta_store import save_file
from pyaistore.wire.jobs import JobStartMsg, is_valid_id

__all__ = [
    "ABORTED",
    "FINISHED",
    "JOBS_DIR",
    "RUNNING",
    "JobRecord",
    "JobRecords",
    "load",
    "save",
    "store_of",
]

log = logging.getLogger(__name__)

# The primary's directory of job records, under its data dir.
JOBS_DIR: Final = "jobs"
_SUFFIX: Final = ".json"
_WORK_SUFFIX: Final = ".tmp"

# A record's state.
RUNNING: Final = "running"
FINISHED: Final = "finished"
ABORTED: Final = "aborted"
_STATES: Final = frozenset({RUNNING, FINISHED, ABORTED})


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One cluster job as the primary persists it."""

    # What every target was asked to run: ID, kind, buckets, action value, force.
    msg: JobStartMsg
    # IDs of the targets the job was started on.
    targets: tuple[str, ...]
    start_ns: int
    end_ns: int = 0
    state: str = RUNNING
    err: str = ""
    abort_err: str = ""

    @property
    def job_id(self) -> str:
        """The job's ID."""
        return self.msg.job_id

    @property
    def kind(self) -> str:
        """The job's kind."""
        return self.msg.kind

    @property
    def running(self) -> bool:
        """True until the job ended (as far as the primary recorded)."""
        return self.state == RUNNING

    @classmethod
    def started(cls, job: Job, msg: JobStartMsg, targets: tuple[str, ...]) -> "JobRecord":
        """The record of `job`, just started on `targets` with `msg`."""
        return cls(msg, targets, job.start_ns)

    def ended(self, job: Job) -> "JobRecord":
        """This record once `job` (its in-memory twin) has ended."""
        state = ABORTED if job.aborted else FINISHED
        end_ns = job.end_ns or time.time_ns()
        return replace(self, end_ns=end_ns, state=state, err=job.err, abort_err=job.abort_err)

    def revive(self) -> Job:
        """The in-memory job this record describes (registered by the caller)."""
        msg = self.msg
        job = Job(msg.job_id, msg.kind, src_bucket=msg.bucket, dst_bucket=msg.dst_bucket, force=msg.force)
        job.start_ns = self.start_ns
        if self.err:
            job.add_error(self.err)
        if self.state == ABORTED:
            job.abort(self.abort_err or self.err)
        if not self.running:
            job.end_ns = max(self.end_ns, self.start_ns + 1)
        return job

    def to_json(self) -> dict[str, Any]:
        """The file's JSON."""
        return {
            "start": self.msg.to_json(),
            "targets": list(self.targets),
            "start_ns": self.start_ns,
            "end_ns": self.end_ns,
            "state": self.state,
            "err": self.err,
            "abort_err": self.abort_err,
        }

    @classmethod
    def from_json(cls, data: Any) -> "JobRecord":
        """Parse a record; ValueError on a wrong shape."""
        if not isinstance(data, dict):
            raise ValueError("job record must be a JSON object")
        targets, state = data.get("targets"), data.get("state")
        start_ns, end_ns = data.get("start_ns"), data.get("end_ns")
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ValueError("job record: targets must be a list of node IDs")
        if type(start_ns) is not int or type(end_ns) is not int:
            raise ValueError("job record: start_ns and end_ns must be integers")
        if state not in _STATES:
            raise ValueError(f"job record: unknown state {state!r}")
        return cls(
            JobStartMsg.from_json(data.get("start")),
            tuple(targets),
            start_ns,
            end_ns,
            str(state),
            str(data.get("err") or ""),
            str(data.get("abort_err") or ""),
        )


class JobRecords:
    """The record files in one directory (blocking calls: run them in a worker thread)."""

    def __init__(
        self,
        directory: Path,
        retention_s: float = RETENTION_S,
        fsync: bool = True,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self.directory = directory
        self._retention_ns = int(retention_s * 1e9)
        self._fsync = fsync
        self._clock = clock

    def path(self, job_id: str) -> Path:
        """The file of a job's record (ValueError for a string that is no job ID)."""
        if not is_valid_id(job_id):
            raise ValueError(f"not a job ID: {job_id!r}")
        return self.directory / (job_id + _SUFFIX)

    def save(self, record: JobRecord) -> None:
        """Write the record atomically (replacing the job's previous one)."""
        path = self.path(record.job_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        temp = self.directory / f".{record.job_id}.{layout.new_token()}{_WORK_SUFFIX}"
        save_file(path, json.dumps(record.to_json()).encode(), temp, self._fsync)

    def remove(self, job_id: str) -> None:
        """Remove a job's record (nothing when there is none)."""
        self.path(job_id).unlink(missing_ok=True)

    def load(self) -> list[JobRecord]:
        """Every readable record, oldest first; work files a crash left behind are removed.

        An unreadable record is logged and left where it is (for a human to look at).
        """
        found: list[JobRecord] = []
        for entry in self._entries():
            if entry.name.startswith("."):
                if entry.name.endswith(_WORK_SUFFIX):
                    Path(entry.path).unlink(missing_ok=True)
                continue
            record = self._read(Path(entry.path))
            if record is not None:
                found.append(record)
        return sorted(found, key=lambda r: (r.start_ns, r.job_id))

    def purge(self) -> list[str]:
        """Remove the records of jobs that ended longer ago than the retention time; their IDs."""
        cutoff = self._clock() - self._retention_ns
        removed = []
        for entry in self._entries():
            if entry.name.startswith(".") or not entry.name.endswith(_SUFFIX):
                continue
            try:
                if entry.stat().st_mtime_ns >= cutoff:
                    continue  # written since the cutoff: not due, whatever it says
            except FileNotFoundError:
                continue
            record = self._read(Path(entry.path))
            if record is not None and not record.running and record.end_ns < cutoff:
                self.remove(record.job_id)
                removed.append(record.job_id)
        return removed

    def _entries(self) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(self.directory) as entries:
                return [e for e in entries if e.is_file(follow_symlinks=False)]
        except FileNotFoundError:
            return []

    def _read(self, path: Path) -> JobRecord | None:
        try:
            record = JobRecord.from_json(json.loads(path.read_bytes()))
        except FileNotFoundError:
            return None
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            log.warning("ignoring the unreadable job record %s: %s", path, exc)
            return None
        if path.name != record.job_id + _SUFFIX:
            log.warning("ignoring the job record %s: it holds job %s", path, record.job_id)
            return None
        return record


def store_of(ctx: NodeContext) -> JobRecords | None:
    """The primary's record store (None on other nodes: only the primary records cluster jobs)."""
    if ctx.owner is None:
        return None
    return JobRecords(ctx.config.data_dir / JOBS_DIR, fsync=ctx.config.fsync)


async def save(ctx: NodeContext, record: JobRecord) -> None:
    """Persist the record (in a worker thread); an ended one also purges expired records."""
    store = store_of(ctx)
    if store is None:
        return

    def write() -> None:
        store.save(record)
        if not record.running:
            store.purge()

    await asyncio.to_thread(write)


async def load(ctx: NodeContext) -> list[JobRecord]:
    """The primary's unexpired records, oldest first (expired ones are removed first)."""
    store = store_of(ctx)
    if store is None:
        return []

    def read() -> list[JobRecord]:
        store.purge()
        return store.load()

    return await asyncio.to_thread(read)

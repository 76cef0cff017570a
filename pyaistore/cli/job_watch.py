"""Following cluster jobs: one summary per job from its targets' snapshots, and waiting with a bar.

A job runs on every target; each reports a snapshot (times, counters, errors). A summary adds the
targets' counters up and derives one state:

    aborted    some target aborted the job
    running    some target is still working on it
    idle       unfinished, and idle wherever it is unfinished (jobs that wait for more work)
    failed     finished, or idle where unfinished, with errors
    finished   finished everywhere without errors

Waiting polls the snapshots, feeds a progress bar with the counters, and stops when every job
is aborted, failed or finished, or has been idle on two polls in a row (jobs reference §1.3).
The final error comes from the job's status when the cluster keeps one, else from the snapshots.
"""

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.refs import BucketRef
from pyaistore.cli.render import JobProgress, human_duration, human_size, print_json
from pyaistore.sdk import Client, const
from pyaistore.sdk.errors import AISError
from pyaistore.sdk.types import BucketModel, JobSnap, JobStatus

__all__ = [
    "ABORTED",
    "FAILED",
    "FINISHED",
    "IDLE",
    "RUNNING",
    "JobSummary",
    "apply_status",
    "fetch_summary",
    "follow",
    "parse_time_ns",
    "report",
    "require_success",
    "settle",
    "split_job_ids",
    "summarize",
    "summarize_all",
    "wait_for_jobs",
    "wait_options",
]

ABORTED: Final = "aborted"
RUNNING: Final = "running"
IDLE: Final = "idle"
FAILED: Final = "failed"
FINISHED: Final = "finished"
_DONE: Final = frozenset({ABORTED, FAILED, FINISHED})

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_FIRST_POLL: Final = 0.1  # seconds; doubles up to _MAX_POLL
_MAX_POLL: Final = 1.0
_GRACE_FOR_UNKNOWN: Final = 2.0  # a job just started may not be visible on every node yet
_IDLE_POLLS_NEEDED: Final = 2
_F = TypeVar("_F", bound=Callable[..., Any])
_OBJECTS: Final = "loc-objs"
_BYTES: Final = "loc-bytes"


@dataclass(frozen=True, slots=True)
class JobSummary:
    """One job across the cluster."""

    job_id: str
    kind: str
    buckets: str
    state: str
    start_ns: int
    end_ns: int
    objects: int
    size: int
    error: str

    @property
    def done(self) -> bool:
        """True when the job will not change any more (aborted, failed or finished)."""
        return self.state in _DONE

    def duration(self, now_ns: int | None = None) -> float:
        """Seconds from start to end, or to now while the job runs."""
        if not self.start_ns:
            return 0.0
        end = self.end_ns or (now_ns if now_ns is not None else time.time_ns())
        return max(end - self.start_ns, 0) / 1e9

    def as_record(self) -> dict[str, Any]:
        """The summary as a table row / JSON object."""
        return {
            "id": self.job_id,
            "kind": self.kind,
            "buckets": self.buckets,
            "state": self.state,
            "start": self.start_ns,
            "end": self.end_ns,
            "duration": round(self.duration(), 3),
            "objects": self.objects,
            "bytes": self.size,
            "error": self.error,
        }


def parse_time_ns(text: str) -> int:
    """Unix nanoseconds of an RFC 3339 snapshot time (microsecond precision); 0 for "not set"."""
    if not text or text == const.GO_ZERO_TIME:
        return 0
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - _EPOCH) // timedelta(microseconds=1) * 1000, 0)


def _bucket_text(model: BucketModel | None) -> str:
    return str(BucketRef(model.name, model.provider)) if model is not None else ""


def _buckets(snaps: Sequence[JobSnap]) -> str:
    """`ais://src -> ais://dst` for jobs between buckets, else the job's bucket."""
    for snap in snaps:
        source = _bucket_text(snap.source_bck or snap.bucket)
        destination = _bucket_text(snap.destination_bck)
        if destination and destination != source:
            return f"{source} -> {destination}"
        if source:
            return source
    return ""


def _state(snaps: Sequence[JobSnap], error: str) -> str:
    if any(snap.aborted or snap.abort_err for snap in snaps):
        return ABORTED
    unfinished = [snap for snap in snaps if not snap.finished]
    if not all(snap.is_idle for snap in unfinished):
        return RUNNING
    if error:
        return FAILED  # its work is done everywhere (finished, or idle waiting for more), with errors
    return IDLE if unfinished else FINISHED


def summarize(job_id: str, snaps: Sequence[JobSnap]) -> JobSummary:
    """Add up one job's snapshots (one per target)."""
    errors = dict.fromkeys(text for snap in snaps for text in (snap.abort_err, snap.err) if text)
    error = "; ".join(errors)
    starts = [ns for ns in (parse_time_ns(snap.start_time) for snap in snaps) if ns]
    ends = [parse_time_ns(snap.end_time) for snap in snaps]
    state = _state(snaps, error)
    return JobSummary(
        job_id=job_id,
        kind=next((snap.kind for snap in snaps if snap.kind), ""),
        buckets=_buckets(snaps),
        state=state,
        start_ns=min(starts, default=0),
        end_ns=max(ends, default=0) if state in _DONE else 0,
        objects=sum(snap.stats.get(_OBJECTS, 0) for snap in snaps),
        size=sum(snap.stats.get(_BYTES, 0) for snap in snaps),
        error=error,
    )


def summarize_all(details: Mapping[str, Iterable[JobSnap]]) -> list[JobSummary]:
    """Every job in a details reply (target -> snapshots), oldest first."""
    by_job: dict[str, list[JobSnap]] = {}
    for snaps in details.values():
        for snap in snaps:
            by_job.setdefault(snap.id, []).append(snap)
    summaries = [summarize(job_id, snaps) for job_id, snaps in by_job.items()]
    return sorted(summaries, key=lambda summary: (summary.start_ns, summary.job_id))


def fetch_summary(client: Client, job_id: str) -> JobSummary:
    """One job's summary, its final error from the job's status when the cluster keeps one.

    Raises:
        AISError: the cluster does not know the job (404), or another error.
    """
    details = client.job(job_id).get_details()
    return settle(client, summarize(job_id, [snap for snaps in details.values() for snap in snaps]))


def settle(client: Client, summary: JobSummary) -> JobSummary:
    """A finished job's summary corrected by its status (see `apply_status`).

    Raises:
        AISError: the status query failed (other than with 404).
    """
    if not summary.done:
        return summary
    try:
        status = client.job(summary.job_id).status()
    except AISError as exc:
        # Real AIS keeps no status for some kinds (archive, copy-listrange ...): the snapshots say it.
        if exc.status_code != const.STATUS_NOT_FOUND:
            raise
        return summary
    return apply_status(summary, status)


def apply_status(summary: JobSummary, status: JobStatus) -> JobSummary:
    """Correct a finished job's summary by its status: errors the gateway recorded, aborts, end time."""
    if not summary.done:
        return summary
    if not summary.end_ns and status.end_time:  # aborted snapshots may carry no end time
        summary = replace(summary, end_ns=status.end_time)
    if status.aborted and summary.state != ABORTED:
        return replace(summary, state=ABORTED, error=status.err or summary.error)
    if status.err and summary.state == FINISHED:
        return replace(summary, state=FAILED, error=status.err)
    return summary


def split_job_ids(text: str) -> list[str]:
    """The job IDs of a reply that may carry several, comma-separated (jobs reference §2.4)."""
    return [job_id for job_id in text.strip().split(",") if job_id]


def wait_for_jobs(
    client: Client,
    progress: JobProgress,
    job_ids: Sequence[str],
    timeout: float | None = None,
) -> list[JobSummary]:
    """Poll the jobs until all are done, showing their counters; return their final summaries.

    Raises:
        click.ClickException: `timeout` seconds passed first (the jobs keep running).
        AISError: the cluster does not know a job (after a short grace period), or another error.
    """
    started = time.monotonic()
    pause = _FIRST_POLL
    idle_streak = 0
    while True:
        summaries = _poll(client, job_ids, time.monotonic() - started)
        progress.update(sum(s.objects for s in summaries), sum(s.size for s in summaries))
        if summaries and all(summary.done for summary in summaries):
            return summaries
        idle = bool(summaries) and all(summary.done or summary.state == IDLE for summary in summaries)
        idle_streak = idle_streak + 1 if idle else 0
        if idle_streak >= _IDLE_POLLS_NEEDED:
            return summaries
        elapsed = time.monotonic() - started
        if timeout is not None and elapsed + pause > timeout:
            ids = ", ".join(job_ids)
            raise click.ClickException(
                f"job {ids} still running after {timeout:g}s; it goes on: `pyaistore job wait {job_ids[0]}`"
            )
        time.sleep(pause)
        pause = min(pause * 2, _MAX_POLL)


def _poll(client: Client, job_ids: Sequence[str], elapsed: float) -> list[JobSummary]:
    """Summaries of every job; empty while a just-started job is not visible yet."""
    summaries = []
    for job_id in job_ids:
        try:
            summaries.append(fetch_summary(client, job_id))
        except AISError as exc:
            if exc.status_code != const.STATUS_NOT_FOUND or elapsed > _GRACE_FOR_UNKNOWN:
                raise
            return []
    return summaries


def require_success(summaries: Iterable[JobSummary]) -> None:
    """Fail (exit code 1) with the error of the first job that failed or was aborted.

    Raises:
        click.ClickException: a job failed or was aborted.
    """
    for summary in summaries:
        if summary.state == ABORTED:
            reason = f": {summary.error}" if summary.error else ""
            raise click.ClickException(f"job {summary.job_id} ({summary.kind}) was aborted{reason}")
        if summary.state == FAILED:
            raise click.ClickException(f"job {summary.job_id} ({summary.kind}) failed: {summary.error}")


def wait_options(command: _F) -> _F:
    """The --wait/--no-wait and --timeout options of commands that start jobs."""
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help="Stop waiting after this many seconds (the job goes on); default: no limit.",
    )(command)
    return click.option(
        "--wait/--no-wait",
        default=True,
        show_default=True,
        help="Wait for the job with a progress bar, or print its ID and return at once.",
    )(command)


def follow(
    app: CliContext,
    job_ids: Sequence[str],
    verb: str,
    *,
    wait: bool,
    timeout: float | None,
    total_objects: int | None = None,
) -> list[JobSummary] | None:
    """Wait for the jobs a command started, with a bar on stderr; fail if one failed or was aborted.

    Without `wait`, print the job IDs and return None.

    Args:
        app: the invocation's context.
        job_ids: the jobs the command started.
        verb: what the jobs do, for the bar (e.g. "copying").
        wait: wait, or print the IDs and return at once.
        timeout: seconds to wait at most (None: no limit).
        total_objects: objects the jobs will process, if known.

    Raises:
        click.ClickException: a job failed or was aborted, or `timeout` passed.
    """
    ids = ", ".join(job_ids)
    if not wait:
        if app.as_json:
            print_json(app.out, {"jobs": list(job_ids)})
        else:
            app.out.print(f"started job {ids} (`pyaistore job wait {job_ids[0]}` follows it)", soft_wrap=True)
        return None
    with JobProgress(app.err, f"{verb} ({ids})", total_objects) as progress:
        summaries = wait_for_jobs(app.client, progress, job_ids, timeout)
    require_success(summaries)
    return summaries


def report(app: CliContext, summaries: Sequence[JobSummary], done: str) -> None:
    """Print finished jobs: `<done>: N objects (size) in 1.2s, job ID`, or their records as JSON."""
    if app.as_json:
        print_json(app.out, [summary.as_record() for summary in summaries])
        return
    objects = sum(summary.objects for summary in summaries)
    size = sum(summary.size for summary in summaries)
    seconds = max((summary.duration() for summary in summaries), default=0.0)
    ids = ", ".join(summary.job_id for summary in summaries)
    noun = "object" if objects == 1 else "objects"
    amount = f"{objects} {noun} ({human_size(size)})" if size else f"{objects} {noun}"
    app.out.print(f"{done}: {amount} in {human_duration(seconds)}, job {ids}", soft_wrap=True)

"""`pyaistore job ...`: list, inspect, wait for and stop the cluster's jobs."""

from typing import Any, Final

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup, about
from pyaistore.cli.job_watch import (
    IDLE,
    RUNNING,
    JobSummary,
    apply_status,
    fetch_summary,
    report,
    require_success,
    settle,
    summarize,
    summarize_all,
    wait_for_jobs,
)
from pyaistore.cli.refs import JOB, JobRef
from pyaistore.cli.render import (
    Column,
    JobProgress,
    human_duration,
    human_size,
    print_json,
    print_properties,
    print_records,
    unix_ns_to_date,
)
from pyaistore.sdk import const
from pyaistore.sdk.errors import AISError

__all__ = ["job"]

_JOB_COLUMNS: Final = (
    Column("id", "JOB ID"),
    Column("kind", "KIND"),
    Column("buckets", "BUCKETS"),
    Column("state", "STATE"),
    Column("start", "START", unix_ns_to_date),
    Column("duration", "DURATION", human_duration, "right"),
    Column("objects", "OBJECTS", justify="right"),
    Column("bytes", "BYTES", human_size, "right"),
)
_TARGET_COLUMNS: Final = (
    Column("target", "TARGET"),
    Column("state", "STATE"),
    Column("objects", "OBJECTS", justify="right"),
    Column("bytes", "BYTES", human_size, "right"),
    Column("error", "ERROR"),
)


@click.group(cls=SdkGroup)
def job() -> None:
    """List, inspect, wait for and stop cluster jobs.

    Copies, renames, multi-object operations, archives and transforms run as jobs on every
    target; each has an ID, printed by the command that starts it. Finished jobs stay
    listed for a while.
    """


@job.command("ls")
@click.option("--kind", default="", help="Only jobs of this kind, e.g. copy-bck or copy-bucket.")
@click.option("--running", is_flag=True, help="Only jobs that have not finished.")
@click.pass_obj
def list_jobs(app: CliContext, kind: str, running: bool) -> None:
    """List the cluster's jobs: running ones and those finished recently.

    \b
    Example:
      pyaistore job ls
      pyaistore job ls --kind copy-bck --running
    """
    try:
        details = app.client.job(job_kind=kind).get_details()
    except AISError as exc:
        if exc.status_code != const.STATUS_NOT_FOUND:
            raise
        details = {}  # the cluster answers 404 when no job matches
    statuses = {status.uuid: status for status in app.client.cluster().list_jobs_status(job_kind=kind)}
    summaries = [
        apply_status(summary, statuses[summary.job_id]) if summary.job_id in statuses else summary
        for summary in summarize_all(details)
    ]
    if running:
        summaries = [summary for summary in summaries if summary.state in (RUNNING, IDLE)]
    records = [summary.as_record() for summary in summaries]
    caption = f"{len(records)} job(s)"
    print_records(app.out, _JOB_COLUMNS, records, as_json=app.as_json, caption=caption)


@job.command("show")
@click.argument("ref", metavar="JOB_ID", type=JOB)
@click.pass_obj
def show(app: CliContext, ref: JobRef) -> None:
    """Show one job: kind, buckets, state, times, counters, error, and each target's part.

    \b
    Example:
      pyaistore job show D-ViE6HEL_j
      pyaistore --json job show D-ViE6HEL_j
    """
    details = app.client.job(ref.job_id).get_details()
    snaps = [snap for snaps in details.values() for snap in snaps]
    summary = settle(app.client, summarize(ref.job_id, snaps))
    targets = [
        _target_record(target, summarize(ref.job_id, list(snaps))) for target, snaps in details.items()
    ]
    if app.as_json:
        print_json(app.out, {**summary.as_record(), "targets": targets})
        return
    print_properties(app.out, _summary_rows(summary), raw=summary.as_record())
    print_records(app.out, _TARGET_COLUMNS, sorted(targets, key=lambda record: record["target"]))


def _summary_rows(summary: JobSummary) -> list[tuple[str, str]]:
    """The PROPERTY/VALUE rows of `job show`."""
    return [
        ("job", summary.job_id),
        ("kind", summary.kind),
        ("buckets", summary.buckets),
        ("state", summary.state),
        ("start", unix_ns_to_date(summary.start_ns)),
        ("end", unix_ns_to_date(summary.end_ns)),
        ("duration", human_duration(summary.duration())),
        ("objects", str(summary.objects)),
        ("bytes", f"{human_size(summary.size)} ({summary.size} bytes)"),
        ("error", summary.error),
    ]


def _target_record(target: str, summary: JobSummary) -> dict[str, Any]:
    """One target's part of a job."""
    return {
        "target": target,
        "state": summary.state,
        "objects": summary.objects,
        "bytes": summary.size,
        "error": summary.error,
    }


@job.command("wait")
@click.argument("refs", metavar="JOB_ID...", nargs=-1, required=True, type=JOB)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop waiting after this many seconds (the jobs go on); default: no limit.",
)
@click.pass_obj
def wait(app: CliContext, refs: tuple[JobRef, ...], timeout: float | None) -> None:
    """Wait for jobs to finish, with a progress bar; exit 1 if one failed or was aborted.

    \b
    Example:
      pyaistore job wait D-ViE6HEL_j
      pyaistore job wait D-ViE6HEL_j H96Y7bhR2s --timeout 600
    """
    job_ids = [ref.job_id for ref in refs]
    # Ask once before drawing anything, so an unknown ID fails at once with a clear message.
    for ref in refs:
        about(ref)
        fetch_summary(app.client, ref.job_id)
    with JobProgress(app.err, f"waiting ({', '.join(job_ids)})") as progress:
        summaries = wait_for_jobs(app.client, progress, job_ids, timeout)
    require_success(summaries)
    report(app, summaries, "finished")


@job.command("stop")
@click.argument("refs", metavar="JOB_ID...", nargs=-1, required=True, type=JOB)
@click.pass_obj
def stop(app: CliContext, refs: tuple[JobRef, ...]) -> None:
    """Abort running jobs (what they already did stays done).

    \b
    Example:
      pyaistore job stop D-ViE6HEL_j
    """
    for ref in refs:
        about(ref)
        summary = fetch_summary(app.client, ref.job_id)  # an unknown ID is an error, not a no-op
        if summary.done:
            app.out.print(f"job {ref} ({summary.kind}) is already {summary.state}: nothing to stop")
            continue
        app.client.job(ref.job_id).abort()
        app.out.print(f"stopped job {ref} ({summary.kind})")

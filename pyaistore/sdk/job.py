"""Cluster jobs (xactions): status, details, waiting, timing, start and abort."""

import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pyaistore.sdk import const
from pyaistore.sdk.errors import AISError, JobInfoNotFound, Timeout
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import ActionMsg, JobSnap, JobStatus
from pyaistore.sdk.wait_result import WaitResult
from pyaistore.wire import jobs

if TYPE_CHECKING:
    from pyaistore.sdk.bucket import Bucket

__all__ = ["Job"]

_LOG = logging.getLogger(__name__)
_FIRST_POLL = 0.1  # seconds; doubles up to _MAX_POLL
_MAX_POLL = 1.0
_GRACE_FOR_UNKNOWN = 2.0  # seconds during which a just-started job may not be known yet
_IDLE_POLLS_NEEDED = 2  # idle-kind jobs must look idle on consecutive polls (jobs reference §1.3)


class Job:
    """A job on the cluster, by ID and/or kind. Creating one sends no request.

    Args:
        client: the client that sends requests.
        job_id: ID of a specific job.
        job_kind: kind of job, e.g. "copy-bck"; empty for any kind.
    """

    def __init__(self, client: RequestClient, job_id: str = "", job_kind: str = "") -> None:
        self._client = client
        self._job_id = job_id
        self._job_kind = job_kind

    @property
    def job_id(self) -> str:
        """The job's ID."""
        return self._job_id

    @property
    def job_kind(self) -> str:
        """The job's kind."""
        return self._job_kind

    def _args(self, daemon_id: str = "", buckets: "Iterable[Bucket]" = ()) -> dict[str, Any]:
        """The JobArgs body the cluster's job queries take (keys as the official SDK sends them)."""
        models = [bucket.as_model().as_dict() for bucket in buckets]
        return {
            "ID": self._job_id,
            "Kind": self._job_kind,
            "DaemonID": daemon_id,
            "Bck": models[0] if len(models) == 1 else None,
            "Buckets": models if len(models) > 1 else None,
        }

    def status(self) -> JobStatus:
        """The job's status: finished or not, aborted or not, and its error if any.

        Returns:
            The status (`end_time` is 0 while the job runs).

        Raises:
            ValueError: the job has no ID.
            AISError: the cluster does not know the job (status 404), or another error.
            requests.RequestException: the request failed.
        """
        if not self._job_id:
            raise ValueError("Cannot query status on a job without an assigned ID")
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            const.URL_PATH_CLUSTER,
            params={const.QPARAM_WHAT: const.WHAT_ONE_XACT_STATUS},
            json=self._args(),
        )
        return JobStatus.from_json(data or {})

    def get_details(self) -> dict[str, list[JobSnap]]:
        """Per-target snapshots of the job (or of every job of its kind).

        Returns:
            Snapshots keyed by target ID.

        Raises:
            AISError: no target knows the job (status 404), or another error.
            requests.RequestException: the request failed.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            const.URL_PATH_CLUSTER,
            params={const.QPARAM_WHAT: const.WHAT_QUERY_XACT_STATS},
            json=self._args(),
        )
        return {
            target: [JobSnap.from_json(snap) for snap in snaps or []]
            for target, snaps in (data or {}).items()
        }

    def wait(self, timeout: float = const.DEFAULT_JOB_WAIT_TIMEOUT, verbose: bool = True) -> WaitResult:
        """Wait until the job is done, in the way its kind finishes (jobs reference §1.3).

        Args:
            timeout: seconds to wait at most.
            verbose: log progress at INFO level.

        Returns:
            How the job ended; falsy if it failed or was aborted.

        Raises:
            Timeout: the job did not finish in time.
            JobInfoNotFound: the job is not known to the cluster.
            requests.RequestException: a request failed.
        """
        kind = self._job_kind or self._resolve_kind()
        if kind in const.IDLE_JOB_KINDS:
            return self.wait_for_idle(timeout, verbose)
        if kind in const.SINGLE_NODE_JOB_KINDS:
            return self._poll(self._single_node_result, timeout, verbose)
        return self._poll(self._terminal_result, timeout, verbose)

    def wait_for_idle(
        self, timeout: float = const.DEFAULT_JOB_WAIT_TIMEOUT, verbose: bool = True
    ) -> WaitResult:
        """Wait until every target reports the job idle (or aborted) on consecutive polls.

        Args:
            timeout: seconds to wait at most.
            verbose: log progress at INFO level.

        Returns:
            How the job ended; falsy if it was aborted.

        Raises:
            Timeout: the job did not go idle in time.
            requests.RequestException: a request failed.
        """
        streak = 0

        def idle_result() -> WaitResult | None:
            nonlocal streak
            snaps = [snap for snaps in self.get_details().values() for snap in snaps]
            aborted = [snap for snap in snaps if snap.aborted or snap.abort_err]
            if aborted:
                return WaitResult(self._job_id, False, aborted[0].abort_err or "aborted", aborted[0].end_time)
            streak = streak + 1 if snaps and all(snap.is_idle for snap in snaps) else 0
            if streak < _IDLE_POLLS_NEEDED:
                return None
            return WaitResult(self._job_id, True, "", max(snap.end_time for snap in snaps))

        return self._poll(idle_result, timeout, verbose)

    def _resolve_kind(self) -> str:
        """Look the job's kind up by ID (needed to choose how to wait)."""
        if not self._job_id:
            raise ValueError("Cannot wait for a job without an ID or kind")
        for snaps in self.get_details().values():
            for snap in snaps:
                if snap.kind:
                    self._job_kind = snap.kind
                    return snap.kind
        raise JobInfoNotFound(f"No job info found for '{self._job_id}'")

    def _terminal_result(self) -> WaitResult | None:
        """The result once the job's status shows an end time."""
        status = self.status()
        if not status.end_time:
            return None
        success = not status.err and not status.aborted
        error = status.err or ("aborted" if status.aborted else "")
        return WaitResult(self._job_id, success, error, str(status.end_time))

    def _single_node_result(self) -> WaitResult | None:
        """The result once any target's snapshot shows the job finished or aborted."""
        for snaps in self.get_details().values():
            for snap in snaps:
                if snap.aborted or snap.abort_err:
                    return WaitResult(self._job_id, False, snap.abort_err or "aborted", snap.end_time)
                if snap.finished:
                    return WaitResult(self._job_id, not snap.err, snap.err, snap.end_time)
        return None

    def _poll(self, check: Callable[[], WaitResult | None], timeout: float, verbose: bool) -> WaitResult:
        """Call `check` with growing pauses until it returns a result or `timeout` passes."""
        start = time.monotonic()
        pause = _FIRST_POLL
        while True:
            elapsed = time.monotonic() - start
            try:
                result = check()
            except AISError as err:
                # A job that was just started may not be visible everywhere yet.
                if err.status_code != const.STATUS_NOT_FOUND or elapsed > _GRACE_FOR_UNKNOWN:
                    raise
                result = None
            if result is not None:
                return result
            if elapsed + pause > timeout:
                raise Timeout(f"job '{self._job_id or self._job_kind}' to finish")
            if verbose:
                _LOG.info("waiting for job %s (%.1fs elapsed)", self._job_id or self._job_kind, elapsed)
            time.sleep(pause)
            pause = min(pause * 2, _MAX_POLL)

    def start(
        self, daemon_id: str = "", force: bool = False, buckets: "Iterable[Bucket] | None" = None
    ) -> str:
        """Start a job of this kind.

        Args:
            daemon_id: the target to run on, for jobs that run on one target.
            force: override restrictions (e.g. run LRU eviction on a bucket that disables it).
            buckets: the bucket(s) of a bucket-scoped job.

        Returns:
            The started job's ID.

        Raises:
            AISError: the cluster refused (e.g. an unknown kind).
            requests.RequestException: the request failed.
        """
        params = {const.QPARAM_FORCE: "true"} if force else {}
        body = ActionMsg(const.ACT_START, value=self._args(daemon_id, buckets or ())).to_json()
        return self._client.request(
            const.HTTP_METHOD_PUT, const.URL_PATH_CLUSTER, params=params, json=body
        ).text

    def abort(self) -> None:
        """Abort the job.

        Raises:
            ValueError: the job has neither an ID nor a kind.
            AISError: the cluster refused.
            requests.RequestException: the request failed.
        """
        if not self._job_id and not self._job_kind:
            raise ValueError("Cannot abort a job without an id or kind")
        body = ActionMsg(const.ACT_XACT_STOP, value=self._args()).to_json()
        self._client.request(const.HTTP_METHOD_PUT, const.URL_PATH_CLUSTER, json=body)

    def get_within_timeframe(self, start_time: datetime, end_time: datetime | None = None) -> list[JobSnap]:
        """Snapshots of this job (by ID, or of its kind) that started at or after `start_time`.

        Args:
            start_time: the earliest start time (timezone-aware).
            end_time: if given, keep only snapshots that ended at or before it.

        Returns:
            The matching snapshots from every target.

        Raises:
            JobInfoNotFound: no snapshot matches.
            AISError: the cluster refused the query.
            requests.RequestException: the request failed.
        """
        found = []
        for snap in (s for snaps in self.get_details().values() for s in snaps):
            if snap.id != self._job_id and snap.kind != self._job_kind:
                continue
            if _as_datetime(snap.start_time) < start_time:
                continue
            if end_time is None or _as_datetime(snap.end_time) <= end_time:
                found.append(snap)
        if not found:
            raise JobInfoNotFound("No relevant job info found")
        return found

    def get_total_time(self) -> timedelta | None:
        """From the earliest start to the latest end over every target; None while any part runs.

        Raises:
            AISError: the cluster refused the query.
            requests.RequestException: the request failed.
        """
        snaps = [s for snaps in self.get_details().values() for s in snaps]
        if not snaps or not all(s.finished for s in snaps):
            return None
        start = min(_as_datetime(s.start_time) for s in snaps)
        return max(_as_datetime(s.end_time) for s in snaps) - start


def _as_datetime(text: str) -> datetime:
    """An RFC3339 time of a snapshot (nanoseconds kept to microseconds) as an aware datetime."""
    return datetime.fromtimestamp(jobs.parse_time(text) / 1e9, UTC)

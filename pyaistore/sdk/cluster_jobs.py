"""What runs in the cluster: the status of its jobs, the running ones, and its ETLs. Part of
Cluster.
"""

from pyaistore.sdk import const
from pyaistore.sdk.cluster_endpoint import ClusterEndpoint
from pyaistore.sdk.types import ETLInfo, JobStatus
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import jobs as wire_jobs

__all__ = ["ClusterJobs"]


class ClusterJobs(ClusterEndpoint):
    """The job and ETL listings of a Cluster."""

    def list_jobs_status(self, job_kind: str = "", target_id: str = "") -> list[JobStatus]:
        """Status of the cluster's jobs.

        Args:
            job_kind: only jobs of this kind.
            target_id: only jobs on this target.

        Returns:
            One JobStatus per job.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            const.URL_PATH_CLUSTER,
            params={const.QPARAM_WHAT: const.WHAT_ALL_XACT_STATUS},
            json={
                wire_jobs.QUERY_KIND: job_kind,
                wire_jobs.QUERY_NODE: target_id,
                wire_jobs.QUERY_ACTIVE: False,
            },
        )
        return [JobStatus.from_json(item) for item in data or []]

    def list_running_jobs(self, job_kind: str = "", target_id: str = "") -> list[str]:
        """The running jobs, as "kind[id]" strings.

        Args:
            job_kind: only jobs of this kind.
            target_id: only jobs on this target.

        Returns:
            The running jobs.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            const.URL_PATH_CLUSTER,
            params={const.QPARAM_WHAT: const.WHAT_ALL_RUNNING_STATUS},
            json={
                wire_jobs.QUERY_KIND: job_kind,
                wire_jobs.QUERY_NODE: target_id,
                wire_jobs.QUERY_ACTIVE: True,
            },
        )
        return [str(item) for item in data or []]

    def list_etls(self, stages: list[str] | None = None) -> list[ETLInfo]:
        """The cluster's ETLs in the given stages (default: running ones)."""
        wanted = stages if stages is not None else [wire_etl.STAGE_RUNNING]
        data = self._client.request_json(const.HTTP_METHOD_GET, const.URL_PATH_ETL)
        return [info for info in (ETLInfo.from_json(item) for item in data or []) if info.stage in wanted]

"""The cluster as a whole: its map, its buckets, its jobs, its targets' mountpaths, whether it is ready.

The mountpath calls are those of AIStore's Go API (`AttachMountpath`, `GetMountpaths`, ...),
which the official Python SDK does not have: they go through the proxy's reverse route
(`/v1/reverse/daemon/mountpaths` with `Ais-Node-Id`) to the target named by its ID.
"""

import logging
from typing import Any

import requests

from pyaistore.sdk import const
from pyaistore.sdk.enums import LogSeverity, NodeFilter
from pyaistore.sdk.errors import AISError
from pyaistore.sdk.node_metrics import ClusterMetrics, NodeMetrics, parse_metrics
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.retry_config import RetryConfig
from pyaistore.sdk.types import ActionMsg, BucketModel, ETLInfo, JobStatus, MountpathList, RemoteCluster, Smap
from pyaistore.wire import monitoring
from pyaistore.wire import mountpaths as wire_mountpaths
from pyaistore.wire.remote import RemoteClusterList

__all__ = ["Cluster"]

_LOG = logging.getLogger(__name__)


class Cluster:
    """The cluster bound to a client. Creating one sends no request.

    Args:
        client: the client that sends requests.
    """

    def __init__(self, client: RequestClient) -> None:
        self._client = client

    @property
    def client(self) -> RequestClient:
        """The client this cluster uses to send requests."""
        return self._client

    def get_info(self) -> Smap:
        """The cluster map: every proxy and target, and which proxy is primary.

        Returns:
            The Smap.

        Raises:
            AISError: the cluster answered with an error.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        return self._client.get_smap(force_update=True)

    def get_primary_url(self) -> str:
        """The URL of the primary proxy."""
        return self.get_info().proxy_si.public_net.direct_url

    def get_uuid(self) -> str:
        """The cluster's UUID."""
        return self.get_info().uuid

    def list_buckets(self, provider: Provider | str = Provider.AIS) -> list[BucketModel]:
        """The buckets the cluster knows.

        Args:
            provider: only buckets of this provider ("ais", "aws", "gcp", ...); "" for all providers.

        Returns:
            The buckets, sorted.

        Raises:
            InvalidBckProvider: the provider is unknown.
            AISError: the cluster answered with an error.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        params = {const.QPARAM_PROVIDER: Provider.parse(provider).value if provider else ""}
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            const.URL_PATH_BUCKETS,
            params=params,
            json=ActionMsg(const.ACT_LIST).to_json(),
        )
        return [BucketModel.from_json(item) for item in data or []]

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
            json={"kind": job_kind, "node": target_id, "show_active": False},
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
            json={"kind": job_kind, "node": target_id, "show_active": True},
        )
        return [str(item) for item in data or []]

    def list_etls(self, stages: list[str] | None = None) -> list[ETLInfo]:
        """The cluster's ETLs in the given stages (default: running ones)."""
        wanted = stages if stages is not None else ["Running"]
        data = self._client.request_json(const.HTTP_METHOD_GET, const.URL_PATH_ETL)
        return [info for info in (ETLInfo.from_json(item) for item in data or []) if info.stage in wanted]

    def list_mountpaths(self, target_id: str) -> MountpathList:
        """A target's mountpaths: available, waiting for a resilver to be disabled or detached, disabled.

        Args:
            target_id: the target's node ID.

        Returns:
            The MountpathList (each list sorted).

        Raises:
            AISError: the cluster answered with an error (404: no such node).
            requests.RequestException: the request failed.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            f"{const.URL_PATH_REVERSE}/{const.URL_PATH_DAEMON}",
            params={const.QPARAM_WHAT: const.WHAT_MOUNTPATHS},
            headers={const.HEADER_NODE_ID: target_id},
        )
        return MountpathList.from_json(data)

    def list_all_mountpaths(self) -> dict[str, MountpathList]:
        """Every target's mountpaths, by target ID.

        Raises:
            AISError: the cluster answered with an error.
            requests.RequestException: the request failed.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET, const.URL_PATH_CLUSTER, params={const.QPARAM_WHAT: const.WHAT_MOUNTPATHS}
        )
        return wire_mountpaths.parse_cluster(data)

    def attach_mountpath(self, target_id: str, mountpath: str, label: str = "") -> None:
        """Attach a directory of the target's host as a new mountpath; a resilver follows.

        Args:
            target_id: the target's node ID.
            mountpath: an absolute path, an existing directory not nested in another mountpath.
            label: an optional label of the mountpath.

        Raises:
            AISError: the target refused (400: not a directory, attached already, overlapping).
            requests.RequestException: the request failed.
        """
        params = {const.QPARAM_MPATH_LABEL: label} if label else None
        self._mountpath_request(
            const.HTTP_METHOD_PUT, const.ACT_MOUNTPATH_ATTACH, target_id, mountpath, params
        )

    def enable_mountpath(self, target_id: str, mountpath: str) -> bool:
        """Use a disabled mountpath again; a resilver follows.

        Returns:
            True when it was disabled, False when it was available already.

        Raises:
            AISError: the target refused (404: no such mountpath).
            requests.RequestException: the request failed.
        """
        return self._mountpath_request(
            const.HTTP_METHOD_POST, const.ACT_MOUNTPATH_ENABLE, target_id, mountpath
        )

    def disable_mountpath(self, target_id: str, mountpath: str, dont_resilver: bool = False) -> bool:
        """Stop using a mountpath (it stays attached); a resilver follows unless `dont_resilver`.

        Returns:
            True when it was available, False when it was disabled already.

        Raises:
            AISError: the target refused (404: no such mountpath; 400: the last available one, or
                `dont_resilver` while a resilver runs).
            requests.RequestException: the request failed.
        """
        params = {const.QPARAM_DONT_RESILVER: "true"} if dont_resilver else None
        return self._mountpath_request(
            const.HTTP_METHOD_POST, const.ACT_MOUNTPATH_DISABLE, target_id, mountpath, params
        )

    def detach_mountpath(self, target_id: str, mountpath: str, dont_resilver: bool = False) -> None:
        """Remove a mountpath from the target (its files stay); a resilver follows unless `dont_resilver`.

        Raises:
            AISError: the target refused (400: no such mountpath, or the last available one).
            requests.RequestException: the request failed.
        """
        params = {const.QPARAM_DONT_RESILVER: "true"} if dont_resilver else None
        self._mountpath_request(
            const.HTTP_METHOD_DELETE, const.ACT_MOUNTPATH_DETACH, target_id, mountpath, params
        )

    def _mountpath_request(
        self, method: str, action: str, target_id: str, mountpath: str, params: dict[str, str] | None = None
    ) -> bool:
        """Send a mountpath action to the target; False when it changed nothing (204)."""
        response = self._client.request(
            method,
            f"{const.URL_PATH_REVERSE}/{const.URL_PATH_DAEMON}/{const.URL_PATH_MOUNTPATHS}",
            params=params,
            headers={const.HEADER_NODE_ID: target_id},
            json=ActionMsg(action, value=mountpath).to_json(),
        )
        return response.status_code != const.STATUS_NO_CONTENT

    def is_ready(self) -> bool:
        """True when the primary proxy reports the cluster ready; False if not or unreachable.

        The probe is sent once, without the client's retries, so it answers quickly.

        Returns:
            bool: True if cluster is ready, or False if cluster is still setting up.
        """
        probe = self._client.clone(retry_config=RetryConfig.no_retries())
        try:
            primary = probe.get_smap().proxy_si.public_net.direct_url
            probe.request(
                const.HTTP_METHOD_GET,
                const.URL_PATH_HEALTH,
                params={const.QPARAM_PRIMARY_READY_REB: "true"},
                endpoint=primary,
            )
        except (AISError, requests.RequestException, ValueError, KeyError) as err:
            _LOG.debug("cluster not ready: %s", err)
            return False
        finally:
            probe.close()
        return True

    def is_aistore_running(self) -> bool:
        """True if the cluster is ready, False if it is still setting up (the 1.x name of `is_ready`).

        Returns:
            bool: True if cluster is ready, or False if cluster is still setting up.
        """
        return self.is_ready()

    # ---- remote AIS clusters (AIS's api.AttachRemoteAIS & co; the official Python SDK has none) ----

    def attach_remote(self, alias: str, url: str) -> None:
        """Attach another AIS cluster: its buckets become `ais://@alias/BUCKET` here.

        Args:
            alias: the name its buckets are addressed by.
            url: its proxy's URL, e.g. http://host:51080.

        Raises:
            AISError: the URL is invalid or the cluster did not answer (400/503), or the alias is taken.
        """
        self._client.request(
            const.HTTP_METHOD_PUT,
            f"{const.URL_PATH_CLUSTER}/{const.URL_PATH_ATTACH}",
            params={const.QPARAM_WHAT: const.WHAT_REMOTE_AIS},
            headers={const.HEADER_REMOTE_AIS_ALIAS: alias, const.HEADER_REMOTE_AIS_URL: url},
        )

    def detach_remote(self, alias: str) -> None:
        """Detach the AIS cluster attached as `alias`.

        Raises:
            AISError: no cluster is attached as `alias` (404).
        """
        self._client.request(
            const.HTTP_METHOD_PUT,
            f"{const.URL_PATH_CLUSTER}/{const.URL_PATH_DETACH}",
            params={const.QPARAM_WHAT: const.WHAT_REMOTE_AIS},
            headers={const.HEADER_REMOTE_AIS_ALIAS: alias},
        )

    def list_remote_clusters(self) -> list[RemoteCluster]:
        """The attached AIS clusters: alias, URL, UUID, and their map when they answer (else None).

        Returns:
            The clusters, sorted by alias.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET, const.URL_PATH_CLUSTER, params={const.QPARAM_WHAT: const.WHAT_REMOTE_AIS}
        )
        return list(RemoteClusterList.from_json(data).clusters)

    # ---- node logs (as the official SDK), metrics ----

    def get_node_log(self, node_id: str, severity: LogSeverity = LogSeverity.INFO) -> str:
        """The current log of a node (target or proxy).

        Args:
            node_id: the node's ID.
            severity: INFO (every record), or WARNING/ERROR (warnings and errors).

        Returns:
            The log's text.

        Raises:
            AISError: 404 for an unknown node or a missing log, 400 for an unknown severity.
            requests.RequestException: the request failed.
        """
        return self._request_log(node_id, LogSeverity(severity).value).text

    def get_node_log_archive(self, node_id: str, severity: LogSeverity = LogSeverity.INFO) -> bytes:
        """Every log file of a node of that severity (the current one and rotated ones) as a .tar.gz.

        Raises:
            AISError: 404 for an unknown node, 400 for an unknown severity.
            requests.RequestException: the request failed.
        """
        return self._request_log(node_id, LogSeverity(severity).value, all_logs=True).content

    def get_cluster_logs(
        self, severity: LogSeverity = LogSeverity.INFO, role: NodeFilter = NodeFilter.TARGET
    ) -> dict[str, str]:
        """The current log of every node of a role, by node ID.

        Raises:
            AISError: a node's log could not be read.
            requests.RequestException: a request failed.
        """
        smap = self.get_info()
        nodes: list[str] = []
        if role in (NodeFilter.TARGET, NodeFilter.ALL):
            nodes += list(smap.tmap)
        if role in (NodeFilter.PROXY, NodeFilter.ALL):
            nodes += list(smap.pmap)
        return {node_id: self.get_node_log(node_id, severity) for node_id in nodes}

    def _request_log(
        self, node_id: str, severity: str, all_logs: bool = False, offset: int = 0
    ) -> requests.Response:
        params = {const.QPARAM_WHAT: const.WHAT_LOG, monitoring.LOG_SEVERITY: severity}
        if all_logs:
            params[monitoring.LOG_ALL] = "true"
        if offset:
            params[monitoring.LOG_OFFSET] = str(offset)
        return self._client.request(
            const.HTTP_METHOD_GET,
            f"{const.URL_PATH_REVERSE}/{const.URL_PATH_DAEMON}",
            params=params,
            headers={const.HEADER_NODE_ID: node_id},
        )

    def get_node_log_from(self, node_id: str, offset: int, severity: LogSeverity = LogSeverity.INFO) -> str:
        """A node's current log from byte `offset` on (to follow a log: pass the bytes read so far).

        Raises:
            AISError: 400 when the offset is past the end (the log was rotated meanwhile).
            requests.RequestException: the request failed.
        """
        return self._request_log(node_id, LogSeverity(severity).value, offset=offset).text

    def get_metrics(self) -> ClusterMetrics:
        """Every node's Prometheus metrics, scraped by the proxy (`GET /v1/cluster?what=prometheus`).

        Returns:
            ClusterMetrics: the samples of each node that answered, and why the others did not.

        Raises:
            AISError: the proxy answered with an error.
            requests.RequestException: the request failed.
        """
        data = self._client.request_json(
            const.HTTP_METHOD_GET,
            const.URL_PATH_CLUSTER,
            params={const.QPARAM_WHAT: monitoring.WHAT_PROMETHEUS},
        )
        texts = data.get(monitoring.METRICS_KEY) or {}
        nodes = {node_id: NodeMetrics(node_id, parse_metrics(text)) for node_id, text in texts.items()}
        return ClusterMetrics(nodes, dict(data.get(monitoring.UNREACHABLE_KEY) or {}))

    # ---- membership (AIS's api.StartMaintenance & co; the official Python SDK has none) ----

    def _membership(self, action: str, node_id: str, **options: bool) -> str:
        value = {"sid": node_id, **options}
        response = self._client.request(
            const.HTTP_METHOD_PUT, const.URL_PATH_CLUSTER, json=ActionMsg(action, value=value).to_json()
        )
        return response.text.strip()

    def start_maintenance(self, node_id: str, skip_rebalance: bool = False) -> str:
        """Put a node in maintenance: its objects move to the other targets, it keeps running.

        Args:
            node_id: the node's ID.
            skip_rebalance: leave its objects where they are (they are unreachable meanwhile).

        Returns:
            The ID of the rebalance this started ("" when none was needed).

        Raises:
            AISError: 404 for an unknown node, 400 for the primary, 409 while another change or a
                rebalance runs.
        """
        return self._membership(const.ACT_START_MAINTENANCE, node_id, skip_rebalance=skip_rebalance)

    def stop_maintenance(self, node_id: str) -> str:
        """Take a node out of maintenance; objects it now owns move back to it.

        Args:
            node_id: the node's ID (it must be running and answer).

        Returns:
            The ID of the rebalance this started ("" when none was needed).

        Raises:
            AISError: as for start_maintenance; 503 when the node does not answer.
        """
        return self._membership(const.ACT_STOP_MAINTENANCE, node_id)

    def shutdown_node(self, node_id: str) -> str:
        """Move a node's objects away, then stop it (it stays in the map, in maintenance).

        Args:
            node_id: the node's ID.

        Returns:
            The ID of the rebalance this started ("" when none was needed).

        Raises:
            AISError: as for start_maintenance.
        """
        return self._membership(const.ACT_SHUTDOWN_NODE, node_id)

    def decommission_node(
        self,
        node_id: str,
        rm_user_data: bool = False,
        no_shutdown: bool = False,
        skip_rebalance: bool = False,
    ) -> str:
        """Move every object off a node, then remove it from the cluster for good.

        Args:
            node_id: the node's ID.
            rm_user_data: also delete the node's (by then moved) objects from its disks.
            no_shutdown: keep its process running once removed.
            skip_rebalance: remove it without moving its objects (they are lost to the cluster).

        Returns:
            The ID of the rebalance this started ("" when none was needed).

        Raises:
            AISError: as for start_maintenance.
        """
        return self._membership(
            const.ACT_DECOMMISSION_NODE,
            node_id,
            rm_user_data=rm_user_data,
            no_shutdown=no_shutdown,
            skip_rebalance=skip_rebalance,
        )

    def shutdown(self) -> None:
        """Stop every node of the cluster (data stays; start it again to continue).

        Raises:
            AISError: the primary refused.
        """
        self._client.request(
            const.HTTP_METHOD_PUT,
            const.URL_PATH_CLUSTER,
            json=ActionMsg(const.ACT_SHUTDOWN_CLUSTER).to_json(),
            retry_network=False,
        )

    # ---- config (AIS's api.GetClusterConfig, SetClusterConfig, GetDaemonConfig, SetDaemonConfig;
    # the official Python SDK has none) ----

    def get_config(self) -> dict[str, Any]:
        """The cluster's config in AIS's sections (`{"log": {"level": "INFO"}, ...}`).

        Raises:
            AISError: the proxy answered with an error.
            requests.RequestException: the request failed.
        """
        params = {const.QPARAM_WHAT: const.WHAT_CLUSTER_CONFIG}
        return dict(self._client.request_json(const.HTTP_METHOD_GET, const.URL_PATH_CLUSTER, params=params))

    def set_config(self, nvs: dict[str, str], transient: bool = False) -> None:
        """Set config keys cluster-wide; every node runs with them at once.

        Args:
            nvs: dotted key -> value, e.g. {"log.level": "DEBUG", "timeout.body_idle": "90s"}.
            transient: do not persist (the cluster refuses this: set it on each node instead).

        Raises:
            AISError: 400 naming the first key at fault (unknown, not changeable at run time,
                bad value); nothing is changed then.
            requests.RequestException: the request failed.
        """
        self._client.request(
            const.HTTP_METHOD_PUT,
            f"{const.URL_PATH_CLUSTER}/{const.URL_PATH_SET_CONFIG}",
            params=self._config_params(nvs, transient),
        )

    def get_node_config(self, node_id: str) -> dict[str, Any]:
        """One node's config in effect: the cluster's with the node's own values over it.

        Raises:
            AISError: the cluster answered with an error (404: no such node).
            requests.RequestException: the request failed.
        """
        return dict(
            self._client.request_json(
                const.HTTP_METHOD_GET,
                f"{const.URL_PATH_REVERSE}/{const.URL_PATH_DAEMON}",
                params={const.QPARAM_WHAT: const.WHAT_NODE_CONFIG},
                headers={const.HEADER_NODE_ID: node_id},
            )
        )

    def set_node_config(self, node_id: str, nvs: dict[str, str], transient: bool = False) -> None:
        """Set config keys on one node alone; they win over the cluster's on that node.

        Args:
            node_id: the node's ID.
            nvs: dotted key -> value.
            transient: keep them in memory only (gone when the node restarts).

        Raises:
            AISError: 400 naming the first key at fault; 404: no such node.
            requests.RequestException: the request failed.
        """
        self._client.request(
            const.HTTP_METHOD_PUT,
            f"{const.URL_PATH_REVERSE}/{const.URL_PATH_DAEMON}/{const.URL_PATH_SET_CONFIG}",
            params=self._config_params(nvs, transient),
            headers={const.HEADER_NODE_ID: node_id},
        )

    @staticmethod
    def _config_params(nvs: dict[str, str], transient: bool) -> dict[str, str]:
        params = dict(nvs)
        if transient:
            params[const.QPARAM_TRANSIENT] = "true"
        return params

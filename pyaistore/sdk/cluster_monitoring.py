"""Watching the nodes: their logs (as the official SDK reads them) and their Prometheus metrics.
Part of Cluster.
"""

import requests

from pyaistore.sdk import const
from pyaistore.sdk.cluster_endpoint import ClusterEndpoint
from pyaistore.sdk.enums import LogSeverity, NodeFilter
from pyaistore.sdk.node_metrics import ClusterMetrics, NodeMetrics, parse_metrics
from pyaistore.wire import monitoring

__all__ = ["ClusterMonitoring"]


class ClusterMonitoring(ClusterEndpoint):
    """The log and metrics methods of a Cluster."""

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

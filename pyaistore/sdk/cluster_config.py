"""The config of the cluster and of each node (AIS's api.GetClusterConfig, SetClusterConfig,
GetDaemonConfig, SetDaemonConfig; the official Python SDK has none). Part of Cluster.
"""

from typing import Any

from pyaistore.sdk import const
from pyaistore.sdk.cluster_endpoint import ClusterEndpoint

__all__ = ["ClusterConfigCalls"]


class ClusterConfigCalls(ClusterEndpoint):
    """The config methods of a Cluster."""

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

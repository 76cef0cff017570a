"""Membership changes (AIS's api.StartMaintenance & co; the official Python SDK has none): a
node into and out of maintenance, shut down or decommissioned, and the whole cluster shut down.
Part of Cluster.
"""

from collections.abc import Mapping

from pyaistore.sdk import const
from pyaistore.sdk.cluster_endpoint import ClusterEndpoint
from pyaistore.sdk.types import ActionMsg
from pyaistore.wire import membership as wire_membership

__all__ = ["ClusterMembership"]


class ClusterMembership(ClusterEndpoint):
    """The membership methods of a Cluster."""

    def _membership(self, action: str, node_id: str, options: Mapping[str, bool] | None = None) -> str:
        value = {wire_membership.SID: node_id, **(options or {})}
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
        return self._membership(
            const.ACT_START_MAINTENANCE, node_id, {wire_membership.SKIP_REBALANCE: skip_rebalance}
        )

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
            {
                wire_membership.RM_USER_DATA: rm_user_data,
                wire_membership.NO_SHUTDOWN: no_shutdown,
                wire_membership.SKIP_REBALANCE: skip_rebalance,
            },
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

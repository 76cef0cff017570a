"""The targets' mountpaths: list them, attach, enable, disable and detach them. Part of Cluster.

These are the calls of AIStore's Go API (`AttachMountpath`, `GetMountpaths`, ...), which the
official Python SDK does not have: they go through the proxy's reverse route
(`/v1/reverse/daemon/mountpaths` with `Ais-Node-Id`) to the target named by its ID.
"""

from pyaistore.sdk import const
from pyaistore.sdk.cluster_endpoint import ClusterEndpoint
from pyaistore.sdk.types import ActionMsg, MountpathList
from pyaistore.wire import mountpaths as wire_mountpaths

__all__ = ["ClusterMountpaths"]


class ClusterMountpaths(ClusterEndpoint):
    """The mountpath methods of a Cluster."""

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

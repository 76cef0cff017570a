"""Other AIS clusters attached to this one (AIS's api.AttachRemoteAIS & co; the official Python
SDK has none): attach, detach and list them. Part of Cluster.
"""

from pyaistore.sdk import const
from pyaistore.sdk.cluster_endpoint import ClusterEndpoint
from pyaistore.sdk.types import RemoteCluster
from pyaistore.wire.remote import RemoteClusterList

__all__ = ["ClusterRemotes"]


class ClusterRemotes(ClusterEndpoint):
    """The remote-cluster methods of a Cluster."""

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

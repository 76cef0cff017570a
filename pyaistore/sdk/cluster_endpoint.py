"""The cluster's endpoint: the client its requests go through and the cluster map it answers
with, which every group of Cluster's calls builds on. Part of Cluster.
"""

from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import Smap

__all__ = ["ClusterEndpoint"]


class ClusterEndpoint:
    """The cluster bound to the client that sends its requests (see Cluster)."""

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

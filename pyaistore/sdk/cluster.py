"""The cluster as a whole: its map, its buckets, its jobs, its targets' mountpaths, whether it is ready.

Cluster is one class, as in the official SDK, assembled from a module per group of calls: its
client and map (cluster_endpoint.py), its jobs and ETLs (cluster_jobs.py), the targets'
mountpaths (cluster_mountpaths.py), attached remote clusters (cluster_remotes.py), node logs and
metrics (cluster_monitoring.py), membership changes (cluster_membership.py) and config
(cluster_config.py); what stays here is the cluster's own identity and state: its primary, its
UUID, its buckets, and whether it is ready.
"""

import logging

import requests

from pyaistore.sdk import const
from pyaistore.sdk.cluster_config import ClusterConfigCalls
from pyaistore.sdk.cluster_jobs import ClusterJobs
from pyaistore.sdk.cluster_membership import ClusterMembership
from pyaistore.sdk.cluster_monitoring import ClusterMonitoring
from pyaistore.sdk.cluster_mountpaths import ClusterMountpaths
from pyaistore.sdk.cluster_remotes import ClusterRemotes
from pyaistore.sdk.errors import AISError
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.retry_config import RetryConfig
from pyaistore.sdk.types import ActionMsg, BucketModel

__all__ = ["Cluster"]

_LOG = logging.getLogger(__name__)


class Cluster(
    ClusterJobs,
    ClusterMountpaths,
    ClusterRemotes,
    ClusterMonitoring,
    ClusterMembership,
    ClusterConfigCalls,
):
    """The cluster bound to a client. Creating one sends no request.

    Args:
        client: the client that sends requests.
    """

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

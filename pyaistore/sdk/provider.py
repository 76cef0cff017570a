"""The backend provider of a bucket."""

from enum import StrEnum

from pyaistore.sdk.errors import InvalidBckProvider
from pyaistore.wire import bucket_id

__all__ = ["Provider"]


class Provider(StrEnum):
    """A bucket provider. Members compare equal to their wire names, e.g. `Provider.AIS == "ais"`."""

    AIS = bucket_id.AIS
    AMAZON = bucket_id.AWS
    AZURE = bucket_id.AZURE
    GOOGLE = bucket_id.GCP
    OCI = bucket_id.OCI
    HTTP = bucket_id.HT
    HDFS = bucket_id.HDFS

    def is_remote(self) -> bool:
        """True for every provider except ais."""
        return self is not Provider.AIS

    @staticmethod
    def parse(provider: "Provider | str") -> "Provider":
        """Return the Provider for a member, a wire name or an alias such as s3, gs or az.

        Args:
            provider: a Provider or a provider name.

        Returns:
            The matching Provider.

        Raises:
            InvalidBckProvider: the name is not a known provider.
        """
        if isinstance(provider, Provider):
            return provider
        try:
            return Provider(bucket_id.normalize_provider(provider))
        except (bucket_id.InvalidProvider, ValueError) as exc:
            raise InvalidBckProvider(provider) from exc

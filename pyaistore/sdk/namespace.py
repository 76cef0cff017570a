"""The namespace of a bucket: a remote cluster's uuid and a name."""

from dataclasses import dataclass

from pyaistore.wire import bucket_id

__all__ = ["Namespace"]


@dataclass(frozen=True, slots=True)
class Namespace(bucket_id.Namespace):
    """A bucket namespace; empty uuid and name mean the global namespace.

    Args:
        uuid: uuid of the remote AIS cluster, empty for this cluster.
        name: name of the namespace.
    """

    def get_path(self) -> str:
        """The namespace as it travels in query strings and unames: `@uuid#name`."""
        return self.uname

    def as_dict(self) -> dict[str, str]:
        """The {"uuid", "name"} JSON shape."""
        return self.to_json()

"""Bucket identity on the wire: providers, namespaces, display names (cname) and unames."""

from dataclasses import dataclass
from typing import Final

AIS: Final = "ais"
AWS: Final = "aws"
GCP: Final = "gcp"
AZURE: Final = "azure"
OCI: Final = "oci"
HT: Final = "ht"
HDFS: Final = "hdfs"

PROVIDERS: Final = frozenset({AIS, AWS, GCP, AZURE, OCI, HT, HDFS})
# Providers whose buckets live in a cloud (or an HTTP origin): not ais, which may be a remote cluster.
CLOUD_PROVIDERS: Final = PROVIDERS - {AIS}
_ALIASES: Final = {"s3": AWS, "gs": GCP, "az": AZURE, "oc": OCI, "": AIS}
# The scheme AIS writes in messages. azure/oci keep their long form so that the official SDK's
# error regex (which knows no az:// or oc://) still types the error.
_SCHEMES: Final = {AIS: "ais", AWS: "s3", GCP: "gs", AZURE: "azure", OCI: "oci", HT: "ht", HDFS: "hdfs"}


class InvalidProvider(ValueError):
    """The provider name is not one AIS knows."""


def normalize_provider(name: str | None) -> str:
    """Map a provider name or alias to its canonical name; raise InvalidProvider otherwise."""
    value = (name or "").strip().lower()
    value = _ALIASES.get(value, value)
    if value not in PROVIDERS:
        raise InvalidProvider(f'invalid backend provider "{name}"')
    return value


@dataclass(frozen=True, slots=True)
class Namespace:
    """A bucket namespace: empty uuid and name mean the global namespace."""

    uuid: str = ""
    name: str = ""

    @classmethod
    def parse(cls, text: str | None) -> "Namespace":
        """Parse `@uuid#name` (leading @ optional; no # means all uuid)."""
        value = (text or "").removeprefix("@")
        uuid, sep, name = value.partition("#")
        return cls(uuid, name if sep else "")

    @property
    def is_global(self) -> bool:
        """True for the global namespace."""
        return not self.uuid and not self.name

    @property
    def uname(self) -> str:
        """The canonical form used in unames: @uuid#name (`@#` for global)."""
        return f"@{self.uuid}#{self.name}"

    def to_json(self) -> dict[str, str]:
        """The {"uuid","name"} object used in bucket listings."""
        return {"uuid": self.uuid, "name": self.name}


GLOBAL: Final = Namespace()


@dataclass(frozen=True, slots=True)
class BucketId:
    """A bucket's identity: provider, namespace and name."""

    name: str
    provider: str = AIS
    namespace: Namespace = GLOBAL

    @property
    def is_remote(self) -> bool:
        """True when the bucket lives behind a backend or another AIS cluster."""
        return self.provider != AIS or bool(self.namespace.uuid)

    @property
    def is_remote_ais(self) -> bool:
        """True for a bucket of another AIS cluster (ais://@uuid-or-alias/bucket)."""
        return self.provider == AIS and bool(self.namespace.uuid)

    @property
    def cname(self) -> str:
        """Display name, e.g. ais://photos or ais://@uuid#ns/photos."""
        scheme = _SCHEMES[self.provider] + "://"
        if self.namespace.is_global:
            return scheme + self.name
        return f"{scheme}{self.namespace.uname}/{self.name}"

    def object_cname(self, obj_name: str) -> str:
        """Display name of an object in this bucket, e.g. ais://photos/a.jpg."""
        return f"{self.cname}/{obj_name}"

    @property
    def uname(self) -> str:
        """Canonical bucket uname, e.g. ais/@#/photos/."""
        return f"{self.provider}/{self.namespace.uname}/{self.name}/"

    def object_uname(self, obj_name: str) -> str:
        """Canonical object uname hashed by HRW, e.g. ais/@#/photos/a.jpg."""
        return self.uname + obj_name

    def to_json(self) -> dict[str, object]:
        """The bucket-listing entry shape."""
        return {"name": self.name, "provider": self.provider, "namespace": self.namespace.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "BucketId":
        """Parse {"name","provider","namespace"}; a null namespace is the global one (ValueError if bad)."""
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("bucket: missing name")
        namespace = data.get("namespace")
        if namespace is not None and not isinstance(namespace, dict):
            raise ValueError("bucket: namespace must be an object")
        ns = (
            Namespace(str(namespace.get("uuid") or ""), str(namespace.get("name") or ""))
            if namespace
            else GLOBAL
        )
        return cls(name, normalize_provider(str(data.get("provider") or "")), ns)


def parse_uname(text: str) -> tuple[BucketId, str]:
    """Split `provider/@uuid#name/bucket/object` into a BucketId and an object name."""
    parts = text.split("/", 3)
    if len(parts) < 3 or not parts[2]:
        raise ValueError(f'invalid uname "{text}"')
    provider = normalize_provider(parts[0])
    bucket = BucketId(parts[2], provider, Namespace.parse(parts[1]))
    return bucket, parts[3] if len(parts) == 4 else ""

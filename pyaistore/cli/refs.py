"""What arguments name: buckets and objects (`ais://bucket/name`, `bucket/name`), jobs and ETLs.

A bucket argument names a bucket only (`photos`, `ais://photos`, `s3://photos/`). An object
argument names a bucket and an object name, a prefix or nothing (`photos/cat.jpg`,
`ais://photos/2024/`, `photos`). The provider defaults to ais; its aliases (s3, gs, az) are the
SDK's; a bucket of an attached AIS cluster is `ais://@ALIAS/BUCKET`. A job argument is a job ID,
an ETL argument an ETL's name, a node argument a node ID, and a mountpath argument
`NODE_ID=PATH` (AIS's CLI spelling). Bad arguments are usage errors (exit code 2). The refs also
tell `errors.py` what a failed command was about.
"""

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import click
from click.shell_completion import CompletionItem

from pyaistore.sdk import Provider
from pyaistore.sdk.errors import InvalidBckProvider

__all__ = [
    "BUCKET",
    "ETL",
    "JOB",
    "MOUNTPATH",
    "NODE",
    "OBJECT",
    "ArchivedFileRef",
    "BucketParam",
    "BucketRef",
    "EtlParam",
    "EtlRef",
    "JobParam",
    "JobRef",
    "MountpathParam",
    "MountpathRef",
    "NodeParam",
    "NodeRef",
    "ObjectParam",
    "ObjectRef",
    "parse_object_ref",
]

_SCHEME_SEPARATOR: Final = "://"
# How buckets are written for people: cloud providers by their URL schemes, as AIS's CLI writes them.
_DISPLAY_SCHEMES: Final = MappingProxyType(
    {Provider.AMAZON.value: "s3", Provider.GOOGLE.value: "gs", Provider.AZURE.value: "az"}
)


@dataclass(frozen=True, slots=True)
class BucketRef:
    """A bucket named on the command line."""

    name: str
    provider: str = Provider.AIS.value
    # An attached AIS cluster's alias or UUID (`ais://@alias/bucket`); empty for this cluster's.
    namespace: str = ""

    def __str__(self) -> str:
        where = f"@{self.namespace}/" if self.namespace else ""
        return f"{_DISPLAY_SCHEMES.get(self.provider, self.provider)}{_SCHEME_SEPARATOR}{where}{self.name}"

    @property
    def is_remote(self) -> bool:
        """True for a cloud or other remote bucket (any provider but ais)."""
        return self.provider != Provider.AIS.value


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """A bucket plus an object name, a prefix ending in `/`, or nothing (the whole bucket)."""

    bucket: BucketRef
    name: str = ""

    def __str__(self) -> str:
        return f"{self.bucket}/{self.name}"

    @property
    def is_prefix(self) -> bool:
        """True when the argument names a virtual directory (`bucket/` or `bucket/dir/`)."""
        return not self.name or self.name.endswith("/")


@dataclass(frozen=True, slots=True)
class ArchivedFileRef:
    """A file inside an archived object (a shard), by its path in the archive."""

    shard: ObjectRef
    path: str

    def __str__(self) -> str:
        return f"{self.path} in {self.shard}"


@dataclass(frozen=True, slots=True)
class JobRef:
    """A job named on the command line by its ID."""

    job_id: str

    def __str__(self) -> str:
        return self.job_id


@dataclass(frozen=True, slots=True)
class EtlRef:
    """An ETL named on the command line."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A node (target) named on the command line by its ID."""

    node_id: str

    def __str__(self) -> str:
        return self.node_id


@dataclass(frozen=True, slots=True)
class MountpathRef:
    """A mountpath of a target: `NODE_ID=PATH`."""

    node: NodeRef
    path: str

    def __str__(self) -> str:
        return f"{self.node}={self.path}"


def parse_object_ref(text: str) -> ObjectRef:
    """Split `[provider://]bucket[/name]` into its parts.

    Raises:
        ValueError: the bucket part is empty or the provider is unknown.
    """
    provider = Provider.AIS.value
    rest = text
    if _SCHEME_SEPARATOR in text:
        scheme, rest = text.split(_SCHEME_SEPARATOR, 1)
        if not scheme:
            raise ValueError(f"{text!r} names no provider; expected e.g. ais://BUCKET")
        try:
            provider = Provider.parse(scheme).value
        except InvalidBckProvider as exc:
            raise ValueError(
                f"unknown provider {scheme!r} (use ais, aws/s3, gcp/gs, azure/az, ht, oci)"
            ) from exc
    namespace = ""
    if rest.startswith("@"):
        namespace, _, rest = rest[1:].partition("/")
        if not namespace:
            raise ValueError(f"{text!r} names no remote cluster; expected ais://@ALIAS/BUCKET")
    bucket, _, name = rest.partition("/")
    if not bucket:
        raise ValueError(f"{text!r} names no bucket; expected BUCKET or ais://BUCKET")
    return ObjectRef(BucketRef(bucket, provider, namespace), name)


class BucketParam(click.ParamType[BucketRef]):
    """A click type for bucket arguments (a trailing `/` is allowed, an object name is not)."""

    name = "bucket"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> BucketRef:
        """Parse the argument into a BucketRef, or fail with a usage error."""
        if isinstance(value, BucketRef):
            return value
        try:
            ref = parse_object_ref(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if ref.name:
            self.fail(
                f"{value!r} names an object; expected a bucket such as ais://{ref.bucket.name}", param, ctx
            )
        return ref.bucket

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        """Bucket names from the cluster (see completion.py)."""
        from pyaistore.cli import completion  # only when completing: it talks to the cluster

        return completion.complete_buckets(ctx, param, incomplete)


class ObjectParam(click.ParamType[ObjectRef]):
    """A click type for `BUCKET/NAME` arguments (the name may be empty or a prefix)."""

    name = "object"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> ObjectRef:
        """Parse the argument into an ObjectRef, or fail with a usage error."""
        if isinstance(value, ObjectRef):
            return value
        try:
            return parse_object_ref(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        """Bucket names, then object names under the typed prefix (see completion.py)."""
        from pyaistore.cli import completion  # only when completing: it talks to the cluster

        return completion.complete_objects(ctx, param, incomplete)


def _word(
    param_type: click.ParamType[object],
    value: object,
    param: click.Parameter | None,
    ctx: click.Context | None,
) -> str:
    """A non-empty argument without spaces or slashes (job IDs and ETL names are single words)."""
    text = str(value).strip()
    if not text or any(char.isspace() or char == "/" for char in text):
        param_type.fail(f"{value!r} is not a valid {param_type.name}", param, ctx)
    return text


class JobParam(click.ParamType[JobRef]):
    """A click type for job IDs."""

    name = "job ID"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> JobRef:
        """Wrap the ID in a JobRef, or fail with a usage error."""
        return value if isinstance(value, JobRef) else JobRef(_word(self, value, param, ctx))


class EtlParam(click.ParamType[EtlRef]):
    """A click type for ETL names."""

    name = "ETL name"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> EtlRef:
        """Wrap the name in an EtlRef, or fail with a usage error."""
        return value if isinstance(value, EtlRef) else EtlRef(_word(self, value, param, ctx))


class NodeParam(click.ParamType[NodeRef]):
    """A click type for node IDs."""

    name = "node ID"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> NodeRef:
        """Wrap the ID in a NodeRef, or fail with a usage error."""
        return value if isinstance(value, NodeRef) else NodeRef(_word(self, value, param, ctx))


class MountpathParam(click.ParamType[MountpathRef]):
    """A click type for `NODE_ID=PATH` (the path absolute, as the target sees it)."""

    name = "NODE_ID=PATH"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> MountpathRef:
        """Split the argument at the first `=`, or fail with a usage error."""
        if isinstance(value, MountpathRef):
            return value
        node_id, sep, path = str(value).partition("=")
        if not sep or not node_id.strip() or not path.strip():
            example = "tXyz12345=/data/disk2; `pyaistore storage mountpath ls` lists them"
            self.fail(f"{value!r} is not NODE_ID=PATH (e.g. {example})", param, ctx)
        if not path.startswith("/"):
            self.fail(f"{path!r} is not an absolute path", param, ctx)
        return MountpathRef(NodeRef(_word(NODE, node_id, param, ctx)), path)


BUCKET: Final = BucketParam()
OBJECT: Final = ObjectParam()
JOB: Final = JobParam()
ETL: Final = EtlParam()
NODE: Final = NodeParam()
MOUNTPATH: Final = MountpathParam()

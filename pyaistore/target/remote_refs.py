"""Which backend holds a bucket's objects, and how to address the bucket there.

A bucket is *remote* when its provider is a cloud one (aws, gcp, azure, ht, ...), when it
belongs to another AIS cluster (`ais://@uuid/b`), or when it is an ais bucket whose `backend_bck`
names one of those. Its settings come from its properties (`extra.aws.*`, `extra.gcp.*`,
`extra.http.original_url`) or, for another cluster's bucket, from the attached-cluster table.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyaistore.backends.base import Backend, CloudBucket, RemoteBucketNotFound
from pyaistore.backends.http_origin import ORIGIN_SETTING
from pyaistore.backends.remote_ais import URL_SETTING, UUID_SETTING
from pyaistore.node_context import NodeContext
from pyaistore.storage.bucket_meta import BucketTable, backend_bucket
from pyaistore.wire.bucket_id import BucketId

__all__ = ["RemoteRef", "cloud_bucket", "is_remote", "remote_ref"]


@dataclass(frozen=True, slots=True)
class RemoteRef:
    """A bucket's backend and the bucket as that backend names it."""

    backend: Backend
    cloud: CloudBucket


def is_remote(ctx: NodeContext, bucket: BucketId) -> bool:
    """True when the bucket's objects live behind a backend (cheap: no backend is built)."""
    return bucket.is_remote or backend_bucket(bucket, ctx.meta.buckets.view(bucket)) is not None


def cloud_bucket(table: BucketTable, bucket: BucketId, props: Mapping[str, Any] | None) -> CloudBucket:
    """The remote bucket `bucket` (no backend_bck resolution) as its backend addresses it."""
    settings: dict[str, str] = {}
    extra = props.get("extra") if props is not None else None
    if isinstance(extra, Mapping):
        aws = extra.get("aws") or {}
        for key, name in (("endpoint", "endpoint"), ("profile", "profile"), ("cloud_region", "region")):
            if aws.get(key):
                settings[name] = str(aws[key])
        creds = (extra.get("gcp") or {}).get("application_creds")
        if creds:
            settings["application_creds"] = str(creds)
        origin = (extra.get("http") or {}).get(ORIGIN_SETTING)
        if origin:
            settings[ORIGIN_SETTING] = str(origin)
    if bucket.is_remote_ais:
        found = table.remote_cluster(bucket.namespace.uuid)
        if found is None:
            raise RemoteBucketNotFound(
                f'remote bucket "{bucket.cname}": no remote cluster "{bucket.namespace.uuid}" is attached'
            )
        settings[URL_SETTING] = found[1].get("url", "")
        settings[UUID_SETTING] = found[1].get("uuid", "")
    return CloudBucket(bucket.name, bucket.provider, settings)


def remote_ref(
    ctx: NodeContext, bucket: BucketId, props: Mapping[str, Any] | None = None
) -> RemoteRef | None:
    """The backend and remote bucket behind `bucket` (None for a plain ais bucket).

    `props` default to the bucket table's; a bucket not yet in the table (first use, create) is
    addressed with the props given, or none.
    """
    table = ctx.meta.buckets
    if props is None:
        props = table.view(bucket)
    remote = backend_bucket(bucket, props)
    if remote is None:
        return None
    remote_props = props if remote == bucket else table.view(remote)
    if ctx.backends is None:
        raise RuntimeError("this node has no backends (not a target)")
    return RemoteRef(ctx.backends.backend(remote.provider), cloud_bucket(table, remote, remote_props))

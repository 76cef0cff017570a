"""Writes to remote buckets go through to the backend before they are acknowledged.

PUT, append flush and copy into a remote bucket: the body is first written (and hashed) to a
work file as for any PUT, then sent to the backend from that file (or from memory when small),
and only when the backend has stored it is the local copy published, carrying the backend's ETag
and version in its custom metadata. A backend failure fails the write with the backend's status,
and nothing is published. DELETE deletes at the backend first, then here.
"""

import dataclasses
import io
from collections.abc import Mapping
from pathlib import Path

from pyaistore.backends.base import RemoteAttrs, RemoteObjectNotFound
from pyaistore.node_context import NodeContext
from pyaistore.storage.object_store import WriteProps
from pyaistore.target import remote_meta
from pyaistore.target.remote_refs import RemoteRef

__all__ = ["delete", "put_bytes", "put_file", "stored_props"]


async def put_file(
    ctx: NodeContext, ref: RemoteRef, name: str, path: Path, custom: Mapping[str, str]
) -> RemoteAttrs:
    """Send a local file (a work file or a stored object) to the backend as `name`."""
    assert ctx.backends is not None
    backend = ref.backend

    def send() -> RemoteAttrs:
        with open(path, "rb") as body:
            size = body.seek(0, io.SEEK_END)
            body.seek(0)
            return backend.put_object(ref.cloud, name, body, size, remote_meta.user_meta(custom))

    return await ctx.backends.run(send)


async def put_bytes(
    ctx: NodeContext, ref: RemoteRef, name: str, data: bytes, custom: Mapping[str, str]
) -> RemoteAttrs:
    """Send a body held in memory to the backend as `name`."""
    assert ctx.backends is not None
    user = remote_meta.user_meta(custom)
    return await ctx.backends.run(ref.backend.put_object, ref.cloud, name, io.BytesIO(data), len(data), user)


def stored_props(props: WriteProps, provider: str, attrs: RemoteAttrs) -> WriteProps:
    """Write properties of the local copy of an object the backend just stored."""
    custom = remote_meta.cloud_custom(provider, attrs, props.custom)
    return dataclasses.replace(props, custom=custom, version=attrs.version or props.version)


async def delete(ctx: NodeContext, ref: RemoteRef, name: str) -> bool:
    """Delete at the backend; False when the backend had no such object."""
    assert ctx.backends is not None
    try:
        await ctx.backends.run(ref.backend.delete_object, ref.cloud, name)
    except RemoteObjectNotFound:
        return False
    return True

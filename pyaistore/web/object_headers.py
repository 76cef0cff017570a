"""ObjectMeta -> ais-* response headers for GET, PUT and (selective) HEAD (reference §4.1-4.3)."""

from email.utils import formatdate
from typing import Final

from multidict import CIMultiDict

from pyaistore.cluster.errors import BadRequest
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire import headers
from pyaistore.wire.bucket_id import BucketId

HEAD_PROPS: Final = frozenset(
    {
        "name",
        "size",
        "checksum",
        "atime",
        "version",
        "custom",
        "location",
        "copies",
        "ec",
        "chunked",
        "last-modified",
        "etag",
    }
)
FULL_HEAD: Final = frozenset({"checksum", "atime", "version", "custom", "location", "copies"})


def attributes(
    meta: ObjectMeta, props: frozenset[str], node_id: str, copies: tuple[str, ...] = ()
) -> CIMultiDict[str]:
    """The attribute headers named by `props`; `copies` are the mountpaths holding the object."""
    out: CIMultiDict[str] = CIMultiDict()
    if "checksum" in props and meta.checksum_type and meta.checksum_type != "none":
        out[headers.CHECKSUM_TYPE] = meta.checksum_type
        out[headers.CHECKSUM_VALUE] = meta.checksum_value
    if "atime" in props and meta.atime_ns:
        out[headers.ATIME] = str(meta.atime_ns)
    if "version" in props and meta.version:
        out[headers.VERSION] = meta.version
    if "custom" in props:
        for key, value in sorted(meta.custom.items()):
            out.add(headers.CUSTOM_MD, f"{key}={value}")
    if "location" in props:
        out[headers.LOCATION_AIS] = f"t[{node_id}]:{meta.mountpath}"
    if "copies" in props:
        roots = copies or (meta.mountpath,)
        out[headers.MIRROR_COPIES] = str(len(roots))
        out[headers.MIRROR_PATHS] = ",".join(roots)
    if "last-modified" in props:
        out[headers.LAST_MODIFIED] = formatdate(meta.atime_ns / 1e9, usegmt=True)
    if "etag" in props:
        out[headers.ETAG] = f'"{meta.custom.get("ETag") or meta.checksum_value}"'
    return out


def for_get(meta: ObjectMeta, node_id: str) -> CIMultiDict[str]:
    """Headers of a whole-object or ranged GET."""
    out = attributes(meta, frozenset({"checksum", "atime", "version", "custom"}), node_id)
    out[headers.CONTENT_TYPE] = headers.OCTET_TYPE
    out[headers.ACCEPT_RANGES] = "bytes"
    if "ETag" in meta.custom:
        out[headers.ETAG] = meta.custom["ETag"]
    return out


def for_put(meta: ObjectMeta, node_id: str) -> CIMultiDict[str]:
    """Headers of a PUT reply, describing the stored object."""
    return attributes(meta, frozenset({"checksum", "atime", "version", "custom"}), node_id)


def head_props(requested: list[str] | None) -> frozenset[str] | None:
    """Validate a selective HEAD's props (400 on unknown names); None means a full HEAD."""
    if requested is None:
        return None
    for prop in requested:
        if prop not in HEAD_PROPS:
            raise BadRequest(f'invalid property "{prop}" in props list')
    return frozenset(requested)


def wants_copies(props: frozenset[str] | None) -> bool:
    """Whether a HEAD with these props (None: full) reports the object's copies."""
    return props is None or "copies" in props


def for_head(
    meta: ObjectMeta,
    bucket: BucketId,
    props: frozenset[str] | None,
    node_id: str,
    copies: tuple[str, ...] = (),
    present: bool = True,
) -> CIMultiDict[str]:
    """Selective HEAD: only what was asked; full HEAD: every attribute plus identity.

    A remote object not stored in the cluster (`present` false) has no location or copies.
    """
    wanted = FULL_HEAD if props is None else props
    if not present:
        wanted = wanted - {"location", "copies", "atime"}
    out = attributes(meta, wanted, node_id, copies)
    out[headers.PRESENT] = "true" if present else "false"
    if props is None:
        out[headers.OBJ_NAME] = meta.name
        out[headers.BUCKET_NAME] = bucket.name
        out[headers.BUCKET_PROVIDER] = bucket.provider
        if bucket.namespace.uuid:
            out[headers.BUCKET_NS_UUID] = bucket.namespace.uuid
        if bucket.namespace.name:
            out[headers.BUCKET_NS_NAME] = bucket.namespace.name
    return out

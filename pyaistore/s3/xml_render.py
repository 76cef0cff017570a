"""S3's XML documents: the replies this endpoint writes (listings, multipart, copy, delete,
versioning, location) and the request bodies it reads (Delete, CompleteMultipartUpload,
VersioningConfiguration). Shapes from AWS's API reference; element order as AWS sends it.
"""

import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape

from pyaistore.s3.s3_errors import S3Error
from pyaistore.wire import s3

__all__ = [
    "ListedObject",
    "copy_result",
    "delete_result",
    "initiate_upload",
    "iso_time",
    "list_buckets",
    "list_objects",
    "list_parts",
    "list_uploads",
    "location",
    "parse_complete",
    "parse_delete",
    "parse_versioning",
    "upload_completed",
    "versioning",
]

_HEADER: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
_OWNER: Final = "<Owner><ID>1</ID><DisplayName>ais</DisplayName></Owner>"


@dataclass(frozen=True, slots=True)
class ListedObject:
    """One Contents entry of a listing."""

    key: str
    size: int
    etag: str
    last_modified: str


def iso_time(ns: int) -> str:
    """S3's XML timestamps: `2009-10-12T17:50:30.000Z`."""
    seconds, rest = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{rest // 1_000_000:03d}Z"


def _el(tag: str, value: object) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _doc(root: str, body: str) -> str:
    return f'{_HEADER}<{root} xmlns="{s3.XML_NAMESPACE}">{body}</{root}>'


def list_buckets(buckets: Iterable[tuple[str, int]]) -> str:
    """ListAllMyBucketsResult for (name, creation time in ns) pairs."""
    items = "".join(
        f"<Bucket>{_el('Name', name)}{_el('CreationDate', iso_time(created))}</Bucket>"
        for name, created in buckets
    )
    return _doc("ListAllMyBucketsResult", f"{_OWNER}<Buckets>{items}</Buckets>")


def list_objects(
    bucket: str,
    prefix: str,
    delimiter: str,
    max_keys: int,
    objects: Sequence[ListedObject],
    prefixes: Sequence[str],
    next_token: str,
    v2: bool,
    marker: str = "",
    start_after: str = "",
) -> str:
    """ListBucketResult, V2 (continuation tokens) or V1 (markers)."""
    parts = [_el("Name", bucket), _el("Prefix", prefix)]
    if v2:
        if marker:
            parts.append(_el("ContinuationToken", marker))
        if next_token:
            parts.append(_el("NextContinuationToken", next_token))
        if start_after:
            parts.append(_el("StartAfter", start_after))
        parts.append(_el("KeyCount", len(objects) + len(prefixes)))
    else:
        parts.append(_el("Marker", marker))
        if next_token:
            parts.append(_el("NextMarker", next_token))
    parts.append(_el("MaxKeys", max_keys))
    if delimiter:
        parts.append(_el("Delimiter", delimiter))
    parts.append(_el("IsTruncated", _bool(bool(next_token))))
    for item in objects:
        parts.append(
            "<Contents>"
            f"{_el('Key', item.key)}{_el('LastModified', item.last_modified)}{_el('ETag', item.etag)}"
            f"{_el('Size', item.size)}<StorageClass>STANDARD</StorageClass></Contents>"
        )
    parts.extend(f"<CommonPrefixes>{_el('Prefix', name)}</CommonPrefixes>" for name in prefixes)
    return _doc("ListBucketResult", "".join(parts))


def copy_result(etag: str, last_modified: str) -> str:
    """CopyObjectResult."""
    return _doc("CopyObjectResult", _el("LastModified", last_modified) + _el("ETag", etag))


def initiate_upload(bucket: str, key: str, upload_id: str) -> str:
    """InitiateMultipartUploadResult."""
    return _doc(
        "InitiateMultipartUploadResult", _el("Bucket", bucket) + _el("Key", key) + _el("UploadId", upload_id)
    )


def upload_completed(location: str, bucket: str, key: str, etag: str) -> str:
    """CompleteMultipartUploadResult."""
    body = _el("Location", location) + _el("Bucket", bucket) + _el("Key", key) + _el("ETag", etag)
    return _doc("CompleteMultipartUploadResult", body)


def list_parts(
    bucket: str,
    key: str,
    upload_id: str,
    parts: Sequence[tuple[int, str, int, int]],
    marker: int,
    max_parts: int,
    truncated: bool,
) -> str:
    """ListPartsResult for (number, ETag, size, mtime ns) parts."""
    body = [_el("Bucket", bucket), _el("Key", key), _el("UploadId", upload_id)]
    body.append(_el("PartNumberMarker", marker))
    if truncated and parts:
        body.append(_el("NextPartNumberMarker", parts[-1][0]))
    body += [
        _el("MaxParts", max_parts),
        _el("IsTruncated", _bool(truncated)),
        _OWNER.replace("Owner", "Initiator"),
    ]
    body.append(_OWNER + "<StorageClass>STANDARD</StorageClass>")
    for number, etag, size, mtime in parts:
        body.append(
            f"<Part>{_el('PartNumber', number)}{_el('LastModified', iso_time(mtime))}"
            f"{_el('ETag', etag)}{_el('Size', size)}</Part>"
        )
    return _doc("ListPartsResult", "".join(body))


def list_uploads(
    bucket: str,
    uploads: Sequence[tuple[str, str, int]],
    key_marker: str,
    id_marker: str,
    max_uploads: int,
    truncated: bool,
    prefix: str,
) -> str:
    """ListMultipartUploadsResult for (key, upload ID, initiated ns) uploads."""
    body = [_el("Bucket", bucket), _el("KeyMarker", key_marker), _el("UploadIdMarker", id_marker)]
    if truncated and uploads:
        body += [_el("NextKeyMarker", uploads[-1][0]), _el("NextUploadIdMarker", uploads[-1][1])]
    body += [_el("Prefix", prefix), _el("MaxUploads", max_uploads), _el("IsTruncated", _bool(truncated))]
    for key, upload_id, initiated in uploads:
        body.append(
            f"<Upload>{_el('Key', key)}{_el('UploadId', upload_id)}"
            f"{_OWNER.replace('Owner', 'Initiator')}{_OWNER}<StorageClass>STANDARD</StorageClass>"
            f"{_el('Initiated', iso_time(initiated))}</Upload>"
        )
    return _doc("ListMultipartUploadsResult", "".join(body))


def delete_result(deleted: Sequence[str], failed: Sequence[tuple[str, str, str]], quiet: bool) -> str:
    """DeleteResult: the deleted keys (unless quiet) and (key, code, message) failures."""
    body = [] if quiet else [f"<Deleted>{_el('Key', key)}</Deleted>" for key in deleted]
    body += [
        f"<Error>{_el('Key', key)}{_el('Code', code)}{_el('Message', msg)}</Error>"
        for key, code, msg in failed
    ]
    return _doc("DeleteResult", "".join(body))


def versioning(enabled: bool) -> str:
    """VersioningConfiguration."""
    status = s3.VERSIONING_ENABLED if enabled else s3.VERSIONING_SUSPENDED
    return _doc("VersioningConfiguration", _el("Status", status))


def location(region: str) -> str:
    """LocationConstraint (empty for the default region, as S3 answers for us-east-1)."""
    return f'{_HEADER}<LocationConstraint xmlns="{s3.XML_NAMESPACE}">{escape(region)}</LocationConstraint>'


# ---- request bodies ----


def _parse(body: bytes, root: str) -> ElementTree.Element:
    """Parse a request document; MalformedXML unless it is well-formed with this root element."""
    try:
        element = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise S3Error(s3.MALFORMED_XML, f"the XML you provided was not well-formed: {exc}") from exc
    if _local(element.tag) != root:
        raise S3Error(s3.MALFORMED_XML, f"expected <{root}>, got <{_local(element.tag)}>")
    return element


def _local(tag: str) -> str:
    """A tag without its namespace ("{ns}Key" -> "Key")."""
    return tag.rpartition("}")[2]


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: ElementTree.Element, name: str) -> str | None:
    found = _children(element, name)
    return (found[0].text or "") if found else None


def parse_complete(body: bytes) -> list[tuple[int, str]]:
    """CompleteMultipartUpload -> (part number, ETag) pairs in the order given."""
    parts = []
    for part in _children(_parse(body, "CompleteMultipartUpload"), "Part"):
        number = _text(part, "PartNumber")
        try:
            parts.append((int(number or ""), _text(part, "ETag") or ""))
        except ValueError as exc:
            raise S3Error(s3.MALFORMED_XML, f"invalid PartNumber {number!r}") from exc
    return parts


def parse_delete(body: bytes) -> tuple[list[str], bool]:
    """Delete -> (keys, quiet)."""
    root = _parse(body, "Delete")
    keys = [_text(item, "Key") or "" for item in _children(root, "Object")]
    quiet = (_text(root, "Quiet") or "").strip().lower() == "true"
    return keys, quiet


def parse_versioning(body: bytes) -> bool:
    """VersioningConfiguration -> enabled."""
    status = (_text(_parse(body, "VersioningConfiguration"), "Status") or "").strip()
    if status not in (s3.VERSIONING_ENABLED, s3.VERSIONING_SUSPENDED):
        raise S3Error(s3.MALFORMED_XML, f"invalid versioning status {status!r}")
    return status == s3.VERSIONING_ENABLED

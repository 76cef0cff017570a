"""An object's S3 headers (ETag, Last-Modified, Content-Type, x-amz-meta-*) from its native
attributes, and the metadata an S3 write asks to keep, as native custom metadata.

Kept as custom metadata, as AIS keeps them: user metadata under its header name
(`x-amz-meta-<name>`), the standard representation headers (Content-Type, Cache-Control, ...)
under theirs, and a multipart object's S3 ETag under `ETag`. An object written through the native
API shows its custom keys that carry the `x-amz-meta-` prefix, and no others, as user metadata.
"""

import base64
from email.utils import formatdate
from typing import Final

from pyaistore.proxy.object_relay import ObjectAttrs
from pyaistore.s3.addressing import S3Request
from pyaistore.wire import headers, s3

__all__ = ["etag", "last_modified", "object_headers", "requested_metadata"]

# Query parameters of a (presigned) GET that override the reply's headers.
_RESPONSE_OVERRIDES: Final = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}
_STORED_LOWER: Final = {name.lower(): name for name in s3.STORED_HEADERS}


def etag(attrs: ObjectAttrs) -> str:
    """The quoted ETag: the S3 ETag kept with the object (multipart, or an MD5 a client sent), else
    its checksum (the MD5 in a bucket whose checksum type is md5, as AIS answers)."""
    return f'"{attrs.custom.get(s3.ETAG_KEY) or attrs.checksum_value}"'


def last_modified(attrs: ObjectAttrs) -> str:
    """RFC 1123 time of the object's last write."""
    return formatdate(attrs.atime_ns / 1e9, usegmt=True)


def object_headers(attrs: ObjectAttrs, req: S3Request | None = None) -> dict[str, str]:
    """The headers of a GET or HEAD reply (with a presigned GET's response-* overrides)."""
    out = {
        headers.ETAG: etag(attrs),
        headers.LAST_MODIFIED: last_modified(attrs),
        headers.ACCEPT_RANGES: "bytes",
        headers.CONTENT_TYPE: headers.OCTET_TYPE,
    }
    for key, value in attrs.custom.items():
        lower = key.lower()
        if lower.startswith(s3.H_META_PREFIX):
            out[lower] = value
        elif lower in _STORED_LOWER:
            out[_STORED_LOWER[lower]] = value
    if req is not None:
        for name, header in _RESPONSE_OVERRIDES.items():
            override = req.query.get(name)
            if override:
                out[header] = override
    return out


def requested_metadata(req: S3Request) -> dict[str, str]:
    """The custom metadata an S3 write (PUT, copy with REPLACE, multipart start) asks to keep.

    A Content-MD5 the body is checked against is also the object's S3 ETag.
    """
    custom: dict[str, str] = {}
    for name, values in req.headers.items():
        if name.startswith(s3.H_META_PREFIX):
            custom[name] = values[0]
        elif name == "content-encoding":
            # aws-chunked is the framing of this request's body, not how the object is encoded.
            kept = [item.strip() for item in values[0].split(",") if item.strip() not in ("", s3.AWS_CHUNKED)]
            if kept:
                custom[_STORED_LOWER[name]] = ", ".join(kept)
        elif name in _STORED_LOWER:
            custom[_STORED_LOWER[name]] = values[0]
    md5 = req.header(s3.H_CONTENT_MD5)
    if md5:
        try:
            custom[s3.ETAG_KEY] = base64.b64decode(md5, validate=True).hex()
        except ValueError:
            pass  # the digest check reports it
    return custom

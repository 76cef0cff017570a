"""Which bucket and key an S3 request names, and what it carries: path-style (`/s3/<bucket>/<key>`,
or `/<bucket>/<key>` at the root) or virtual-hosted-style (`Host: <bucket>.<domain>`, the key the
whole path), plus its headers in the lower-case form signatures and digests are computed over.
As in AIS, a key's path segments are joined: `a//b/` names the object `a/b`.
"""

from dataclasses import dataclass
from urllib.parse import unquote

from aiohttp import web
from multidict import MultiMapping

from pyaistore.s3.request_auth import Authenticated
from pyaistore.s3.s3_errors import S3Error
from pyaistore.storage import names
from pyaistore.storage.errors import InvalidName
from pyaistore.wire import paths, s3
from pyaistore.wire.bucket_id import BucketId

__all__ = ["S3Request", "parse", "split_domains"]


@dataclass
class S3Request:
    """One S3 request, addressed: bucket ("" for the service) and key ("" for the bucket)."""

    method: str
    bucket: str
    key: str
    query: MultiMapping[str]
    headers: dict[str, list[str]]
    content_length: int | None
    # "/<bucket>/<key>" as sent (still percent-encoded), whatever the addressing style: what a
    # SigV2 signature covers.
    raw_resource: str = "/"
    auth: Authenticated | None = None

    def header(self, name: str, default: str = "") -> str:
        """The first value of a header (case-insensitive)."""
        values = self.headers.get(name.lower())
        return values[0] if values else default

    def has(self, name: str) -> bool:
        """Whether the query carries `name` (with or without a value)."""
        return name in self.query

    @property
    def resource(self) -> str:
        """`/bucket/key`, as S3 names the resource in errors."""
        return "/" + "/".join(part for part in (self.bucket, self.key) if part)


def split_domains(text: str) -> tuple[str, ...]:
    """The configured virtual-host domains, lower case, without empty ones."""
    return tuple(part.strip().lower().lstrip(".") for part in text.split(",") if part.strip())


def _virtual_bucket(host: str, domains: tuple[str, ...]) -> str:
    hostname = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else ""
    for domain in domains:
        if hostname.endswith("." + domain):
            return hostname[: -len(domain) - 1]
    return ""


def parse(request: web.Request, mount: str, domains: tuple[str, ...]) -> S3Request:
    """Address the request; `mount` is the path prefix it arrived under ("/s3", or "" at the root)."""
    raw = request.raw_path.split("?", 1)[0]
    rest = raw[len(mount) :] if mount and raw.startswith(mount) else raw
    rest = rest.lstrip("/")
    bucket = _virtual_bucket(request.host, domains)
    if bucket:
        key = rest
        raw_resource = f"/{bucket}/{rest}" if rest else f"/{bucket}"
    else:
        raw_resource = "/" + rest
        bucket, _, key = rest.partition("/")
        bucket = unquote(bucket)
    if not mount and bucket == paths.API_VERSION:
        raise web.HTTPNotFound()  # a native path this gateway does not serve
    # AIS joins the key's path segments: repeated, leading and trailing slashes collapse.
    key = "/".join(part for part in unquote(key, errors="surrogateescape").split("/") if part)
    hdrs: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        hdrs.setdefault(name.lower(), []).append(value)
    found = S3Request(request.method, bucket, key, request.query, hdrs, request.content_length, raw_resource)
    if bucket:
        validate_bucket(bucket)
    if key:
        try:
            names.validate_object_name(BucketId(bucket or "b"), key)
        except InvalidName as exc:
            code = (
                s3.KEY_TOO_LONG if len(key.encode(errors="surrogateescape")) > 1024 else s3.INVALID_ARGUMENT
            )
            raise S3Error(code, exc.message) from exc
    return found


def validate_bucket(name: str) -> None:
    """InvalidBucketName unless the name is one this cluster stores."""
    try:
        names.validate_bucket_name(name)
    except InvalidName as exc:
        raise S3Error(s3.INVALID_BUCKET_NAME, exc.message) from exc

"""`ht://` buckets: plain HTTP(S) origins, read-only, on requests.

A bucket's origin is its `extra.http.original_url` property (set when the bucket is created), or
else `https://<bucket name>`; an object's name is its URL path below the origin, so
`ht://site/docs/a.pdf` reads `<origin>/docs/a.pdf`. An origin cannot be listed or written:
listing shows what is cached, writes answer 501. The origin's ETag and Last-Modified are kept
like a cloud's.
"""

from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO, Final
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from pyaistore.backends.base import (
    BackendError,
    BackendNotImplemented,
    BucketInfo,
    CloudBucket,
    Redactor,
    RemoteAccessDenied,
    RemoteAttrs,
    RemoteBucketNotFound,
    RemoteObjectNotFound,
    RemotePage,
    RemoteUnavailable,
    rfc3339,
)
from pyaistore.wire.bucket_id import HT

__all__ = ["HttpOriginBackend", "origin_url"]

ORIGIN_SETTING: Final = "original_url"
TIMEOUT: Final = (10.0, 60.0)


def origin_url(bucket: CloudBucket) -> str:
    """The origin's base URL, without a trailing slash."""
    return (bucket.setting(ORIGIN_SETTING) or f"https://{bucket.name}").rstrip("/")


class HttpOriginBackend:
    """Reads objects from HTTP(S) origins through one pooled session."""

    provider = HT

    def __init__(self, redactor: Redactor, pool_size: int = 64) -> None:
        self._redactor = redactor
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=16, pool_maxsize=pool_size)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def _request(self, method: str, url: str, what: str, missing: type[BackendError]) -> requests.Response:
        try:
            reply = self._session.request(method, url, stream=True, timeout=TIMEOUT, allow_redirects=True)
        except requests.RequestException as exc:
            raise RemoteUnavailable(self._redactor.clean(f"ht: {what}: {exc}")) from exc
        if reply.status_code < 400:
            return reply
        reply.close()
        text = self._redactor.clean(f"ht: {what}: {reply.status_code} {reply.reason}")
        if reply.status_code == 404:
            raise missing(text)
        if reply.status_code in (401, 403):
            raise RemoteAccessDenied(text, reply.status_code)
        if reply.status_code >= 500:
            raise RemoteUnavailable(text, reply.status_code)
        raise BackendError(text, reply.status_code)

    def head_bucket(self, bucket: CloudBucket) -> BucketInfo:
        """The origin answers at all (any status below 500 at its base URL)."""
        url = origin_url(bucket) + "/"
        try:
            reply = self._session.head(url, timeout=TIMEOUT, allow_redirects=True)
        except requests.RequestException as exc:
            raise RemoteBucketNotFound(
                self._redactor.clean(f"ht: origin {url} of {bucket.cname}: {exc}")
            ) from exc
        if reply.status_code >= 500:
            raise RemoteUnavailable(
                f"ht: origin {url}: {reply.status_code} {reply.reason}", reply.status_code
            )
        return BucketInfo()

    def list_buckets(self) -> list[str]:
        """Origins cannot be enumerated."""
        return []

    def head_object(self, bucket: CloudBucket, name: str) -> RemoteAttrs:
        """HEAD <origin>/<name>."""
        url = _object_url(bucket, name)
        reply = self._request("HEAD", url, f"object {url}", RemoteObjectNotFound)
        reply.close()
        return _attrs(reply.headers)

    def open_object(self, bucket: CloudBucket, name: str) -> "_OriginReader":
        """GET <origin>/<name>, streamed."""
        url = _object_url(bucket, name)
        reply = self._request("GET", url, f"object {url}", RemoteObjectNotFound)
        return _OriginReader(self._redactor, url, reply)

    def put_object(
        self, bucket: CloudBucket, name: str, body: BinaryIO, size: int, user_meta: Mapping[str, str]
    ) -> RemoteAttrs:
        """Origins are read-only."""
        raise BackendNotImplemented(f"cannot write {bucket.cname}/{name}: ht:// buckets are read-only")

    def delete_object(self, bucket: CloudBucket, name: str) -> None:
        """Origins are read-only."""
        raise BackendNotImplemented(f"cannot delete {bucket.cname}/{name}: ht:// buckets are read-only")

    def list_page(
        self, bucket: CloudBucket, prefix: str, token: str, page_size: int, recursive: bool
    ) -> RemotePage:
        """Origins cannot be listed."""
        raise BackendNotImplemented(
            f"cannot list the origin of {bucket.cname}: "
            "HTTP origins have no listing (list cached objects instead)"
        )


class _OriginReader:
    """A streamed GET body."""

    def __init__(self, redactor: Redactor, url: str, reply: requests.Response) -> None:
        self._redactor = redactor
        self._url = url
        self._reply = reply
        self._attrs = _attrs(reply.headers)

    @property
    def attrs(self) -> RemoteAttrs:
        """Attributes from the reply's headers (size -1 when the origin sent no length)."""
        return self._attrs

    def read(self, size: int) -> bytes:
        """The next bytes of the body (decoded if the origin compressed them)."""
        try:
            return bytes(self._reply.raw.read(size, decode_content=True) or b"")
        except (requests.RequestException, OSError, ValueError) as exc:
            raise RemoteUnavailable(self._redactor.clean(f"ht: reading {self._url}: {exc}")) from exc

    def close(self) -> None:
        """Release the connection."""
        self._reply.close()


def _object_url(bucket: CloudBucket, name: str) -> str:
    return f"{origin_url(bucket)}/{quote(name)}"


def _attrs(reply_headers: Mapping[str, Any]) -> RemoteAttrs:
    """RemoteAttrs from an origin's reply headers (a compressed body's length is unknown: -1)."""
    length = reply_headers.get("Content-Length")
    encoded = reply_headers.get("Content-Encoding", "identity") not in ("", "identity")
    try:
        modified = rfc3339(parsedate_to_datetime(str(reply_headers.get("Last-Modified") or "")))
    except (TypeError, ValueError):
        modified = ""
    return RemoteAttrs(
        size=int(length) if length is not None and str(length).isdigit() and not encoded else -1,
        etag=str(reply_headers.get("ETag") or "").strip('"'),
        last_modified=modified,
        content_type=str(reply_headers.get("Content-Type") or ""),
    )

"""Buckets of another AIS cluster (`ais://@alias/bucket`), through this project's own SDK.

The cluster is attached by alias and URL (`PUT /v1/cluster/attach?what=remote`); the bucket
table keys its buckets by the cluster's UUID and carries the URL, which reaches this backend as
the bucket's `url` setting. The other cluster sees its own `ais://bucket`: it may be another
pyaistore cluster or a real AIStore.
"""

import threading
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO, Final, TypeVar
from urllib.parse import quote

import requests
from urllib3.util.retry import Retry

from pyaistore.backends.base import (
    BackendError,
    BucketInfo,
    CloudBucket,
    Redactor,
    RemoteAccessDenied,
    RemoteAttrs,
    RemoteBucketNotFound,
    RemoteEntry,
    RemoteObjectNotFound,
    RemotePage,
    RemoteUnavailable,
    rfc3339,
)
from pyaistore.sdk import Client, ListObjectFlag, NetworkRetry, RetryConfig, const
from pyaistore.sdk.errors import AISError, ErrBckNotFound, ErrObjNotFound, ErrRemoteBckNotFound
from pyaistore.wire import headers, messages, paths, query
from pyaistore.wire.bucket_id import AIS

__all__ = ["URL_SETTING", "UUID_SETTING", "RemoteAisBackend", "cluster_smap", "cluster_uuid", "create_bucket"]

URL_SETTING: Final = "url"
UUID_SETTING: Final = "uuid"
MAX_PAGE: Final = 10_000
TIMEOUT: Final = (10.0, 120.0)
# The other cluster's errors are relayed at once; a lost connection is retried briefly.
RETRIES: Final = RetryConfig(
    http_retry=Retry(total=0, raise_on_status=False), network_retry=NetworkRetry(3, 0.2, 1.0)
)
# Remote AIS reads stream in pieces of this size.
READ_CHUNK: Final = 1 << 20

_T = TypeVar("_T")


def cluster_uuid(url: str) -> str:
    """The UUID of the AIS cluster at `url` (blocking; RemoteUnavailable when it does not answer)."""
    try:
        return Client(url, timeout=TIMEOUT, retry_config=RETRIES).cluster().get_uuid()
    except (AISError, requests.RequestException, ValueError) as exc:
        raise RemoteUnavailable(f"remote cluster at {url} did not answer: {exc}") from exc


class RemoteAisBackend:
    """One SDK client per attached cluster URL."""

    provider = AIS

    def __init__(self, redactor: Redactor, pool_size: int = 64) -> None:
        self._redactor = redactor
        self._pool_size = pool_size
        self._clients: dict[str, Client] = {}
        self._lock = threading.Lock()

    def _client(self, bucket: CloudBucket) -> Client:
        url = bucket.setting(URL_SETTING)
        if not url:
            raise RemoteBucketNotFound(f'remote bucket "{bucket.cname}": its cluster is not attached')
        with self._lock:
            client = self._clients.get(url)
            if client is None:
                client = Client(url, timeout=TIMEOUT, retry_config=RETRIES, max_pool_size=self._pool_size)
                self._clients[url] = client
        return client

    def _call(self, what: str, missing: type[BackendError], call: Callable[[], _T]) -> _T:
        """Run one SDK call, translating its failures (the other cluster's status and message)."""
        try:
            return call()
        except ErrObjNotFound as exc:
            raise missing(self._text(what, exc.message)) from exc
        except (ErrBckNotFound, ErrRemoteBckNotFound) as exc:
            raise RemoteBucketNotFound(self._text(what, exc.message)) from exc
        except AISError as exc:
            if exc.status_code == 404:
                raise missing(self._text(what, exc.message)) from exc
            if exc.status_code in (401, 403):
                raise RemoteAccessDenied(self._text(what, exc.message), exc.status_code) from exc
            kind = RemoteUnavailable if exc.status_code >= 500 else BackendError
            raise kind(self._text(what, exc.message), exc.status_code) from exc
        except requests.RequestException as exc:
            raise RemoteUnavailable(self._text(what, str(exc))) from exc

    def _text(self, what: str, detail: str) -> str:
        return self._redactor.clean(f"remote cluster: {what}: {detail}")

    def head_bucket(self, bucket: CloudBucket) -> BucketInfo:
        """HEAD the bucket at the other cluster."""
        client = self._client(bucket)
        found = self._call(
            f'remote bucket "{bucket.cname}"', RemoteBucketNotFound, lambda: client.bucket(bucket.name).head()
        )
        props = found.get(headers.BUCKET_PROPS, "")
        return BucketInfo(
            versioning='"versioning":{"enabled":true' in props, uuid=bucket.setting(UUID_SETTING)
        )

    def list_buckets(self) -> list[str]:
        """Attached clusters are listed by the bucket table, not by this backend."""
        return []

    def list_cluster_buckets(self, bucket: CloudBucket) -> list[str]:
        """The ais buckets of the cluster `bucket`'s settings point at."""
        client = self._client(bucket)
        found = self._call("list buckets", RemoteBucketNotFound, lambda: client.cluster().list_buckets())
        return sorted(model.name for model in found)

    def head_object(self, bucket: CloudBucket, name: str) -> RemoteAttrs:
        """HEAD the object at the other cluster."""
        client = self._client(bucket)
        props = self._call(
            _what(bucket, name), RemoteObjectNotFound, lambda: client.bucket(bucket.name).object(name).head()
        )
        return _attrs(props.headers, props.size)

    def open_object(self, bucket: CloudBucket, name: str) -> "_AisReader":
        """GET the object, streamed."""
        client = self._client(bucket)
        reader = self._call(
            _what(bucket, name), RemoteObjectNotFound, lambda: client.bucket(bucket.name).object(name).get()
        )
        raw = reader.raw()
        return _AisReader(
            self, _what(bucket, name), raw, _attrs(reader.attributes.headers, reader.content_length)
        )

    def put_object(
        self, bucket: CloudBucket, name: str, body: BinaryIO, size: int, user_meta: Mapping[str, str]
    ) -> RemoteAttrs:
        """PUT the object, then set its custom metadata if any."""
        client = self._client(bucket)
        what = _what(bucket, name)
        obj = client.bucket(bucket.name).object(name)
        path = f"{const.URL_PATH_OBJECTS}/{quote(bucket.name, safe='')}/{quote(name)}"
        reply = self._call(
            what,
            RemoteBucketNotFound,
            lambda: client.request_client.request(
                const.HTTP_METHOD_PUT,
                path,
                params=obj.query_params,
                data=body,
                headers={headers.CONTENT_LENGTH: str(size)},
            ),
        )
        if user_meta:
            self._call(what, RemoteObjectNotFound, lambda: obj.get_writer().set_custom_props(dict(user_meta)))
        return _attrs(reply.headers, size)

    def delete_object(self, bucket: CloudBucket, name: str) -> None:
        """DELETE the object at the other cluster."""
        client = self._client(bucket)
        self._call(
            _what(bucket, name),
            RemoteObjectNotFound,
            lambda: client.bucket(bucket.name).object(name).delete(),
        )

    def list_page(
        self, bucket: CloudBucket, prefix: str, token: str, page_size: int, recursive: bool
    ) -> RemotePage:
        """One page of the other cluster's listing (its token passes through)."""
        client = self._client(bucket)
        flags = [] if recursive else [ListObjectFlag.NO_RECURSION]
        page = self._call(
            f'list "{bucket.cname}"',
            RemoteBucketNotFound,
            lambda: client.bucket(bucket.name).list_objects(
                prefix=prefix,
                props="name,size,version,custom",
                page_size=min(page_size, MAX_PAGE),
                continuation_token=token,
                flags=flags,
            ),
        )
        entries = [
            RemoteEntry(
                name=entry.name,
                size=entry.size,
                version=entry.version,
                is_dir=bool(entry.flags & messages.ENTRY_IS_DIR),
            )
            for entry in page.entries
        ]
        return RemotePage(entries, page.continuation_token)


class _AisReader:
    """A streamed GET from the other cluster."""

    def __init__(self, backend: RemoteAisBackend, what: str, raw: Any, attrs: RemoteAttrs) -> None:
        self._backend = backend
        self._what = what
        self._raw = raw
        self._attrs = attrs

    @property
    def attrs(self) -> RemoteAttrs:
        """Attributes from the reply's headers."""
        return self._attrs

    def read(self, size: int) -> bytes:
        """The next bytes."""
        try:
            return bytes(self._raw.read(size) or b"")
        except (requests.RequestException, OSError, ValueError) as exc:
            raise RemoteUnavailable(self._backend._text(self._what, str(exc))) from exc

    def close(self) -> None:
        """Release the connection."""
        self._raw.close()


def _what(bucket: CloudBucket, name: str) -> str:
    return f'object "{bucket.cname}/{name}"'


def _rfc3339_of(http_date: str) -> str:
    try:
        return rfc3339(parsedate_to_datetime(http_date))
    except (TypeError, ValueError):
        return ""


def _attrs(reply_headers: Mapping[str, str], size: int) -> RemoteAttrs:
    """RemoteAttrs from an AIS reply: its version, checksum and custom metadata."""
    custom: dict[str, str] = {}
    for pair in str(reply_headers.get(headers.CUSTOM_MD, "")).split(","):
        key, sep, value = pair.strip().partition("=")
        if sep and key:
            custom[key] = value
    checksum = str(reply_headers.get(headers.CHECKSUM_VALUE, ""))
    return RemoteAttrs(
        size=size,
        etag=checksum,
        version=str(reply_headers.get(headers.VERSION, "")),
        last_modified=_rfc3339_of(str(reply_headers.get(headers.LAST_MODIFIED, ""))),
        user_meta=custom,
    )


def create_bucket(url: str, name: str) -> None:
    """Create `ais://name` in the AIS cluster at `url` (blocking; its refusal as a BackendError)."""
    redactor = Redactor()
    backend = RemoteAisBackend(redactor)
    bucket = CloudBucket(name, AIS, {URL_SETTING: url})
    backend._call(
        f'create "{name}" at {url}',
        RemoteBucketNotFound,
        lambda: backend._client(bucket).bucket(name).create(),
    )


def cluster_smap(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The cluster map of the AIS cluster at `url` as JSON, or None when it does not answer."""
    try:
        reply = requests.get(
            url.rstrip("/") + paths.url_path(paths.DAEMON),
            params={query.WHAT: query.WHAT_SMAP},
            timeout=timeout,
        )
        found = reply.json() if reply.ok else None
    except (requests.RequestException, ValueError):
        return None
    return found if isinstance(found, dict) else None

"""Azure Blob Storage, on azure-storage-blob (a container is a bucket).

The account comes from `AZURE_STORAGE_CONNECTION_STRING`, or from `AZURE_STORAGE_ACCOUNT` and
`AZURE_STORAGE_KEY` with the endpoint `https://<account>.blob.core.windows.net` unless
`AIS_AZURE_URL` names another (AIS's variable, e.g. a local Azurite). The blob's ETag is its
version, as AIS keeps it.
"""

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Final, TypeVar

from azure.core import exceptions as azure_errors
from azure.storage.blob import BlobPrefix, BlobServiceClient, ContentSettings, LinearRetry

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
from pyaistore.wire.bucket_id import AZURE

__all__ = ["AzureBackend"]

MAX_PAGE: Final = 5000
# Bytes per ranged download request: the memory one open blob holds at most.
READ_CHUNK: Final = 4 << 20
_NO_CONTAINER: Final = frozenset({"ContainerNotFound"})

_T = TypeVar("_T")


class AzureBackend:
    """Blob storage through one BlobServiceClient (thread-safe), built on first use."""

    provider = AZURE

    def __init__(self, redactor: Redactor, env: Mapping[str, str] | None = None) -> None:
        self._redactor = redactor
        self._env = os.environ if env is None else env
        self._service: BlobServiceClient | None = None
        self._lock = threading.Lock()

    def _client(self) -> BlobServiceClient:
        with self._lock:
            if self._service is None:
                self._service = self._connect()
            return self._service

    def _connect(self) -> BlobServiceClient:
        options: dict[str, Any] = {
            "max_single_get_size": READ_CHUNK,
            "max_chunk_get_size": READ_CHUNK,
            # A few quick retries: the library's default waits minutes on an unreachable account.
            "retry_policy": LinearRetry(backoff=1, retry_total=2, random_jitter_range=1),
            "connection_timeout": 10,
            "read_timeout": 60,
        }
        connection = self._env.get("AZURE_STORAGE_CONNECTION_STRING", "")
        try:
            if connection:
                return BlobServiceClient.from_connection_string(connection, **options)
            account = self._env.get("AZURE_STORAGE_ACCOUNT", "")
            key = self._env.get("AZURE_STORAGE_KEY", "")
            if not account:
                raise RemoteAccessDenied(
                    "azure: no account configured (AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT "
                    "and AZURE_STORAGE_KEY)",
                    401,
                )
            url = self._env.get("AIS_AZURE_URL") or f"https://{account}.blob.core.windows.net"
            credential = {"account_name": account, "account_key": key} if key else None
            return BlobServiceClient(url, credential=credential, **options)
        except ValueError as exc:
            raise RemoteAccessDenied(
                self._redactor.clean(f"azure: invalid account settings: {exc}"), 401
            ) from exc

    def _call(self, what: str, missing: type[BackendError], call: Callable[[], _T]) -> _T:
        """Run one library call, translating its failures (HttpResponseError by code and status)."""
        try:
            return call()
        except azure_errors.ResourceNotFoundError as exc:
            code = str(getattr(exc, "error_code", "") or "")
            kind = RemoteBucketNotFound if code in _NO_CONTAINER else missing
            raise kind(self._text(what, exc)) from exc
        except azure_errors.ClientAuthenticationError as exc:
            raise RemoteAccessDenied(self._text(what, exc), int(exc.status_code or 403)) from exc
        except azure_errors.HttpResponseError as exc:
            status = int(exc.status_code or 500)
            kind = RemoteUnavailable if status >= 500 else BackendError
            raise kind(self._text(what, exc), status) from exc
        except azure_errors.AzureError as exc:
            raise RemoteUnavailable(self._text(what, exc)) from exc

    def _text(self, what: str, exc: BaseException) -> str:
        # The library's message carries the service's code and text on its first line (request
        # IDs and the raw XML follow).
        detail = (getattr(exc, "message", None) or str(exc)).strip().splitlines()[0]
        return self._redactor.clean(f"azure: {what}: {detail}")

    def head_bucket(self, bucket: CloudBucket) -> BucketInfo:
        """The container's properties."""
        container = self._client().get_container_client(bucket.name)
        self._call(
            f'container "az://{bucket.name}"', RemoteBucketNotFound, container.get_container_properties
        )
        return BucketInfo()

    def list_buckets(self) -> list[str]:
        """The account's containers."""
        service = self._client()
        return sorted(
            self._call(
                "list containers", RemoteBucketNotFound, lambda: [c.name for c in service.list_containers()]
            )
        )

    def head_object(self, bucket: CloudBucket, name: str) -> RemoteAttrs:
        """The blob's properties."""
        blob = self._client().get_blob_client(bucket.name, name)
        return _attrs(self._call(_what(bucket, name), RemoteObjectNotFound, blob.get_blob_properties))

    def open_object(self, bucket: CloudBucket, name: str) -> "_BlobReader":
        """A download of the blob, fetched in ranges of READ_CHUNK as it is read."""
        blob = self._client().get_blob_client(bucket.name, name)
        what = _what(bucket, name)
        download = self._call(what, RemoteObjectNotFound, lambda: blob.download_blob(max_concurrency=1))
        return _BlobReader(self, what, download, _attrs(download.properties))

    def put_object(
        self, bucket: CloudBucket, name: str, body: BinaryIO, size: int, user_meta: Mapping[str, str]
    ) -> RemoteAttrs:
        """Upload the blob (in blocks when large), replacing any."""
        blob = self._client().get_blob_client(bucket.name, name)
        what = _what(bucket, name)
        self._call(
            what,
            RemoteBucketNotFound,
            lambda: blob.upload_blob(
                body,
                length=size,
                overwrite=True,
                metadata=dict(user_meta) or None,
                content_settings=ContentSettings(),
                max_concurrency=1,
            ),
        )
        return self.head_object(bucket, name)

    def delete_object(self, bucket: CloudBucket, name: str) -> None:
        """Delete the blob."""
        blob = self._client().get_blob_client(bucket.name, name)
        self._call(_what(bucket, name), RemoteObjectNotFound, blob.delete_blob)

    def list_page(
        self, bucket: CloudBucket, prefix: str, token: str, page_size: int, recursive: bool
    ) -> RemotePage:
        """One page of blobs (and, non-recursive, virtual directories) in name order."""
        container = self._client().get_container_client(bucket.name)
        size = min(page_size, MAX_PAGE)

        def one_page() -> RemotePage:
            found: Any
            if recursive:
                found = container.list_blobs(name_starts_with=prefix or None, results_per_page=size)
            else:
                found = container.walk_blobs(name_starts_with=prefix or None, results_per_page=size)
            pages = found.by_page(continuation_token=token or None)
            items = list(next(pages, []))
            entries = [
                RemoteEntry(item.name, is_dir=True)
                if isinstance(item, BlobPrefix)
                else RemoteEntry(
                    name=item.name,
                    size=int(item.size or 0),
                    etag=str(item.etag or "").strip('"'),
                    version=str(item.etag or "").strip('"'),
                    last_modified=rfc3339(item.last_modified),
                )
                for item in items
            ]
            entries.sort(key=lambda entry: entry.name)
            return RemotePage(entries, str(getattr(pages, "continuation_token", "") or ""))

        return self._call(f'list "az://{bucket.name}"', RemoteBucketNotFound, one_page)


class _BlobReader:
    """A blob download read in pieces."""

    def __init__(self, backend: AzureBackend, what: str, download: Any, attrs: RemoteAttrs) -> None:
        self._backend = backend
        self._what = what
        self._download = download
        self._attrs = attrs

    @property
    def attrs(self) -> RemoteAttrs:
        """The blob's properties at the start of the download."""
        return self._attrs

    def read(self, size: int) -> bytes:
        """The next bytes."""
        return self._backend._call(self._what, RemoteObjectNotFound, lambda: bytes(self._download.read(size)))

    def close(self) -> None:
        """Nothing to release: each range is a request of its own."""


def _what(bucket: CloudBucket, name: str) -> str:
    return f'blob "az://{bucket.name}/{name}"'


def _attrs(props: Any) -> RemoteAttrs:
    """RemoteAttrs of BlobProperties: the ETag doubles as the version."""
    etag = str(props.etag or "").strip('"')
    modified = props.last_modified
    settings = props.content_settings
    md5 = getattr(settings, "content_md5", None)
    return RemoteAttrs(
        size=int(props.size or 0),
        etag=etag,
        version=etag,
        last_modified=rfc3339(modified),
        content_type=str(getattr(settings, "content_type", "") or ""),
        md5=bytes(md5).hex() if md5 else "",
        user_meta=dict(props.metadata or {}),
    )

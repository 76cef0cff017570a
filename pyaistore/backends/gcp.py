"""Google Cloud Storage, on google-cloud-storage.

Credentials come from the library's default chain (`GOOGLE_APPLICATION_CREDENTIALS`, metadata
server, ...), the project from `GOOGLE_CLOUD_PROJECT`. With `STORAGE_EMULATOR_HOST` set the
library talks to that emulator anonymously. A bucket's `extra.gcp.application_creds` names a
service-account file used for that bucket instead.
"""

import base64
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Final, TypeVar

import requests
from google.api_core import exceptions as api_errors
from google.auth import exceptions as auth_errors
from google.cloud import storage
from google.cloud.storage import fileio
from google.cloud.storage.retry import DEFAULT_RETRY
from google.resumable_media import common as media_errors

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
from pyaistore.wire.bucket_id import GCP

__all__ = ["GcpBackend"]

MAX_PAGE: Final = 1000
# Bytes per ranged download request: the memory one open object holds at most.
READ_CHUNK: Final = 8 << 20
DEFAULT_PROJECT: Final = "pyaistore"
# Every call gives up after this (the library's default retries reads for two minutes).
RETRY: Final = DEFAULT_RETRY.with_delay(initial=0.2, multiplier=2.0, maximum=2.0).with_timeout(5.0)
TIMEOUT: Final = (10.0, 60.0)

_T = TypeVar("_T")


class GcpBackend:
    """GCS through storage.Client objects (one default, one per service-account file)."""

    provider = GCP

    def __init__(self, redactor: Redactor, env: Mapping[str, str] | None = None) -> None:
        self._redactor = redactor
        self._env = os.environ if env is None else env
        self._clients: dict[str, storage.Client] = {}
        self._lock = threading.Lock()

    def _client(self, bucket: CloudBucket | None) -> storage.Client:
        creds_file = bucket.setting("application_creds") if bucket is not None else ""
        with self._lock:
            client = self._clients.get(creds_file)
            if client is None:
                project = self._env.get("GOOGLE_CLOUD_PROJECT") or DEFAULT_PROJECT
                try:
                    if creds_file:
                        client = storage.Client.from_service_account_json(creds_file, project=project)
                    else:
                        client = storage.Client(project=project)
                except auth_errors.DefaultCredentialsError as exc:
                    raise RemoteAccessDenied(
                        "gcp: no credentials configured (GOOGLE_APPLICATION_CREDENTIALS, or "
                        "STORAGE_EMULATOR_HOST for an emulator)",
                        401,
                    ) from exc
                except (auth_errors.GoogleAuthError, OSError, ValueError) as exc:
                    raise RemoteAccessDenied(
                        self._redactor.clean(f"gcp: no usable credentials: {exc}"), 401
                    ) from exc
                self._clients[creds_file] = client
        return client

    def _call(self, what: str, missing: type[BackendError], call: Callable[[], _T]) -> _T:
        """Run one library call, translating its failures."""
        try:
            return call()
        except api_errors.NotFound as exc:
            raise missing(self._text(what, exc)) from exc
        except (api_errors.Forbidden, api_errors.Unauthorized) as exc:
            raise RemoteAccessDenied(self._text(what, exc), int(exc.code or 403)) from exc
        except api_errors.GoogleAPICallError as exc:
            status = int(exc.code or 500)
            kind = RemoteUnavailable if status >= 500 else BackendError
            raise kind(self._text(what, exc), status) from exc
        except media_errors.InvalidResponse as exc:
            status = int(getattr(exc.response, "status_code", 500))
            if status == 404:
                raise missing(self._text(what, exc)) from exc
            raise BackendError(self._text(what, exc), status) from exc
        except auth_errors.GoogleAuthError as exc:
            raise RemoteAccessDenied(self._text(what, exc), 401) from exc
        except (requests.RequestException, api_errors.RetryError) as exc:
            raise RemoteUnavailable(self._text(what, exc)) from exc

    def _text(self, what: str, exc: BaseException) -> str:
        detail = getattr(exc, "message", None) or str(exc)
        return self._redactor.clean(f"gcp: {what}: {detail}")

    def head_bucket(self, bucket: CloudBucket) -> BucketInfo:
        """Get the bucket's metadata."""
        client = self._client(bucket)
        found = self._call(
            f'bucket "gs://{bucket.name}"',
            RemoteBucketNotFound,
            lambda: client.get_bucket(bucket.name, retry=RETRY, timeout=TIMEOUT),
        )
        return BucketInfo(versioning=bool(found.versioning_enabled), region=str(found.location or ""))

    def list_buckets(self) -> list[str]:
        """The project's buckets."""
        client = self._client(None)
        return sorted(
            self._call(
                "list buckets",
                RemoteBucketNotFound,
                lambda: [b.name for b in client.list_buckets(retry=RETRY, timeout=TIMEOUT)],
            )
        )

    def _blob(self, bucket: CloudBucket, name: str) -> Any:
        client = self._client(bucket)
        what = _what(bucket, name)
        blob = self._call(
            what,
            RemoteBucketNotFound,
            lambda: client.bucket(bucket.name).get_blob(name, retry=RETRY, timeout=TIMEOUT),
        )
        if blob is None:
            raise RemoteObjectNotFound(f"gcp: {what} does not exist")
        return blob

    def head_object(self, bucket: CloudBucket, name: str) -> RemoteAttrs:
        """The object's metadata."""
        return _attrs(self._blob(bucket, name))

    def open_object(self, bucket: CloudBucket, name: str) -> "_GcsReader":
        """The object's metadata, then its content in ranged requests of READ_CHUNK (this generation).

        The content is read through a blob made here (not the one the metadata came in), so the
        download URL is built from the client's endpoint rather than the server's media link.
        """
        blob = self._blob(bucket, name)
        pinned = self._client(bucket).bucket(bucket.name).blob(name, generation=blob.generation)
        reader = fileio.BlobReader(pinned, chunk_size=READ_CHUNK, retry=RETRY, timeout=TIMEOUT)
        return _GcsReader(self, _what(bucket, name), reader, _attrs(blob))

    def put_object(
        self, bucket: CloudBucket, name: str, body: BinaryIO, size: int, user_meta: Mapping[str, str]
    ) -> RemoteAttrs:
        """Upload (resumable for large objects, as the library decides)."""
        client = self._client(bucket)
        blob = client.bucket(bucket.name).blob(name)
        blob.metadata = dict(user_meta) or None
        what = _what(bucket, name)
        self._call(
            what,
            RemoteBucketNotFound,
            lambda: blob.upload_from_file(body, size=size, rewind=False, retry=None, timeout=TIMEOUT),
        )
        return _attrs(blob)

    def delete_object(self, bucket: CloudBucket, name: str) -> None:
        """Delete the object."""
        client = self._client(bucket)
        self._call(
            _what(bucket, name),
            RemoteObjectNotFound,
            lambda: client.bucket(bucket.name).delete_blob(name, retry=RETRY, timeout=TIMEOUT),
        )

    def list_page(
        self, bucket: CloudBucket, prefix: str, token: str, page_size: int, recursive: bool
    ) -> RemotePage:
        """One page of list-objects; non-recursive pages list prefixes as directories."""
        client = self._client(bucket)

        def one_page() -> RemotePage:
            found = client.list_blobs(
                bucket.name,
                prefix=prefix or None,
                delimiter=None if recursive else "/",
                max_results=min(page_size, MAX_PAGE),
                page_token=token or None,
                retry=RETRY,
                timeout=TIMEOUT,
            )
            page = next(found.pages, None)
            entries = [
                RemoteEntry(
                    name=blob.name,
                    size=int(blob.size or 0),
                    etag=str(blob.etag or ""),
                    version=str(blob.generation or ""),
                    last_modified=rfc3339(blob.updated),
                )
                for blob in (page or [])
            ]
            entries += [RemoteEntry(str(name), is_dir=True) for name in found.prefixes]
            entries.sort(key=lambda entry: entry.name)
            return RemotePage(entries, str(found.next_page_token or ""))

        return self._call(f'list "gs://{bucket.name}"', RemoteBucketNotFound, one_page)


class _GcsReader:
    """A blob read through the library's BlobReader."""

    def __init__(self, backend: GcpBackend, what: str, reader: Any, attrs: RemoteAttrs) -> None:
        self._backend = backend
        self._what = what
        self._reader = reader
        self._attrs = attrs

    @property
    def attrs(self) -> RemoteAttrs:
        """The blob's attributes."""
        return self._attrs

    def read(self, size: int) -> bytes:
        """The next bytes (one ranged request per READ_CHUNK)."""
        return self._backend._call(self._what, RemoteObjectNotFound, lambda: bytes(self._reader.read(size)))

    def close(self) -> None:
        """Drop the buffer."""
        self._reader.close()


def _what(bucket: CloudBucket, name: str) -> str:
    return f'object "gs://{bucket.name}/{name}"'


def _attrs(blob: Any) -> RemoteAttrs:
    """RemoteAttrs of a blob: the generation is its version; md5 in hex, crc32c as GCS reports it."""
    updated = blob.updated
    return RemoteAttrs(
        size=int(blob.size or 0),
        etag=str(blob.etag or ""),
        version=str(blob.generation or ""),
        last_modified=rfc3339(updated),
        content_type=str(blob.content_type or ""),
        md5=base64.b64decode(blob.md5_hash).hex() if blob.md5_hash else "",
        crc32c=str(blob.crc32c or ""),
        user_meta=dict(blob.metadata or {}),
    )

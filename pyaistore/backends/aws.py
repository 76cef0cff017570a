"""Amazon S3 and S3-compatible stores, on boto3.

Credentials and endpoint come from boto3's standard chain (`AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, shared files, `AWS_ENDPOINT_URL`, ...), plus AIS's
`S3_ENDPOINT` as the default endpoint; a bucket's `extra.aws.endpoint`, `profile` and
`cloud_region` override them for that bucket (one client per distinct combination).
"""

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Final, TypeVar

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

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
from pyaistore.wire.bucket_id import AWS

__all__ = ["AwsBackend"]

MAX_PAGE: Final = 1000
# Objects up to this size go up in one PUT; larger ones in parts of this size (S3's minimum is 5 MiB).
MULTIPART_SIZE: Final = 64 << 20
DEFAULT_REGION: Final = "us-east-1"
_NOT_FOUND: Final = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchVersion"})
_NO_BUCKET: Final = frozenset({"NoSuchBucket"})
_DENIED: Final = frozenset(
    {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"}
)

_T = TypeVar("_T")


class AwsBackend:
    """S3 through boto3 clients, one per (endpoint, profile, region), shared by all threads."""

    provider = AWS

    def __init__(self, redactor: Redactor, env: Mapping[str, str] | None = None, pool_size: int = 64) -> None:
        self._redactor = redactor
        self._env = os.environ if env is None else env
        self._pool_size = pool_size
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    def _client(self, bucket: CloudBucket | None) -> Any:
        settings = bucket.settings if bucket is not None else {}
        endpoint = settings.get("endpoint") or self._env.get("S3_ENDPOINT", "")
        profile = settings.get("profile", "")
        region = settings.get("region") or self._env.get("AWS_REGION") or self._env.get("AWS_DEFAULT_REGION")
        key = (endpoint, profile, region or DEFAULT_REGION)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                session = boto3.session.Session(profile_name=profile or None)
                config = Config(
                    max_pool_connections=self._pool_size,
                    retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=10,
                    read_timeout=60,
                )
                client = session.client(
                    "s3", endpoint_url=endpoint or None, region_name=key[2], config=config
                )
                self._clients[key] = client
        return client

    def _call(self, what: str, missing: type[BackendError], call: Callable[[], _T]) -> _T:
        """Run one boto3 call, translating its failures (ClientError by code and status)."""
        try:
            return call()
        except ClientError as exc:
            raise self._translate(what, missing, exc) from exc
        except NoCredentialsError as exc:
            raise RemoteAccessDenied(f"aws: {what}: no credentials configured", 401) from exc
        except BotoCoreError as exc:
            raise RemoteUnavailable(self._redactor.clean(f"aws: {what}: {exc}")) from exc

    def _translate(self, what: str, missing: type[BackendError], exc: ClientError) -> BackendError:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500)
        text = self._redactor.clean(f"aws: {what}: {code}: {error.get('Message') or exc}")
        if code in _NO_BUCKET:
            return RemoteBucketNotFound(text)
        if code in _NOT_FOUND or status == 404:
            return missing(text)
        if code in _DENIED or status in (401, 403):
            return RemoteAccessDenied(text, status if status in (401, 403) else 403)
        if status >= 500:
            return RemoteUnavailable(text, status)
        return BackendError(text, status)

    def head_bucket(self, bucket: CloudBucket) -> BucketInfo:
        """HeadBucket, then GetBucketVersioning."""
        client = self._client(bucket)
        what = f'bucket "s3://{bucket.name}"'
        reply = self._call(what, RemoteBucketNotFound, lambda: client.head_bucket(Bucket=bucket.name))
        region = reply.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-bucket-region", "")
        versioning = self._call(
            what, RemoteBucketNotFound, lambda: client.get_bucket_versioning(Bucket=bucket.name)
        )
        return BucketInfo(versioning=versioning.get("Status") == "Enabled", region=region)

    def list_buckets(self) -> list[str]:
        """ListBuckets."""
        client = self._client(None)
        reply = self._call("list buckets", RemoteBucketNotFound, client.list_buckets)
        return sorted(str(item["Name"]) for item in reply.get("Buckets", []))

    def head_object(self, bucket: CloudBucket, name: str) -> RemoteAttrs:
        """HeadObject."""
        client = self._client(bucket)
        reply = self._call(
            _what(bucket, name),
            RemoteObjectNotFound,
            lambda: client.head_object(Bucket=bucket.name, Key=name),
        )
        return _attrs(reply)

    def open_object(self, bucket: CloudBucket, name: str) -> "_S3Reader":
        """GetObject, streaming."""
        client = self._client(bucket)
        what = _what(bucket, name)
        reply = self._call(
            what, RemoteObjectNotFound, lambda: client.get_object(Bucket=bucket.name, Key=name)
        )
        return _S3Reader(self, what, reply)

    def put_object(
        self, bucket: CloudBucket, name: str, body: BinaryIO, size: int, user_meta: Mapping[str, str]
    ) -> RemoteAttrs:
        """PutObject, or a multipart upload for large objects; returns what HeadObject says after."""
        client = self._client(bucket)
        what = _what(bucket, name)
        metadata = dict(user_meta)
        if size <= MULTIPART_SIZE:
            self._call(
                what,
                RemoteBucketNotFound,
                lambda: client.put_object(
                    Bucket=bucket.name, Key=name, Body=body, ContentLength=size, Metadata=metadata
                ),
            )
        else:
            transfer = TransferConfig(multipart_threshold=MULTIPART_SIZE, multipart_chunksize=MULTIPART_SIZE)
            self._call(
                what,
                RemoteBucketNotFound,
                lambda: client.upload_fileobj(
                    body, bucket.name, name, ExtraArgs={"Metadata": metadata}, Config=transfer
                ),
            )
        return self.head_object(bucket, name)

    def delete_object(self, bucket: CloudBucket, name: str) -> None:
        """DeleteObject (S3 answers success for a missing key, and so does this)."""
        client = self._client(bucket)
        self._call(
            _what(bucket, name),
            RemoteObjectNotFound,
            lambda: client.delete_object(Bucket=bucket.name, Key=name),
        )

    def list_page(
        self, bucket: CloudBucket, prefix: str, token: str, page_size: int, recursive: bool
    ) -> RemotePage:
        """ListObjectsV2: objects (and, non-recursive, common prefixes as directories) in name order."""
        client = self._client(bucket)
        args: dict[str, Any] = {"Bucket": bucket.name, "Prefix": prefix, "MaxKeys": min(page_size, MAX_PAGE)}
        if token:
            args["ContinuationToken"] = token
        if not recursive:
            args["Delimiter"] = "/"
        reply = self._call(
            f'list "s3://{bucket.name}"', RemoteBucketNotFound, lambda: client.list_objects_v2(**args)
        )
        entries = [
            RemoteEntry(
                name=str(item["Key"]),
                size=int(item.get("Size", 0)),
                etag=str(item.get("ETag", "")).strip('"'),
                last_modified=rfc3339(item.get("LastModified")),
            )
            for item in reply.get("Contents", [])
        ]
        entries += [RemoteEntry(str(item["Prefix"]), is_dir=True) for item in reply.get("CommonPrefixes", [])]
        entries.sort(key=lambda entry: entry.name)
        return RemotePage(entries, str(reply.get("NextContinuationToken") or ""))


class _S3Reader:
    """An S3 GetObject body, read in pieces."""

    def __init__(self, backend: AwsBackend, what: str, reply: dict[str, Any]) -> None:
        self._backend = backend
        self._what = what
        self._body = reply["Body"]
        self._attrs = _attrs(reply)

    @property
    def attrs(self) -> RemoteAttrs:
        """The object's attributes from the GetObject reply."""
        return self._attrs

    def read(self, size: int) -> bytes:
        """The next bytes of the body."""
        return self._backend._call(self._what, RemoteObjectNotFound, lambda: bytes(self._body.read(size)))

    def close(self) -> None:
        """Release the connection."""
        self._body.close()


def _what(bucket: CloudBucket, name: str) -> str:
    return f'object "s3://{bucket.name}/{name}"'


def _attrs(reply: Mapping[str, Any]) -> RemoteAttrs:
    """RemoteAttrs of a HeadObject or GetObject reply (a VersionId of "null" means unversioned)."""
    modified = reply.get("LastModified")
    version = str(reply.get("VersionId") or "")
    etag = str(reply.get("ETag", "")).strip('"')
    return RemoteAttrs(
        size=int(reply.get("ContentLength", 0)),
        etag=etag,
        version="" if version == "null" else version,
        last_modified=rfc3339(modified),
        content_type=str(reply.get("ContentType") or ""),
        # A single-part upload's ETag is the content's MD5 (multipart ones carry a "-N" suffix).
        md5=etag if len(etag) == 32 and "-" not in etag else "",
        user_meta=dict(reply.get("Metadata") or {}),
    )

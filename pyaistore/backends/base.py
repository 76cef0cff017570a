"""The seam between a target and remote storage: one protocol per provider, its values and errors.

A `Backend` is blocking (the providers' maintained client libraries are): the target calls it
in the registry's thread pool (`BackendRegistry.run`), never on its event loop. Every failure
leaves a backend as one of these, translated at the boundary with `raise ... from`; messages
carry the provider's own words and never a credential (`Redactor`):

    BackendError                   a backend refused or failed: `status` is the HTTP answer
    ├── RemoteBucketNotFound       no such bucket at the provider            -> 404 ErrRemoteBckNotFound
    ├── RemoteObjectNotFound       no such object at the provider            -> 404 ErrObjNotFound
    ├── RemoteAccessDenied         credentials missing, wrong or refused     -> 401 / 403
    ├── RemoteUnavailable          unreachable, timed out or failing (5xx)   -> 503 (or the provider's 5xx)
    └── BackendNotImplemented      no backend for the provider (hdfs, oci), or an operation it
                                   cannot do (writing to an ht:// origin)    -> 501
"""

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Final, Protocol

__all__ = [
    "SECRET_VARIABLES",
    "Backend",
    "BackendError",
    "BackendNotImplemented",
    "BucketInfo",
    "CloudBucket",
    "Redactor",
    "RemoteAccessDenied",
    "RemoteAttrs",
    "RemoteBucketNotFound",
    "RemoteEntry",
    "RemoteObjectNotFound",
    "RemotePage",
    "RemoteReader",
    "RemoteUnavailable",
    "rfc3339",
]

# Environment variables whose values are secrets: never in a message or a log line.
SECRET_VARIABLES: Final = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_SAS_TOKEN",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
)
_HIDDEN: Final = "***"
# Secrets shorter than this are not searched for (they would mask ordinary words).
_MIN_SECRET: Final = 6


def rfc3339(value: object) -> str:
    """RFC 3339 text of a datetime (listings); "" for anything else."""
    return value.isoformat() if isinstance(value, datetime) else ""


class BackendError(Exception):
    """A backend refused or failed; `status` is the HTTP status the client gets."""

    status = 500

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class RemoteBucketNotFound(BackendError):
    """The provider has no such bucket."""

    status = 404


class RemoteObjectNotFound(BackendError):
    """The provider has no such object."""

    status = 404


class RemoteAccessDenied(BackendError):
    """The provider refused the credentials (or there are none)."""

    status = 403


class RemoteUnavailable(BackendError):
    """The provider could not be reached, timed out, or failed on its side."""

    status = 503


class BackendNotImplemented(BackendError):
    """No backend serves this provider, or the backend cannot do this operation."""

    status = 501


class Redactor:
    """Removes secret values (credentials from the environment or a bucket's settings) from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        found = {value for value in secrets if value and len(value) >= _MIN_SECRET}
        # Longest first: a secret containing another is replaced whole.
        self._secrets = tuple(sorted(found, key=len, reverse=True))

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> "Redactor":
        """The secrets of the standard credential variables (and each part of a connection string)."""
        source = os.environ if env is None else env
        values = [source.get(name, "") for name in SECRET_VARIABLES]
        for text in list(values):
            for part in text.split(";"):
                key, _, value = part.partition("=")
                if key.strip().lower() in ("accountkey", "sharedaccesssignature"):
                    values.append(value.strip())
        return cls(values)

    def clean(self, text: str) -> str:
        """`text` with every known secret replaced by ***."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _HIDDEN)
        return text


@dataclass(frozen=True, slots=True)
class CloudBucket:
    """A bucket as a backend addresses it: name, provider and the bucket's own settings.

    `settings` hold what the bucket's properties or the cluster say about reaching it, such as
    `endpoint`, `profile`, `region` (aws), `original_url` (ht), `url` (a remote AIS cluster).
    """

    name: str
    provider: str
    settings: Mapping[str, str] = field(default_factory=dict)

    @property
    def cname(self) -> str:
        """provider://name, for messages."""
        return f"{self.provider}://{self.name}"

    def setting(self, key: str) -> str:
        """One setting, "" when unset."""
        return self.settings.get(key, "")


@dataclass(frozen=True, slots=True)
class BucketInfo:
    """What a backend says about a bucket that its properties take over."""

    versioning: bool = False
    region: str = ""
    # A remote AIS cluster's UUID (the bucket table keys its buckets by it).
    uuid: str = ""


@dataclass(frozen=True, slots=True)
class RemoteAttrs:
    """A remote object's attributes as the provider reports them."""

    size: int
    etag: str = ""
    version: str = ""
    # RFC 3339 (a custom-metadata value: no commas, unlike an HTTP date).
    last_modified: str = ""
    content_type: str = ""
    md5: str = ""
    crc32c: str = ""
    user_meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteEntry:
    """One entry of a provider's listing: an object, or a virtual directory (name ends with /)."""

    name: str
    size: int = 0
    etag: str = ""
    version: str = ""
    last_modified: str = ""
    is_dir: bool = False


@dataclass(frozen=True, slots=True)
class RemotePage:
    """A page of a provider's listing and the provider's own continuation token ("" at the end)."""

    entries: list[RemoteEntry]
    token: str = ""


class RemoteReader(Protocol):
    """An open remote object: its attributes, then its bytes in order (blocking reads)."""

    @property
    def attrs(self) -> RemoteAttrs:
        """The object's attributes (known once it is open)."""
        ...

    def read(self, size: int) -> bytes:
        """Up to `size` next bytes; b"" at the end."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Backend(Protocol):
    """Remote storage of one provider. Every method blocks; every failure is a BackendError."""

    provider: str

    def head_bucket(self, bucket: CloudBucket) -> BucketInfo:
        """The bucket's versioning and location; RemoteBucketNotFound when it does not exist."""
        ...

    def list_buckets(self) -> list[str]:
        """The names of the buckets these credentials see."""
        ...

    def head_object(self, bucket: CloudBucket, name: str) -> RemoteAttrs:
        """The object's attributes; RemoteObjectNotFound when it does not exist."""
        ...

    def open_object(self, bucket: CloudBucket, name: str) -> RemoteReader:
        """Open the whole object for reading."""
        ...

    def put_object(
        self, bucket: CloudBucket, name: str, body: BinaryIO, size: int, user_meta: Mapping[str, str]
    ) -> RemoteAttrs:
        """Store `size` bytes read from `body` as the object; returns the stored attributes."""
        ...

    def delete_object(self, bucket: CloudBucket, name: str) -> None:
        """Delete the object; RemoteObjectNotFound when it does not exist."""
        ...

    def list_page(
        self, bucket: CloudBucket, prefix: str, token: str, page_size: int, recursive: bool
    ) -> RemotePage:
        """One page of names under `prefix` after `token` (the provider's), in the provider's order.

        Non-recursive pages hold the objects directly under the prefix and one entry per
        virtual subdirectory.
        """
        ...

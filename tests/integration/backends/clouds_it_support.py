"""One adapter per stand-in with the same face: make a bucket, write, read and delete objects with
the provider's own client (never through the cluster), count the cluster's fetches of an object,
and cut the cluster off from the stand-in.
"""

import itertools
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote

import boto3
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient
from google.api_core.exceptions import NotFound
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from stand_ins_it_support import CountingProxy, HttpOrigin, azure_connection_string

from pyaistore.sdk import Bucket, Client, Namespace
from pyaistore.sdk.errors import ErrObjNotFound
from pyaistore.sdk.types import ActionMsg

_names = itertools.count()


def unique(prefix: str) -> str:
    """A bucket name no other test uses."""
    return f"{prefix}-{next(_names)}"


class Cloud(Protocol):
    """What the backend tests need of each stand-in."""

    provider: str
    writable: bool
    listable: bool

    def new_bucket(self) -> str:
        """Create a bucket at the stand-in; its name."""
        ...

    def sdk_bucket(self, client: Client, name: str) -> Bucket:
        """The cluster's view of that bucket."""
        ...

    def put(self, bucket: str, name: str, data: bytes) -> None:
        """Write an object with the provider's own client."""
        ...

    def get(self, bucket: str, name: str) -> bytes | None:
        """Read an object with the provider's own client (None when it does not exist)."""
        ...

    def delete(self, bucket: str, name: str) -> None:
        """Delete an object with the provider's own client."""
        ...

    def fetches(self, bucket: str, name: str) -> int:
        """How many content GETs of the object the cluster made of the stand-in."""
        ...

    def unreachable(self) -> AbstractContextManager[None]:
        """The cluster cannot reach the stand-in inside the block."""
        ...


class S3Cloud:
    """moto, reached by the cluster through a counting proxy."""

    provider = "aws"
    writable = True
    listable = True

    def __init__(self, direct: str, proxy: CountingProxy) -> None:
        self.proxy = proxy
        self.client = boto3.client(
            "s3",
            endpoint_url=direct,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def new_bucket(self) -> str:
        name = unique("s3b")
        self.client.create_bucket(Bucket=name)
        return name

    def sdk_bucket(self, client: Client, name: str) -> Bucket:
        return client.bucket(name, provider="s3")

    def put(self, bucket: str, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=bucket, Key=name, Body=data)

    def get(self, bucket: str, name: str) -> bytes | None:
        try:
            return bytes(self.client.get_object(Bucket=bucket, Key=name)["Body"].read())
        except self.client.exceptions.NoSuchKey:
            return None

    def delete(self, bucket: str, name: str) -> None:
        self.client.delete_object(Bucket=bucket, Key=name)

    def fetches(self, bucket: str, name: str) -> int:
        path = f"/{bucket}/{quote(name)}"
        return int(self.proxy.count(lambda method, seen: method == "GET" and seen.split("?")[0] == path))

    def unreachable(self) -> AbstractContextManager[None]:
        cut: AbstractContextManager[None] = self.proxy.unreachable()
        return cut


class GcsCloud:
    """gcp-storage-emulator, reached by the cluster through a counting proxy."""

    provider = "gcp"
    writable = True
    listable = True

    def __init__(self, direct: str, proxy: CountingProxy) -> None:
        self.proxy = proxy
        self.client = storage.Client(
            project="test",
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options={"api_endpoint": direct},
        )

    def new_bucket(self) -> str:
        name = unique("gsb")
        self.client.create_bucket(name)
        return name

    def sdk_bucket(self, client: Client, name: str) -> Bucket:
        return client.bucket(name, provider="gs")

    def put(self, bucket: str, name: str, data: bytes) -> None:
        self.client.bucket(bucket).blob(name).upload_from_string(data)

    def get(self, bucket: str, name: str) -> bytes | None:
        try:
            return bytes(self.client.bucket(bucket).blob(name).download_as_bytes())
        except NotFound:
            return None

    def delete(self, bucket: str, name: str) -> None:
        self.client.bucket(bucket).blob(name).delete()

    def fetches(self, bucket: str, name: str) -> int:
        def media(method: str, seen: str) -> bool:
            path, _, query = seen.partition("?")
            return (
                method == "GET" and "alt=media" in query and unquote(path).endswith(f"/b/{bucket}/o/{name}")
            )

        return int(self.proxy.count(media))

    def unreachable(self) -> AbstractContextManager[None]:
        cut: AbstractContextManager[None] = self.proxy.unreachable()
        return cut


class AzureCloud:
    """Azurite, reached by the cluster through a counting proxy."""

    provider = "azure"
    writable = True
    listable = True

    def __init__(self, direct: str, proxy: CountingProxy) -> None:
        self.proxy = proxy
        self.client = BlobServiceClient.from_connection_string(azure_connection_string(direct))

    def new_bucket(self) -> str:
        name = unique("azb")
        self.client.create_container(name)
        return name

    def sdk_bucket(self, client: Client, name: str) -> Bucket:
        return client.bucket(name, provider="az")

    def put(self, bucket: str, name: str, data: bytes) -> None:
        self.client.get_blob_client(bucket, name).upload_blob(data, overwrite=True)

    def get(self, bucket: str, name: str) -> bytes | None:
        try:
            return bytes(self.client.get_blob_client(bucket, name).download_blob().readall())
        except ResourceNotFoundError:
            return None

    def delete(self, bucket: str, name: str) -> None:
        self.client.get_blob_client(bucket, name).delete_blob()

    def fetches(self, bucket: str, name: str) -> int:
        path = f"/devstoreaccount1/{bucket}/{quote(name)}"
        return int(self.proxy.count(lambda method, seen: method == "GET" and seen.split("?")[0] == path))

    def unreachable(self) -> AbstractContextManager[None]:
        cut: AbstractContextManager[None] = self.proxy.unreachable()
        return cut


class HttpCloud:
    """A local HTTP origin: each bucket is a directory of it, registered with its origin URL."""

    provider = "ht"
    writable = False
    listable = False

    def __init__(self, origin: HttpOrigin, cluster: Client) -> None:
        self.origin = origin
        self.cluster = cluster

    def new_bucket(self) -> str:
        name = unique("site")
        (self.origin.root / name).mkdir()
        # An ht:// bucket is registered with its origin (create-bck with extra.http.original_url).
        props = {"extra": {"http": {"original_url": f"{self.origin.url}/{name}"}}}
        self.cluster.request_client.request(
            "POST",
            f"buckets/{name}",
            params={"provider": "ht"},
            json=ActionMsg("create-bck", value=props).to_json(),
        )
        return name

    def sdk_bucket(self, client: Client, name: str) -> Bucket:
        return client.bucket(name, provider="ht")

    def put(self, bucket: str, name: str, data: bytes) -> None:
        path = self.origin.root / bucket / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, bucket: str, name: str) -> bytes | None:
        path = self.origin.root / bucket / name
        return path.read_bytes() if path.is_file() else None

    def delete(self, bucket: str, name: str) -> None:
        (self.origin.root / bucket / name).unlink()

    def fetches(self, bucket: str, name: str) -> int:
        return sum(1 for path in list(self.origin.gets) if path == f"/{bucket}/{name}")

    def unreachable(self) -> AbstractContextManager[None]:
        cut: AbstractContextManager[None] = self.origin.unreachable()
        return cut


class RemoteAisCloud:
    """A second pyaistore cluster, attached to the one under test as `alias` through a counting proxy."""

    provider = "ais"
    writable = True
    listable = True

    def __init__(self, direct: str, proxy: CountingProxy, alias: str) -> None:
        self.proxy = proxy
        self.alias = alias
        self.client = Client(direct)

    def new_bucket(self) -> str:
        name = unique("rb")
        self.client.bucket(name).create()
        return name

    def sdk_bucket(self, client: Client, name: str) -> Bucket:
        return client.bucket(name, provider="ais", namespace=Namespace(uuid=self.alias))

    def put(self, bucket: str, name: str, data: bytes) -> None:
        self.client.bucket(bucket).object(name).get_writer().put_content(data)

    def get(self, bucket: str, name: str) -> bytes | None:
        try:
            return self.client.bucket(bucket).object(name).get_reader().read_all()
        except ErrObjNotFound:
            return None

    def delete(self, bucket: str, name: str) -> None:
        self.client.bucket(bucket).object(name).delete()

    def fetches(self, bucket: str, name: str) -> int:
        path = f"/v1/objects/{bucket}/{quote(name)}"
        return int(self.proxy.count(lambda method, seen: method == "GET" and seen.split("?")[0] == path))

    def unreachable(self) -> AbstractContextManager[None]:
        cut: AbstractContextManager[None] = self.proxy.unreachable()
        return cut


def node_logs(log_dir: Path) -> Iterator[tuple[str, str]]:
    """(file name, text) of every node log of a cluster."""
    for path in sorted(log_dir.glob("*.log")):
        yield path.name, path.read_text(errors="replace")


def props_of(bucket: Bucket) -> dict[str, Any]:
    """A bucket's properties as HEAD returns them."""
    return dict(json.loads(bucket.head()["Ais-Bucket-Props"]))

"""GET with archpath/archregx answers with the archived file(s), never with the whole shard.

The official SDK sends both archpath and archregx whenever an ArchiveConfig is given (one of them
empty); the server must treat the empty one as absent (reference §3.3).
"""

import io
import secrets
import tarfile
from collections.abc import Iterator

import pytest
from aistore.sdk import Client
from aistore.sdk.archive_config import ArchiveConfig, ArchiveMode
from aistore.sdk.bucket import Bucket

from pyaistore.server.local_cluster import LocalCluster


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _names(tar_bytes: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return tar.getnames()


@pytest.fixture()
def bucket(cluster: LocalCluster) -> Iterator[Bucket]:
    created = Client(cluster.endpoint).bucket(f"compat-arch-{secrets.token_hex(4)}")
    created.create()
    yield created
    created.delete(missing_ok=True)


def test_archpath_answers_the_archived_file(bucket: Bucket) -> None:
    shard = _tar({"a.txt": b"alpha", "b.txt": b"beta"})
    bucket.object("x.tar").get_writer().put_content(shard)
    reader = bucket.object("x.tar").get_reader(archive_config=ArchiveConfig(archpath="a.txt"))
    assert reader.read_all() == b"alpha"
    assert bucket.object("x.tar").get_reader().read_all() == shard


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (ArchiveConfig(regex="a", mode=ArchiveMode.PREFIX), ["a.txt"]),
        (ArchiveConfig(regex=".txt", mode=ArchiveMode.SUFFIX), ["a.txt", "b.txt"]),
    ],
    ids=["archregx-prefix", "archregx-suffix"],
)
def test_archregx_answers_a_tar_of_the_matches(
    bucket: Bucket, config: ArchiveConfig, expected: list[str]
) -> None:
    bucket.object("x.tar").get_writer().put_content(_tar({"a.txt": b"alpha", "b.txt": b"beta"}))
    assert _names(bucket.object("x.tar").get_reader(archive_config=config).read_all()) == expected

"""GET with archpath/archregx never answers with the whole shard.

AIStore answers these with the archived file (or a tar of the matching files) or an error. Until
pyaistore reads inside archives it must refuse (501) rather than send the shard's own bytes.
"""

import io
import secrets
import tarfile
from collections.abc import Iterator

import pytest
from aistore.sdk import Client
from aistore.sdk.archive_config import ArchiveConfig, ArchiveMode
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError

from pyaistore.server.local_cluster import LocalCluster


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture()
def bucket(cluster: LocalCluster) -> Iterator[Bucket]:
    created = Client(cluster.endpoint).bucket(f"compat-arch-{secrets.token_hex(4)}")
    created.create()
    yield created
    created.delete(missing_ok=True)


@pytest.mark.parametrize(
    "config",
    [
        ArchiveConfig(archpath="a.txt"),
        ArchiveConfig(regex="a", mode=ArchiveMode.PREFIX),
        ArchiveConfig(regex=".txt", mode=ArchiveMode.SUFFIX),
    ],
    ids=["archpath", "archregx-prefix", "archregx-suffix"],
)
def test_archive_read_is_refused_not_answered_with_the_shard(bucket: Bucket, config: ArchiveConfig) -> None:
    shard = _tar({"a.txt": b"alpha", "b.txt": b"beta"})
    bucket.object("x.tar").get_writer().put_content(shard)
    with pytest.raises(AISError) as info:
        bucket.object("x.tar").get_reader(archive_config=config).read_all()
    assert info.value.status_code == 501
    assert f"ais://{bucket.name}/x.tar" in info.value.message
    assert bucket.object("x.tar").get_reader().read_all() == shard

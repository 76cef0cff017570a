"""A missing ETL is ErrETLNotFound in our SDK, whichever request names it."""

import uuid
from collections.abc import Iterator

import pytest

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import ErrETLNotFound
from pyaistore.sdk.etl.etl_config import ETLConfig
from pyaistore.server.local_cluster import LocalCluster

MISSING = "no-such-etl"


@pytest.fixture()
def source(cluster: LocalCluster) -> Iterator[Bucket]:
    """A bucket with one object, destroyed afterwards."""
    bucket = Client(cluster.endpoint).bucket(f"etl-nf-{uuid.uuid4().hex[:8]}").create()
    bucket.object("o").get_writer().put_content(b"data")
    yield bucket
    bucket.delete(missing_ok=True)


def test_view_of_a_missing_etl(cluster: LocalCluster) -> None:
    with pytest.raises(ErrETLNotFound):
        Client(cluster.endpoint).etl(MISSING).view()


def test_inline_get_through_a_missing_etl(source: Bucket) -> None:
    with pytest.raises(ErrETLNotFound):
        source.object("o").get(etl_id=MISSING).read_all()
    with pytest.raises(ErrETLNotFound):
        source.object("o").get_reader(etl=ETLConfig(name=MISSING)).read_all()


def test_offline_transform_with_a_missing_etl(source: Bucket) -> None:
    with pytest.raises(ErrETLNotFound):
        source.transform(MISSING, to_bck=f"{source.name}-out")

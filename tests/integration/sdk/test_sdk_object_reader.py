"""get_reader(): ranges, file-like reads, direct reads and attributes against a real cluster."""

import io

import pytest

from pyaistore.sdk import Bucket
from pyaistore.sdk.errors import AISError, ErrObjNotFound

DATA = bytes(range(256)) * 64  # 16 KiB


@pytest.fixture()
def stored(bucket: Bucket) -> Bucket:
    bucket.object("data").put(content=DATA)
    return bucket


def test_reader_is_lazy(stored: Bucket) -> None:
    reader = stored.object("missing").get_reader()
    with pytest.raises(ErrObjNotFound):
        reader.read_all()


@pytest.mark.parametrize(
    ("byte_range", "expected"),
    [("bytes=0-9", DATA[:10]), ("bytes=100-", DATA[100:]), ("bytes=-5", DATA[-5:])],
)
def test_byte_ranges(stored: Bucket, byte_range: str, expected: bytes) -> None:
    reader = stored.object("data").get_reader(byte_range=byte_range)
    assert reader.read_all() == expected
    assert reader.content_length == len(expected)


def test_unsatisfiable_range(stored: Bucket) -> None:
    with pytest.raises(AISError) as info:
        stored.object("data").get_reader(byte_range=f"bytes={len(DATA) + 10}-").read_all()
    assert info.value.status_code == 416


def test_as_file_reads_in_pieces(stored: Bucket) -> None:
    with stored.object("data").get_reader(chunk_size=1000).as_file() as file:
        assert file.read(10) == DATA[:10]
        assert file.read(5000) == DATA[10:5010]
        assert file.read() == DATA[5010:]
        assert file.read() == b""
    with pytest.raises(ValueError):
        file.read()
    with pytest.raises(ValueError):
        stored.object("data").get_reader().as_file(max_resume=-1)


def test_as_file_of_a_range(stored: Bucket) -> None:
    with stored.object("data").get_reader(byte_range="bytes=1000-1999").as_file() as file:
        assert file.read() == DATA[1000:2000]


def test_writer_argument(stored: Bucket) -> None:
    sink = io.BytesIO()
    stored.object("data").get_reader(writer=sink)  # type: ignore[arg-type]
    assert sink.getvalue() == DATA


def test_direct_read_skips_the_proxy(stored: Bucket) -> None:
    reader = stored.object("data").get_reader(direct=True)
    assert reader.read_all() == DATA


def test_attributes_and_head(stored: Bucket) -> None:
    reader = stored.object("data").get_reader()
    attributes = reader.head()
    assert attributes.size == len(DATA)
    assert attributes.present
    assert attributes.checksum_type
    assert reader.attributes is attributes
    reader.read_all()
    assert reader.attributes.checksum_value == attributes.checksum_value


def test_iteration(stored: Bucket) -> None:
    chunks = list(stored.object("data").get_reader(chunk_size=4096))
    assert b"".join(chunks) == DATA
    assert max(len(chunk) for chunk in chunks) <= 4096

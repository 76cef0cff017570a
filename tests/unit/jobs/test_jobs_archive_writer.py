"""ArchiveWriter streams entries into each format; TarBlocks reads a tar's entries back for appends."""

import asyncio
import io
import tarfile
import zipfile
from collections.abc import AsyncIterator

import lz4.frame
import pytest

from pyaistore.jobs.archive_writer import ArchiveWriter, TarBlocks
from pyaistore.storage.errors import ArchiveError

ENTRIES = {"a.txt": b"alpha" * 300, "dir/b.bin": bytes(range(256)) * 9, "empty": b"", "ü/nicode": b"x"}


async def _chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _write(archive_format: str, entries: dict[str, bytes]) -> bytes:
    out = bytearray()

    async def emit(data: bytes) -> None:
        out.extend(data)

    async def run() -> None:
        writer = ArchiveWriter(archive_format, emit)
        for name, data in entries.items():
            await writer.add(name, len(data), 1_700_000_000 * 10**9, _chunks(data))
        await writer.close()

    asyncio.run(run())
    return bytes(out)


def _read(archive_format: str, data: bytes) -> dict[str, bytes]:
    if archive_format == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist()}
    if archive_format == ".tar.lz4":
        data = lz4.frame.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


@pytest.mark.parametrize("archive_format", [".tar", ".tgz", ".zip", ".tar.lz4"])
def test_round_trip(archive_format: str) -> None:
    assert _read(archive_format, _write(archive_format, ENTRIES)) == ENTRIES


def test_plain_tar_is_ustar_and_ends_with_two_zero_blocks() -> None:
    data = _write(".tar", {"a": b"1"})
    assert data[257:262] == b"ustar" and data.endswith(bytes(1024)) and len(data) % 512 == 0


def test_an_entry_shorter_than_announced_fails() -> None:
    async def run() -> None:
        async def emit(_: bytes) -> None:
            return None

        await ArchiveWriter(".tar", emit).add("a", 10, 0, _chunks(b"12345"))

    with pytest.raises(ArchiveError):
        asyncio.run(run())


def test_tar_blocks_stop_at_the_end_of_the_archive() -> None:
    data = _write(".tar", ENTRIES) + b"trailing garbage"
    blocks = TarBlocks()
    kept = b"".join(blocks.feed(data[i : i + 333]) for i in range(0, len(data), 333))
    assert blocks.ended
    assert _read(".tar", kept + bytes(1024)) == ENTRIES


def test_tar_blocks_reject_a_corrupt_header() -> None:
    with pytest.raises(ArchiveError):
        TarBlocks().feed(b"x" * 512)

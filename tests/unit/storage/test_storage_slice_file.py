"""slice_file: sequential reads for the decoder, ranged reads for sending, closing."""

import os
from pathlib import Path

import pytest

from pyaistore.storage.slice_file import SliceFile
from pyaistore.wire.erasure_code import SliceMeta

META = SliceMeta(10, 1, "none", "", "1", 2, 1, 8, 1)


def _open(tmp_path: Path, data: bytes) -> SliceFile:
    path = tmp_path / "piece"
    path.write_bytes(data)
    return SliceFile(os.open(path, os.O_RDONLY), META, len(data))


def test_sequential_and_ranged_reads_are_independent(tmp_path: Path) -> None:
    with _open(tmp_path, b"0123456789abcdef") as piece:
        assert piece.read(4) == b"0123"
        assert list(piece.read_range(2, 6, chunk_size=4)) == [b"2345", b"67"]
        assert list(piece.read_range(14, 100)) == [b"ef"]
        assert piece.read(100) == b"456789abcdef"
        assert piece.read(1) == b""
        with pytest.raises(ValueError):
            piece.read(-1)
        with pytest.raises(ValueError):
            piece.read_range(-1, 2)


def test_a_closed_file_refuses_reads(tmp_path: Path) -> None:
    piece = _open(tmp_path, b"abc")
    piece.close()
    piece.close()
    with pytest.raises(ValueError):
        piece.read(1)
    with pytest.raises(ValueError):
        piece.fileno()

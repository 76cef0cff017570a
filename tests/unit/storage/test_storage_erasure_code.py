"""erasure_code: round trips from any D slices, the stripe layout, size helpers, bad parameters."""

import io
import itertools
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyaistore.storage import erasure_code
from pyaistore.storage.erasure_code import ErasureCodec
from pyaistore.storage.errors import InvalidErasureConfig, InvalidProps, NotEnoughSlices, SliceTruncated

MIB = 1 << 20


def _slices(codec: ErasureCodec, data: bytes, chunk: int = 4096) -> dict[int, bytes]:
    """Slice id -> content, the object fed in chunks of `chunk` bytes."""
    sinks = [io.BytesIO() for _ in range(codec.slice_count)]
    chunks = (data[start : start + chunk] for start in range(0, len(data), chunk))
    assert codec.encode_to(chunks, [sink.write for sink in sinks]) == len(data)
    return {index + 1: sink.getvalue() for index, sink in enumerate(sinks)}


def _decode(codec: ErasureCodec, slices: dict[int, bytes], ids: tuple[int, ...], size: int) -> bytes:
    return b"".join(codec.decode({i: io.BytesIO(slices[i]) for i in ids}, size))


PIECE = 1000
SIZES = [0, 1, PIECE - 1, PIECE, 4 * PIECE, 3 * 4 * PIECE, 4 * PIECE + 1, 10 * 4 * PIECE - 7]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_from_the_data_slices(size: int) -> None:
    codec = ErasureCodec(4, 2, PIECE)
    data = os.urandom(size)
    slices = _slices(codec, data, chunk=333)
    assert all(len(content) == codec.slice_size(size) for content in slices.values())
    assert _decode(codec, slices, (1, 2, 3, 4), size) == data


def test_sixteen_mib_plus_one_with_the_default_piece_size() -> None:
    codec = ErasureCodec(4, 2)
    data = os.urandom(16 * MIB + 1)
    slices = _slices(codec, data, chunk=MIB)
    assert len(slices[1]) == 17 * erasure_code.DEFAULT_PIECE_SIZE  # 16 full stripes and one padded
    assert _decode(codec, slices, (2, 4, 5, 6), len(data)) == data


@pytest.mark.parametrize(("data_slices", "parity_slices"), [(2, 2), (4, 2)])
def test_every_subset_of_at_least_d_slices_rebuilds_the_object(data_slices: int, parity_slices: int) -> None:
    codec = ErasureCodec(data_slices, parity_slices, PIECE)
    data = os.urandom(5 * codec.stripe_size // 2)  # two full stripes and half of a third
    slices = _slices(codec, data)
    ids = range(1, codec.slice_count + 1)
    subsets = [
        combo for n in range(data_slices, codec.slice_count + 1) for combo in itertools.combinations(ids, n)
    ]
    assert len(subsets) == (11 if data_slices == 2 else 22)
    for subset in subsets:
        assert _decode(codec, slices, subset, len(data)) == data, subset


@settings(max_examples=60, deadline=None)
@given(
    data_slices=st.integers(1, 6),
    parity_slices=st.integers(1, 4),
    piece=st.integers(1, 300),
    size=st.integers(0, 5000),
    chunk=st.integers(1, 2000),
    seed=st.integers(0, 2**32),
)
def test_random_shapes_round_trip(
    data_slices: int, parity_slices: int, piece: int, size: int, chunk: int, seed: int
) -> None:
    rng = random.Random(seed)
    codec = ErasureCodec(data_slices, parity_slices, piece)
    data = rng.randbytes(size)
    slices = _slices(codec, data, chunk)
    survivors = tuple(sorted(rng.sample(range(1, codec.slice_count + 1), data_slices)))
    assert _decode(codec, slices, survivors, size) == data


def test_data_slices_are_the_object_cut_piece_by_piece() -> None:
    codec = ErasureCodec(2, 1, 4)
    slices = _slices(codec, b"abcdefghij")
    assert slices[1] == b"abcd" + b"ij\0\0"
    assert slices[2] == b"efgh" + b"\0\0\0\0"
    assert len(slices[3]) == 8


def test_size_helpers() -> None:
    codec = ErasureCodec(4, 2, PIECE)
    assert [codec.stripe_count(n) for n in (0, 1, 4000, 4001)] == [0, 1, 1, 2]
    assert [codec.slice_size(n) for n in (0, 1, 4000, 4001)] == [0, PIECE, PIECE, 2 * PIECE]
    assert erasure_code.slice_size(4001, 4, PIECE) == 2 * PIECE
    assert erasure_code.piece_size_for(300 * 1024, 4) == 75 * 1024
    assert erasure_code.piece_size_for(100 * MIB, 4) == erasure_code.DEFAULT_PIECE_SIZE
    assert erasure_code.piece_size_for(0, 4) == 1


def test_rebuild_regenerates_lost_slices_exactly() -> None:
    codec = ErasureCodec(4, 2, PIECE)
    data = os.urandom(9000)
    slices = _slices(codec, data)
    readers = {i: io.BytesIO(slices[i]) for i in (2, 3, 5, 6)}
    rebuilt: dict[int, bytes] = {1: b"", 4: b""}
    for pieces in codec.rebuild(readers, len(data), [4, 1]):
        rebuilt[4] += bytes(pieces[0])
        rebuilt[1] += bytes(pieces[1])
    assert rebuilt == {1: slices[1], 4: slices[4]}
    stripe = {i: slices[i][:PIECE] for i in (1, 2, 3, 4)}
    assert [bytes(p) for p in codec.rebuild_stripe(stripe, [6, 5])] == [slices[6][:PIECE], slices[5][:PIECE]]


@pytest.mark.parametrize(
    ("data_slices", "parity_slices", "piece"),
    [(0, 2, 1), (33, 2, 1), (2, 0, 1), (2, 33, 1), (-1, 1, 1), (2, 2, 0), (2, 2, 16 * MIB + 1)],
)
def test_out_of_range_parameters_are_rejected(data_slices: int, parity_slices: int, piece: int) -> None:
    with pytest.raises(InvalidErasureConfig):
        ErasureCodec(data_slices, parity_slices, piece)


def test_non_integer_parameters_are_rejected_as_invalid_props() -> None:
    for bad in (True, 2.0, "2"):
        with pytest.raises(InvalidProps):
            ErasureCodec(bad, 2)  # type: ignore[arg-type]
    assert ErasureCodec(32, 32, 1).slice_count == 64


def test_fewer_than_d_slices_is_not_enough() -> None:
    codec = ErasureCodec(4, 2, PIECE)
    slices = _slices(codec, os.urandom(5000))
    with pytest.raises(NotEnoughSlices):
        _decode(codec, slices, (1, 5, 6), 5000)


def test_a_short_slice_is_truncated() -> None:
    codec = ErasureCodec(2, 1, PIECE)
    slices = _slices(codec, os.urandom(5000))
    slices[3] = slices[3][:-1]
    with pytest.raises(SliceTruncated):
        _decode(codec, slices, (1, 3), 5000)


def test_bad_slice_ids_and_piece_sizes_are_refused() -> None:
    codec = ErasureCodec(2, 1, 4)
    with pytest.raises(ValueError):
        codec.decode_stripe({0: b"abcd", 1: b"efgh"})
    with pytest.raises(ValueError):
        codec.decode_stripe({1: b"abcd", 4: b"efgh"})
    with pytest.raises(ValueError):
        codec.decode_stripe({1: b"abc", 3: b"efgh"})
    with pytest.raises(ValueError):
        codec.encode_stripe(b"short")

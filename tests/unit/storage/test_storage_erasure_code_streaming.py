"""erasure_code streaming: stripes leave the encoder as soon as they are full, memory stays one stripe."""

import io
import os
import threading

import pytest

from pyaistore.storage.erasure_code import ErasureCodec, Piece

PIECE = 1000


@pytest.mark.parametrize("chunk", [1, 7, PIECE + 1, 4 * PIECE - 1, 2 * 4 * PIECE + 3, 10**6])
def test_encoder_yields_each_stripe_when_it_is_full(chunk: int) -> None:
    codec = ErasureCodec(4, 2, PIECE)
    data = os.urandom(7 * codec.stripe_size + 123)
    encoder = codec.encoder()
    stripes: list[list[Piece]] = []
    for start in range(0, len(data), chunk):
        stripes += encoder.feed(data[start : start + chunk])
        assert len(stripes) == encoder.size // codec.stripe_size  # never more than a stripe held back
    stripes += encoder.finish()
    assert len(stripes) == 8
    assert all(len(pieces) == 6 and all(p.nbytes == PIECE for p in pieces) for pieces in stripes)
    data_pieces = b"".join(bytes(piece) for pieces in stripes for piece in pieces[:4])
    assert data_pieces == data + bytes(len(data_pieces) - len(data))
    assert encoder.size == len(data)


def test_pieces_survive_the_caller_reusing_its_buffer() -> None:
    codec = ErasureCodec(2, 1, 4)
    buffer = bytearray(b"abcdefgh")
    first = codec.encoder().feed(buffer)
    stripes = codec.encoder().feed(memoryview(buffer))
    buffer[:] = b"XXXXXXXX"
    for pieces in (first[0], stripes[0]):
        assert [bytes(p) for p in pieces[:2]] == [b"abcd", b"efgh"]
        assert all(p.readonly for p in pieces)


def test_the_finished_encoder_takes_nothing_more() -> None:
    encoder = ErasureCodec(2, 1, 4).encoder()
    assert encoder.feed(b"") == []
    assert encoder.finish() == []  # an empty object has no stripes
    with pytest.raises(ValueError):
        encoder.feed(b"x")
    with pytest.raises(ValueError):
        encoder.finish()


class _CountingReader:
    """A slice reader that records every read into a shared ledger."""

    def __init__(self, content: bytes, ledger: list[int]) -> None:
        self._stream = io.BytesIO(content)
        self._ledger = ledger

    def read(self, size: int, /) -> bytes:
        data = self._stream.read(size)
        self._ledger.append(len(data))
        return data


@pytest.mark.parametrize("survivors", [(1, 2, 3, 4), (1, 3, 5, 6), (3, 4, 5, 6)])
def test_decoder_holds_at_most_one_stripe(survivors: tuple[int, ...]) -> None:
    codec = ErasureCodec(4, 2, PIECE)
    data = os.urandom(9 * codec.stripe_size - 17)
    sinks = [io.BytesIO() for _ in range(6)]
    codec.encode_to([data], [sink.write for sink in sinks])
    reads: list[int] = []
    readers = {i: _CountingReader(sinks[i - 1].getvalue(), reads) for i in survivors}
    yielded = 0
    out = []
    for chunk in codec.decode(readers, len(data)):
        assert chunk.nbytes <= PIECE
        yielded += chunk.nbytes
        # What was read but not yet handed out never exceeds one stripe.
        assert sum(reads) - yielded <= codec.stripe_size
        out.append(bytes(chunk))
    assert all(size <= PIECE for size in reads)
    assert b"".join(out) == data


def test_one_codec_serves_threads_at_once() -> None:
    codec = ErasureCodec(4, 2, 64 * 1024)
    data = os.urandom(3 * 1024 * 1024)
    expected = [b"".join(bytes(p[5]) for p in codec.encode([data]))]
    results: list[bytes] = []

    def work() -> None:
        chunks = [data[i : i + 5000] for i in range(0, len(data), 5000)]
        results.append(b"".join(bytes(p[5]) for p in codec.encode(chunks)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected * 4

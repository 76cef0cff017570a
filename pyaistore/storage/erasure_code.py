"""The erasure codec: an object cut into stripes, each stripe Reed-Solomon coded into D+P pieces.

Layout (ours: slices written here are not byte-compatible with Go AIS, which splits the whole
object into D parts and uses klauspost/reedsolomon's matrix)::

    object   | stripe 1                      | stripe 2 | ... | stripe n (zero-padded) |
    stripe   D pieces of piece_size bytes -> D+P pieces of piece_size bytes
    slice j  piece j of stripe 1 + piece j of stripe 2 + ... + piece j of stripe n
             j = 1..D: data (the object's own bytes), j = D+1..D+P: parity

A stripe is D x piece_size bytes and n = ceil(object size / stripe), so every slice is
n x piece_size bytes (`slice_size`). Because the code works stripe by stripe, slices are produced
while the object streams in and can be sent while being produced, and an object is rebuilt
stripe by stripe from any D slices with memory bounded by one stripe. The code is systematic:
reading from the D data slices needs no arithmetic at all.

The arithmetic is pyeclib's (liberasurecode; OpenStack Swift's EC engine): Reed-Solomon over
GF(2^8) with a Vandermonde matrix, by the bundled ISA-L backend (`isa_l_rs_vand`), or by
liberasurecode's own `liberasurecode_rs_vand` when ISA-L cannot load. pyeclib frames every
fragment with an 80-byte header that depends only on the code and the stripe size; pieces are
stored without it (a slice stays exactly its pieces end to end, the data slices the object's own
bytes) and the header is put back, from a template made once per codec, before decoding. The two
backends use different matrices for parity beyond the first: slices must be decoded by the
backend that wrote them, and a restore verifies the object's checksum. pyeclib holds the GIL
while it codes (a 1 MiB stripe takes about 0.2 ms with ISA-L), so callers on an event loop code
one stripe per executor call; docs/performance.md has the figures and the licence reason.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Final, Protocol

from pyeclib.ec_iface import ECDriver, ECDriverError

from pyaistore.storage.errors import InvalidErasureConfig, NotEnoughSlices, SliceTruncated
from pyaistore.wire.erasure_code import MAX_DATA_SLICES, MAX_PARITY_SLICES, MAX_PIECE_SIZE

__all__ = [
    "BACKENDS",
    "DEFAULT_PIECE_SIZE",
    "MAX_DATA_SLICES",
    "MAX_PARITY_SLICES",
    "MAX_PIECE_SIZE",
    "ErasureCodec",
    "Piece",
    "SliceReader",
    "StripeEncoder",
    "piece_size_for",
    "slice_size",
    "stripe_count",
]

# 64 KiB, 256 KiB and 1 MiB pieces code equally fast within noise (benchmarks/bench_ec_codec.py);
# 256 KiB keeps a stripe, what a coder holds, at 1 MiB for 4+2 (8 MiB at D = 32).
DEFAULT_PIECE_SIZE: Final = 256 * 1024

# pyeclib backends in order of preference: ISA-L's SIMD code, then liberasurecode's portable one.
BACKENDS: Final = ("isa_l_rs_vand", "liberasurecode_rs_vand")
# liberasurecode's fragment header (fragment_header_t).
_HEADER_SIZE: Final = 80

Piece = memoryview  # read-only; owns (keeps alive) the buffer it views
Sink = Callable[[Piece], object]


class SliceReader(Protocol):
    """Where a slice's bytes come from: a file opened "rb", a SliceFile, a BytesIO."""

    def read(self, size: int, /) -> bytes:
        """Up to `size` bytes; fewer only at the end."""
        ...


def stripe_count(object_size: int, data_slices: int, piece_size: int) -> int:
    """How many stripes an object of `object_size` bytes is cut into (0 for an empty object)."""
    return -(-object_size // (data_slices * piece_size))


def slice_size(object_size: int, data_slices: int, piece_size: int) -> int:
    """The size in bytes of every slice (data or parity) of an object of `object_size` bytes."""
    return stripe_count(object_size, data_slices, piece_size) * piece_size


def piece_size_for(object_size: int, data_slices: int, limit: int = DEFAULT_PIECE_SIZE) -> int:
    """The piece size for an object of known size: `limit`, or less so a small object fills one stripe.

    With a fixed piece size a 300 KiB object coded 4+2 would store six 256 KiB pieces (1.5 MiB);
    sized to the object it stores six of 75 KiB. The piece size is kept in each slice's metadata.
    """
    return max(1, min(limit, -(-object_size // data_slices)))


class ErasureCodec:
    """Encode and decode objects for one (D, P, piece size); thread-safe, share one per bucket."""

    def __init__(self, data_slices: int, parity_slices: int, piece_size: int = DEFAULT_PIECE_SIZE) -> None:
        """InvalidErasureConfig unless D and P are in [1, 32] and the piece size in [1, 16 MiB]."""
        _check_range("data slices", data_slices, MAX_DATA_SLICES)
        _check_range("parity slices", parity_slices, MAX_PARITY_SLICES)
        _check_range("piece size", piece_size, MAX_PIECE_SIZE)
        self.data_slices = data_slices
        self.parity_slices = parity_slices
        self.piece_size = piece_size
        self.slice_count = data_slices + parity_slices
        self.stripe_size = data_slices * piece_size
        # pyeclib holds the GIL for every call, so threads sharing one driver never overlap in it.
        self.backend, self._driver = _driver(data_slices, parity_slices)
        self._headers = self._frame_headers(piece_size)

    def __repr__(self) -> str:
        return f"ErasureCodec({self.data_slices}, {self.parity_slices}, {self.piece_size}, {self.backend})"

    def _frame_headers(self, piece_size: int) -> list[bytes]:
        """Each fragment's header for this stripe size, from a probe stripe of zeros.

        ISA-L codes a stripe of D pieces into fragments of exactly one piece each. liberasurecode's
        own backend works on 16-bit words and would pad an odd piece, whose parity then no longer
        fits in a piece: InvalidErasureConfig.
        """
        probe = _driver_encode(self._driver, bytes(self.stripe_size))
        if len(probe[0]) - _HEADER_SIZE != piece_size:
            raise InvalidErasureConfig(
                f"piece size must be even with {self.backend} (ISA-L could not be loaded), not {piece_size}"
            )
        return [fragment[:_HEADER_SIZE] for fragment in probe]

    def slice_size(self, object_size: int) -> int:
        """The size of every slice of an object of `object_size` bytes."""
        return slice_size(object_size, self.data_slices, self.piece_size)

    def stripe_count(self, object_size: int) -> int:
        """How many stripes an object of `object_size` bytes has."""
        return stripe_count(object_size, self.data_slices, self.piece_size)

    # ---- encoding ----

    def encoder(self) -> "StripeEncoder":
        """A push-style encoder: feed() chunks as they arrive, then finish()."""
        return StripeEncoder(self)

    def encode(self, chunks: Iterable[bytes]) -> Iterator[list[Piece]]:
        """The D+P pieces (slice 1 first) of each stripe of the object given as chunks of any size."""
        encoder = self.encoder()
        for chunk in chunks:
            yield from encoder.feed(chunk)
        yield from encoder.finish()

    def encode_to(self, chunks: Iterable[bytes], sinks: Sequence[Sink]) -> int:
        """Write slice j's pieces to sinks[j-1] (e.g. file.write), stripe by stripe; returns the size."""
        if len(sinks) != self.slice_count:
            raise ValueError(f"{self.slice_count} sinks needed, {len(sinks)} given")
        encoder = self.encoder()
        for chunk in chunks:
            _write_stripes(encoder.feed(chunk), sinks)
        _write_stripes(encoder.finish(), sinks)
        return encoder.size

    def encode_stripe(self, stripe: bytes | bytearray | memoryview) -> list[Piece]:
        """The D+P pieces of one full stripe of `stripe_size` bytes (the caller pads the last).

        The data pieces are views of `stripe` itself: a caller that reuses a mutable buffer copies first.
        """
        view = memoryview(stripe).toreadonly()
        if view.nbytes != self.stripe_size:
            raise ValueError(f"a stripe is {self.stripe_size} bytes, not {view.nbytes}")
        size = self.piece_size
        data = [view[index * size : (index + 1) * size] for index in range(self.data_slices)]
        fragments = _driver_encode(self._driver, view.tobytes())
        parity = [
            memoryview(fragment)[_HEADER_SIZE:].toreadonly() for fragment in fragments[self.data_slices :]
        ]
        return data + parity

    # ---- decoding ----

    def decode_stripe(self, pieces: Mapping[int, bytes | memoryview]) -> list[Piece]:
        """The D data pieces of one stripe from any D of its pieces, keyed by slice id (1..D+P)."""
        chosen = self._choose(pieces)
        views = [memoryview(pieces[slice_id]).toreadonly() for slice_id in chosen]
        for slice_id, view in zip(chosen, views, strict=True):
            if view.nbytes != self.piece_size:
                raise ValueError(
                    f"the piece of slice {slice_id} is {view.nbytes} bytes, not {self.piece_size}"
                )
        if chosen[-1] <= self.data_slices:
            return views  # all D data pieces: the stripe as it was
        fragments = [
            self._headers[slice_id - 1] + view.tobytes() for slice_id, view in zip(chosen, views, strict=True)
        ]
        try:
            stripe = memoryview(self._driver.decode(fragments)).toreadonly()
        except ECDriverError as exc:
            raise ValueError(f"{self.backend} cannot decode slices {chosen}: {exc}") from exc
        size = self.piece_size
        return [stripe[index * size : (index + 1) * size] for index in range(self.data_slices)]

    def rebuild_stripe(self, pieces: Mapping[int, bytes | memoryview], wanted: Sequence[int]) -> list[Piece]:
        """The pieces of slices `wanted` (ids, in that order) of one stripe, from any D of its pieces."""
        for slice_id in wanted:
            _check_slice_id(slice_id, self.slice_count)
        data = self.decode_stripe(pieces)
        if any(slice_id > self.data_slices for slice_id in wanted):
            data = self.encode_stripe(b"".join(data))
        return [data[slice_id - 1] for slice_id in wanted]

    def decode(self, readers: Mapping[int, SliceReader], object_size: int) -> Iterator[Piece]:
        """The object's bytes in order, trimmed to `object_size`, read stripe by stripe from any D slices.

        `readers` maps slice ids (1..D+P) to readers positioned at the slice's start; D of them are
        used (data slices first: they need no arithmetic). At most one stripe is held at a time.
        Raises NotEnoughSlices (fewer than D readers) and SliceTruncated (a slice ends early).
        """
        chosen = self._choose(readers)
        left = object_size
        for _ in range(self.stripe_count(object_size)):
            for piece in self.decode_stripe(self._read_stripe(readers, chosen)):
                if left <= 0:
                    break
                yield piece if piece.nbytes <= left else piece[:left]
                left -= piece.nbytes

    def rebuild(
        self, readers: Mapping[int, SliceReader], object_size: int, wanted: Sequence[int]
    ) -> Iterator[list[Piece]]:
        """For each stripe, the pieces of the slices `wanted` (e.g. lost ones), rebuilt from any D slices."""
        chosen = self._choose(readers)
        for _ in range(self.stripe_count(object_size)):
            yield self.rebuild_stripe(self._read_stripe(readers, chosen), wanted)

    def _read_stripe(self, readers: Mapping[int, SliceReader], chosen: list[int]) -> dict[int, bytes]:
        """The next piece of each chosen slice."""
        return {slice_id: _read_piece(readers[slice_id], slice_id, self.piece_size) for slice_id in chosen}

    def _choose(self, available: Mapping[int, object]) -> list[int]:
        """D slice ids to decode from, ascending (so data slices, which cost nothing, come first).

        Mapping keys are distinct: a decoder given one fragment twice cannot rebuild.
        """
        for slice_id in available:
            _check_slice_id(slice_id, self.slice_count)
        if len(available) < self.data_slices:
            raise NotEnoughSlices(
                f"{len(available)} slices given, {self.data_slices} needed to rebuild"
                f" (D = {self.data_slices}, P = {self.parity_slices})"
            )
        return sorted(available)[: self.data_slices]


class StripeEncoder:
    """Cuts an object arriving in chunks of any size into stripes and encodes each one when full.

    Buffers at most one stripe. Pieces are read-only views that stay valid after later calls
    (each stripe gets a buffer of its own), so they can be queued for sending.
    """

    def __init__(self, codec: ErasureCodec) -> None:
        self._codec = codec
        self._buffer = bytearray(codec.stripe_size)
        self._filled = 0
        self._finished = False
        self.size = 0  # bytes fed so far

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[list[Piece]]:
        """Take the next chunk; returns the pieces of every stripe it completed (often none)."""
        if self._finished:
            raise ValueError("the encoder is already finished")
        view = memoryview(chunk).cast("B")
        stripe_size = self._codec.stripe_size
        done: list[list[Piece]] = []
        while view.nbytes:
            if self._filled == 0 and view.nbytes >= stripe_size and isinstance(chunk, bytes):
                done.append(self._codec.encode_stripe(view[:stripe_size]))  # immutable: no copy
                taken = stripe_size
            else:
                taken = min(view.nbytes, stripe_size - self._filled)
                self._buffer[self._filled : self._filled + taken] = view[:taken]
                self._filled += taken
                if self._filled == stripe_size:
                    done.append(self._flush())
            view = view[taken:]
            self.size += taken
        return done

    def finish(self) -> list[list[Piece]]:
        """The pieces of the last, zero-padded stripe (none when the size is a multiple of a stripe)."""
        if self._finished:
            raise ValueError("the encoder is already finished")
        self._finished = True
        return [self._flush()] if self._filled else []

    def _flush(self) -> list[Piece]:
        """Encode the buffered stripe (its tail is still zero) and start a fresh buffer."""
        pieces = self._codec.encode_stripe(self._buffer)
        self._buffer = bytearray(self._codec.stripe_size) if not self._finished else bytearray()
        self._filled = 0
        return pieces


def _driver(data_slices: int, parity_slices: int) -> tuple[str, ECDriver]:
    """The first backend of BACKENDS that loads, with its driver."""
    failures = []
    for backend in BACKENDS:
        try:
            return backend, ECDriver(k=data_slices, m=parity_slices, ec_type=backend)
        except ECDriverError as exc:
            failures.append(f"{backend}: {exc}")
    raise InvalidErasureConfig(f"no erasure-coding backend could be loaded ({'; '.join(failures)})")


def _driver_encode(driver: ECDriver, stripe: bytes) -> list[bytes]:
    """The D+P fragments (header + payload) of one stripe."""
    try:
        fragments: list[bytes] = driver.encode(stripe)
    except ECDriverError as exc:
        raise InvalidErasureConfig(f"cannot encode a {len(stripe)}-byte stripe: {exc}") from exc
    return fragments


def _write_stripes(stripes: list[list[Piece]], sinks: Sequence[Sink]) -> None:
    for pieces in stripes:
        for sink, piece in zip(sinks, pieces, strict=True):
            sink(piece)


def _read_piece(reader: SliceReader, slice_id: int, size: int) -> bytes:
    """Exactly `size` bytes of a slice; SliceTruncated when it ends first."""
    piece = reader.read(size)
    if len(piece) == size:
        return piece
    parts = [piece]
    got = len(piece)
    while got < size:
        more = reader.read(size - got)
        if not more:
            raise SliceTruncated(f"slice {slice_id} ends {size - got} bytes short of a piece")
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _check_range(what: str, value: int, limit: int) -> None:
    if type(value) is not int or not 1 <= value <= limit:
        raise InvalidErasureConfig(f"{what} must be an integer in [1, {limit}], not {value!r}")


def _check_slice_id(slice_id: int, count: int) -> None:
    if type(slice_id) is not int or not 1 <= slice_id <= count:
        raise ValueError(f"slice id must be in [1, {count}], not {slice_id!r}")

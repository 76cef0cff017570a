"""Erasure-coding libraries side by side, in the streaming stripe form of our codec.

    .venv/bin/python benchmarks/bench_ec_codec.py [--size-mib 16] [--piece-kib 256] [--rounds 7]

1. Builds one object of --size-mib random bytes.
2. For each of pyeclib's bundled backends (`isa_l_rs_vand`, `liberasurecode_rs_vand`) and each
   D+P of --configs, works stripe by stripe as
   pyaistore/storage/erasure_code.py does: the object is cut into stripes of D x --piece-kib,
   the last one zero-padded, and every stripe is encoded into D+P pieces. It times
   - encode: all stripes of the object, one thread;
   - encode x2: two threads each encoding the whole object at once, aggregate MiB/s (about twice
     the one-thread figure only when the library releases the GIL while it computes);
   - decode -1 / decode -P: rebuilding the object's bytes from D slices when data slice 1, or
     data slices 1..P, are lost (the worst case: every stripe needs arithmetic).
   pyeclib wants one `bytes` stripe per call and returns fragments with an 80-byte header;
   the adapter includes that copy.
   Every decode is checked once against the object.
3. Times pyaistore's own `ErasureCodec` (pyeclib underneath) for 4+2 at several piece sizes,
   end to end: encode from 1 MiB chunks, decode from in-memory slice files with 2 slices lost.
4. Runs an asyncio loop with a 1 ms timer for --stall-seconds while 4+2 encoding runs beside it,
   called through asyncio.to_thread either one whole object per call or one stripe per call (as
   the target does), and with no coding at all, and reports how often the timer fired and how
   late (p99, max): pyeclib holds the GIL while it codes, and a thread that keeps the GIL makes
   the loop wait out the interpreter's 5 ms switch interval at every wake-up.

Every throughput cell is the best of --rounds runs, in MiB/s of object bytes. On a shared
machine run the script a few times and compare the ranges, not one run's figures.
"""

import argparse
import asyncio
import importlib.metadata
import io
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pyeclib.ec_iface import ECDriver

from pyaistore.storage.erasure_code import ErasureCodec

MIB = 1 << 20
KIB = 1 << 10
PYECLIB_BACKENDS = ("isa_l_rs_vand", "liberasurecode_rs_vand")

Slices = dict[int, list[Any]]  # slice index (0-based) -> its pieces, stripe by stripe


class PyeclibStripes:
    """pyeclib on whole stripes: a bytes stripe in, D+P fragments (header + payload) out."""

    def __init__(self, data: int, parity: int, backend: str) -> None:
        self.name = f"pyeclib {backend}"
        self.data, self.parity = data, parity
        self._driver = ECDriver(k=data, m=parity, ec_type=backend)

    def encode(self, stripe: memoryview, piece: int) -> list[Any]:
        """The D+P fragments of one stripe."""
        return list(self._driver.encode(bytes(stripe)))

    def decode(self, pieces: dict[int, Any]) -> bytes:
        """Rebuild the stripe from any D fragments."""
        return bytes(self._driver.decode([pieces[i] for i in sorted(pieces)[: self.data]]))


def stripes_of(data: bytes, width: int) -> list[memoryview]:
    """The object cut into stripes of `width` bytes, the last one zero-padded."""
    view = memoryview(data)
    out = [view[start : start + width] for start in range(0, len(data), width)]
    if out and len(out[-1]) < width:
        out[-1] = memoryview(bytes(out[-1]) + bytes(width - len(out[-1])))
    return out


def encode_all(codec: Any, stripes: Sequence[memoryview], piece: int) -> Slices:
    """Encode every stripe; returns the slices."""
    slices: Slices = {index: [] for index in range(codec.data + codec.parity)}
    for stripe in stripes:
        for index, encoded in enumerate(codec.encode(stripe, piece)):
            slices[index].append(encoded)
    return slices


def decode_all(codec: Any, slices: Slices, lost: int) -> Iterator[bytes]:
    """Rebuild the object stripe by stripe without data slices 1..lost."""
    kept = {index: pieces for index, pieces in slices.items() if index >= lost}
    for stripe in range(len(kept[lost])):
        yield codec.decode({index: kept[index][stripe] for index in kept})


def drain(stripes: Iterator[bytes]) -> int:
    """Consume rebuilt stripes as a sender would; returns the bytes seen."""
    return sum(len(stripe) for stripe in stripes)


def best_seconds(action: Callable[[], object], rounds: int) -> float:
    """The fastest of `rounds` runs of `action`."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def in_two_threads(action: Callable[[], object]) -> None:
    """Run `action` in two threads at once and wait for both."""
    threads = [threading.Thread(target=action) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def library_row(codec: Any, data: bytes, piece: int, rounds: int) -> list[str]:
    """The table row of one library and one D+P."""
    stripes = stripes_of(data, codec.data * piece)
    slices = encode_all(codec, stripes, piece)
    for lost in (1, codec.parity):
        if b"".join(decode_all(codec, slices, lost))[: len(data)] != data:
            raise AssertionError(f"{codec.name} {codec.data}+{codec.parity} decoded wrong bytes")
    mib = len(data) / MIB
    encode = best_seconds(lambda: encode_all(codec, stripes, piece), rounds)
    encode2 = best_seconds(lambda: in_two_threads(lambda: encode_all(codec, stripes, piece)), rounds)
    decode1 = best_seconds(lambda: drain(decode_all(codec, slices, 1)), rounds)
    decode_p = best_seconds(lambda: drain(decode_all(codec, slices, codec.parity)), rounds)
    decode_p2 = best_seconds(
        lambda: in_two_threads(lambda: drain(decode_all(codec, slices, codec.parity))), rounds
    )
    return [
        codec.name,
        f"{codec.data}+{codec.parity}",
        f"{mib / encode:,.0f}",
        f"{2 * mib / encode2:,.0f}",
        f"{encode / (encode2 / 2):.2f}",
        f"{mib / decode1:,.0f}",
        f"{mib / decode_p:,.0f}",
        f"{2 * mib / decode_p2:,.0f}",
    ]


STALL_MODES = ("whole object per executor call", "one stripe per executor call", "no coding (baseline)")


def stall_row(codec: Any, data: bytes, piece: int, seconds: float, mode: str) -> list[str]:
    """How late a 1 ms asyncio timer fires while the object is encoded over and over beside it.

    `whole object per executor call` is one long to_thread call per object, as the codec was
    called with zfec; `one stripe per executor call` codes one stripe per to_thread call, as the
    target does now: between calls the pool thread waits on its queue without the GIL, so the
    loop takes it at once instead of waiting out the 5 ms switch interval.
    """
    stripes = stripes_of(data, codec.data * piece)

    async def measure() -> tuple[list[float], int]:
        loop = asyncio.get_running_loop()
        stop = loop.time() + seconds
        encoded = 0

        def whole() -> None:
            nonlocal encoded
            while loop.time() < stop:
                encode_all(codec, stripes, piece)
                encoded += 1

        async def per_stripe() -> None:
            nonlocal encoded
            while loop.time() < stop:
                for stripe in stripes:
                    await asyncio.to_thread(codec.encode, stripe, piece)
                encoded += 1

        lateness: list[float] = []
        if mode == STALL_MODES[0]:
            worker: Any = loop.run_in_executor(None, whole)
        elif mode == STALL_MODES[1]:
            worker = asyncio.ensure_future(per_stripe())
        else:
            worker = asyncio.sleep(0)
        while loop.time() < stop:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lateness.append(time.perf_counter() - before - 0.001)
        await worker
        return lateness, encoded

    lateness, encoded = asyncio.run(measure())
    lateness.sort()
    p99 = lateness[int(len(lateness) * 0.99)]
    mib_s = encoded * len(data) / MIB / seconds
    return [
        codec.name,
        mode,
        f"{piece // KIB} KiB",
        f"{mib_s:,.0f}",
        f"{len(lateness) / seconds:,.0f}",
        f"{p99 * 1000:.2f}",
        f"{lateness[-1] * 1000:.2f}",
    ]


def codec_row(data: bytes, piece: int, rounds: int) -> list[str]:
    """pyaistore's ErasureCodec, 4+2 at one piece size, end to end (slices in memory)."""
    codec = ErasureCodec(4, 2, piece)
    chunks = [data[start : start + MIB] for start in range(0, len(data), MIB)]

    def encode() -> list[list[memoryview]]:
        # Sinks that keep the pieces (as a sender queues them): the codec's cost, no copies of ours.
        slices: list[list[memoryview]] = [[] for _ in range(codec.slice_count)]
        codec.encode_to(chunks, [pieces.append for pieces in slices])
        return slices

    slices = encode()
    kept = {slice_id: b"".join(slices[slice_id - 1]) for slice_id in range(3, codec.slice_count + 1)}

    def decode() -> int:
        readers = {slice_id: io.BytesIO(content) for slice_id, content in kept.items()}
        return sum(len(chunk) for chunk in codec.decode(readers, len(data)))

    readers = {slice_id: io.BytesIO(content) for slice_id, content in kept.items()}
    if b"".join(codec.decode(readers, len(data))) != data:
        raise AssertionError(f"ErasureCodec with {piece} B pieces decoded wrong bytes")
    mib = len(data) / MIB
    encode_s, decode_s = best_seconds(encode, rounds), best_seconds(decode, rounds)
    return [
        f"{piece // KIB} KiB",
        f"{4 * piece // KIB} KiB",
        f"{mib / encode_s:,.0f}",
        f"{mib / decode_s:,.0f}",
    ]


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A Markdown table with right-aligned numbers."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        print("| " + " | ".join(cells) + " |", flush=True)


def _version(distribution: str) -> str:
    """The installed version of a distribution, or "not installed"."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def libraries(data: int, parity: int) -> list[Any]:
    """pyeclib's two backends."""
    return [PyeclibStripes(data, parity, backend) for backend in PYECLIB_BACKENDS]


def run(args: argparse.Namespace) -> int:
    """Build the object, print the tables."""
    data = os.urandom(args.size_mib * MIB)
    piece = args.piece_kib * KIB
    configs = [tuple(int(n) for n in text.split("+")) for text in args.configs.split(",")]
    print(f"pyeclib {_version('pyeclib')}")
    print(f"{args.size_mib} MiB object, {args.piece_kib} KiB pieces, best of {args.rounds}, MiB/s")
    rows = [library_row(lib, data, piece, args.rounds) for d, p in configs for lib in libraries(d, p)]
    print_table(
        ["library", "D+P", "encode", "encode x2", "x2 speed-up", "decode -1", "decode -P", "decode -P x2"],
        rows,
    )
    print()
    print(f"pyaistore ErasureCodec 4+2, {args.size_mib} MiB in 1 MiB chunks, decode with 2 slices lost")
    pieces = [int(text) * KIB for text in args.codec_piece_kib.split(",")]
    print_table(["piece", "stripe", "encode", "decode -2"], [codec_row(data, p, args.rounds) for p in pieces])
    print()
    print("an asyncio loop's 1 ms timer while 4+2 encoding runs beside it (for --stall-seconds)")
    stall_pieces = [int(text) * KIB for text in args.stall_piece_kib.split(",")]
    stall_rows = [
        stall_row(lib, data, p, args.stall_seconds, mode)
        for p in stall_pieces
        for lib in libraries(4, 2)
        for mode in STALL_MODES
    ]
    print_table(["library", "calls", "piece", "encode", "ticks/s", "late p99 ms", "late max ms"], stall_rows)
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, default=16)
    parser.add_argument("--piece-kib", type=int, default=256, help="piece size of the library table")
    parser.add_argument("--configs", default="1+1,2+1,2+2,4+2", help="D+P list")
    parser.add_argument("--codec-piece-kib", default="64,256,1024", help="piece sizes of the codec table")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--stall-seconds", type=float, default=2.0)
    parser.add_argument("--stall-piece-kib", default="256,1024", help="piece sizes of the loop table")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()

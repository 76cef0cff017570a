"""Single byte ranges (RFC 9110 §14.1.2): parse the header, then resolve against a size."""

from dataclasses import dataclass

from pyaistore.cluster.errors import RangeNotSatisfiable
from pyaistore.wire.limits import MAX_INT, MAX_INT_DIGITS


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """`first-last`, `first-` (last None) or the suffix form `-n` (first None)."""

    first: int | None
    last: int | None


def parse(header: str) -> RangeSpec:
    """Parse `bytes=a-b`; several ranges, other units or bad syntax raise RangeNotSatisfiable."""
    unit, sep, specs = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        raise RangeNotSatisfiable(f'invalid range "{header[:64]}": only "bytes" is supported', -1)
    if "," in specs:
        raise RangeNotSatisfiable(f'invalid range "{header[:64]}": multiple ranges are not supported', -1)
    # Split, not a regex: whitespace runs must cost linear time (a backtracking \s* did not).
    head, dash, tail = specs.partition("-")
    head, tail = head.strip(), tail.strip()
    if not dash or not (head or tail) or not _digits(head) or not _digits(tail):
        raise RangeNotSatisfiable(f'invalid range "{header[:64]}"', -1)
    first, last = _position(head, header), _position(tail, header)
    if first is not None and last is not None and last < first:
        raise RangeNotSatisfiable(f'invalid range "{header[:64]}": last byte before first', -1)
    return RangeSpec(first, last)


def resolve(spec: RangeSpec, size: int) -> tuple[int, int]:
    """Return (start, length) inside an object of `size` bytes, or raise RangeNotSatisfiable."""
    if spec.first is None:
        assert spec.last is not None
        if spec.last == 0 or size == 0:
            raise RangeNotSatisfiable(f"range suffix -{spec.last} is not satisfiable (size {size})", size)
        length = min(spec.last, size)
        return size - length, length
    if spec.first >= size:
        raise RangeNotSatisfiable(f"range start {spec.first} is beyond the object size {size}", size)
    last = size - 1 if spec.last is None else min(spec.last, size - 1)
    return spec.first, last - spec.first + 1


def _position(digits: str, header: str) -> int | None:
    """A byte position of at most 19 digits (a 64-bit offset), never converted when longer."""
    if not digits:
        return None
    if len(digits.lstrip("0")) > MAX_INT_DIGITS or int(digits) > MAX_INT:
        raise RangeNotSatisfiable(f'invalid range "{header[:64]}": position beyond {MAX_INT}', -1)
    return int(digits)


def _digits(text: str) -> bool:
    return not text or (text.isascii() and text.isdigit())

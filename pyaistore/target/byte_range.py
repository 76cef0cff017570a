"""Single byte ranges (RFC 9110 §14.1.2): parse the header, then resolve against a size."""

import re
from dataclasses import dataclass
from typing import Final

from pyaistore.cluster.errors import RangeNotSatisfiable

_SPEC: Final = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """`first-last`, `first-` (last None) or the suffix form `-n` (first None)."""

    first: int | None
    last: int | None


def parse(header: str) -> RangeSpec:
    """Parse `bytes=a-b`; several ranges, other units or bad syntax raise RangeNotSatisfiable."""
    unit, sep, specs = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        raise RangeNotSatisfiable(f'invalid range "{header}": only "bytes" is supported', -1)
    if "," in specs:
        raise RangeNotSatisfiable(f'invalid range "{header}": multiple ranges are not supported', -1)
    match = _SPEC.match(specs)
    if match is None or (not match.group(1) and not match.group(2)):
        raise RangeNotSatisfiable(f'invalid range "{header}"', -1)
    first = int(match.group(1)) if match.group(1) else None
    last = int(match.group(2)) if match.group(2) else None
    if first is not None and last is not None and last < first:
        raise RangeNotSatisfiable(f'invalid range "{header}": last byte before first', -1)
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

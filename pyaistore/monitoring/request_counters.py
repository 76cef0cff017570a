"""What one request adds to its process's counter row: count, bytes and time; or error kinds.

`Operation` holds the columns of one kind of request (GET, PUT, ...) in the row
(wire/metric_names.py `REQUEST_COUNTERS`); -1 where that kind has no such counter.
"""

from dataclasses import dataclass
from typing import Any, Final, Protocol

from pyaistore.wire import metric_names as names

__all__ = [
    "APPEND",
    "DELETE",
    "GET",
    "HEAD",
    "LIST",
    "PUT",
    "RENAME",
    "NodeCounters",
    "Operation",
    "TotalsSource",
    "count_as",
]

_C: Final = names.COLUMN


@dataclass(frozen=True, slots=True)
class Operation:
    """Columns of one request kind (-1: none)."""

    name: str
    count: int
    error: int
    size: int = -1
    time_ns: int = -1
    io_error: int = -1
    checksum_error: int = -1
    # GET and HEAD of a missing object are not errors (AIS counts them only with a feature flag).
    not_found_is_error: bool = True


GET: Final = Operation(
    "get",
    _C["get_count"],
    _C["err_get_count"],
    _C["get_bytes"],
    _C["get_ns_total"],
    _C["err_io_get_count"],
    not_found_is_error=False,
)
PUT: Final = Operation(
    "put",
    _C["put_count"],
    _C["err_put_count"],
    _C["put_bytes"],
    _C["put_ns_total"],
    _C["err_io_put_count"],
    _C["err_put_cksum_count"],
)
HEAD: Final = Operation(
    "head", _C["head_count"], _C["err_head_count"], time_ns=_C["head_ns_total"], not_found_is_error=False
)
DELETE: Final = Operation("del", _C["del_count"], _C["err_del_count"], io_error=_C["err_io_del_count"])
APPEND: Final = Operation("append", _C["append_count"], _C["err_append_count"])
LIST: Final = Operation("lst", _C["lst_count"], _C["err_lst_count"])
RENAME: Final = Operation("ren", _C["ren_count"], _C["err_ren_count"])


class TotalsSource(Protocol):
    """Anything that sums the rows of every process (monitoring/counter_block.CounterBlock)."""

    def totals(self) -> list[int]:
        """Each column summed."""


# Where a handler leaves the kind of its request when only it can tell (see `count_as`).
KIND_KEY: Final = "pyaistore.request_kind"


class _Request(Protocol):
    """What `count_as` needs of a request: item assignment (aiohttp's request is a mutable mapping)."""

    def __setitem__(self, key: str, value: Any) -> None: ...


def count_as(request: _Request, op: Operation) -> None:
    """Count this request (an aiohttp request: a mutable mapping) as `op`; for handlers whose kind
    of request depends on the body (a bucket GET that lists objects, an object POST that renames)."""
    request[KIND_KEY] = op


HTTP_WRITE_ERROR: Final = _C["err_http_write_count"]
KEEPALIVE_ERROR: Final = _C["err_kalive_count"]
FSHC_ERROR: Final = _C["err_fshc_count"]


class NodeCounters:
    """This process's row of request counters (and, in the main process, the whole block to sum).

    Args:
        row: this process's counters (a memoryview of int64, or any list for a single process).
        totals: every process's counters summed (the main process); None in an HTTP worker.
    """

    def __init__(self, row: "memoryview | list[int]", totals: TotalsSource | None = None) -> None:
        self.row = row
        self._totals = totals

    def succeeded(self, op: Operation, size: int, elapsed_ns: int) -> None:
        """One request of kind `op` done: count, bytes, time."""
        row = self.row
        row[op.count] += 1
        if op.size >= 0:
            row[op.size] += size
        if op.time_ns >= 0:
            row[op.time_ns] += elapsed_ns

    def failed(self, op: Operation, io_error: bool = False, checksum_error: bool = False) -> None:
        """One request of kind `op` failed; I/O and checksum failures are also counted as such."""
        row = self.row
        row[op.error] += 1
        if io_error and op.io_error >= 0:
            row[op.io_error] += 1
        if checksum_error and op.checksum_error >= 0:
            row[op.checksum_error] += 1

    def add(self, column: int, value: int = 1) -> None:
        """Add to one column (error kinds not tied to a request kind)."""
        self.row[column] += value

    def totals(self) -> list[int]:
        """Every column summed over the node's processes."""
        if self._totals is None:
            return list(self.row)
        return self._totals.totals()

"""Request counters shared by a node's processes: one row of int64 columns per process, in a mapped file.

A target serves requests from its main process and from its HTTP worker processes, and a scrape
must count them all, exactly. Each process adds to its own row only (no lock: one writer per
row, an aligned 8-byte store), and the main process sums the rows when scraped. The rows live in
one file of the node's data dir, mapped shared by every process, so a counter costs one
memoryview store per request (tens of nanoseconds), and a worker that is restarted takes over
its predecessor's row and keeps counting from there. The main process makes the file anew at
start: counters restart from zero with the node, as AIS's do.
"""

import mmap
import os
from pathlib import Path
from typing import Final

__all__ = ["FILE_NAME", "CounterBlock"]

FILE_NAME: Final = "request-counters"
_WORD: Final = 8


class CounterBlock:
    """`rows` rows of `columns` int64 counters, mapped from `path`.

    Args:
        path: the file (made anew, zeroed, when `create`; else it must exist with that size).
        rows: processes sharing it (the main process is row 0).
        columns: counters per row.
        create: make the file (the main process) or map the existing one (a worker).
    """

    def __init__(self, path: Path, rows: int, columns: int, create: bool) -> None:
        self.rows, self.columns = rows, columns
        size = rows * columns * _WORD
        flags = os.O_RDWR | (os.O_CREAT | os.O_TRUNC if create else 0)
        fd = os.open(path, flags, 0o600)
        try:
            if create:
                os.ftruncate(fd, size)
            self._map = mmap.mmap(fd, size)
        finally:
            os.close(fd)
        self._words = memoryview(self._map).cast("q")
        self._rows: list[memoryview] = []

    def row(self, index: int) -> memoryview:
        """The counters of process `index` (write with `row[column] += n`)."""
        if not 0 <= index < self.rows:
            raise IndexError(f"counter row {index} out of range (0..{self.rows - 1})")
        row = self._words[index * self.columns : (index + 1) * self.columns]
        self._rows.append(row)
        return row

    def totals(self) -> list[int]:
        """Each column summed over every row."""
        words, columns = self._words, self.columns
        return [sum(words[column::columns]) for column in range(columns)]

    def close(self) -> None:
        """Unmap (the rows handed out are released: using one afterwards raises ValueError)."""
        for row in self._rows:
            row.release()
        self._words.release()
        self._map.close()

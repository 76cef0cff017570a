"""What people see: human-readable sizes and times, tables or JSON, and transfer and job progress bars."""

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final, Literal

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

__all__ = [
    "BinarySpeedColumn",
    "Column",
    "JobProgress",
    "TransferProgress",
    "human_duration",
    "human_size",
    "make_console",
    "print_json",
    "print_properties",
    "print_records",
    "unix_ns_to_date",
]

_UNITS: Final = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
# Wide enough that piped tables do not wrap long object names; a terminal uses its own width.
_PIPE_WIDTH: Final = 200
_NANOSECONDS: Final = 1_000_000_000


def human_size(size: int) -> str:
    """Bytes in binary units: `512 B`, `1.5 KiB`, `16.0 MiB`.

    Raises:
        ValueError: the size is negative.
    """
    if size < 0:
        raise ValueError(f"a size cannot be negative: {size}")
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in _UNITS[1:]:
        value /= 1024
        # Switch units before rounding would print "1024.0": 1023.96 KiB shows as 1.0 MiB.
        if round(value, 1) < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def human_duration(seconds: float) -> str:
    """A duration to the precision a person cares about: `0.04s`, `12.0s`, `3m05s`, `2h07m`."""
    seconds = max(seconds, 0.0)
    if seconds < 1:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def unix_ns_to_date(value: str | int) -> str:
    """A Unix time in nanoseconds (as AIS sends atime) as a local date; the input if it is not one."""
    try:
        nanoseconds = int(value)
    except ValueError:
        return str(value)
    if nanoseconds <= 0:
        return ""
    moment = datetime.fromtimestamp(nanoseconds / _NANOSECONDS, tz=UTC).astimezone()
    return moment.isoformat(sep=" ", timespec="seconds")


def make_console(stderr: bool = False) -> Console:
    """A console for stdout or stderr; piped output gets a wide fixed width and no colour.

    Markup, emoji codes and highlighting are off: object names such as `[a]` or `:x:` print as is.
    """
    console = Console(stderr=stderr, markup=False, emoji=False, highlight=False)
    if not console.is_terminal:
        console.width = _PIPE_WIDTH
    return console


def print_json(console: Console, data: Any) -> None:
    """Pretty JSON: highlighted on a terminal, plain text (valid JSON) otherwise."""
    if console.is_terminal:
        console.print_json(data=data)
    else:
        console.file.write(json.dumps(data, indent=2) + "\n")


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: the record key it shows, its header and how a value is written."""

    key: str
    header: str
    formatter: Callable[[Any], str] = str
    justify: Literal["left", "right"] = "left"


def print_records(
    console: Console,
    columns: Sequence[Column],
    records: Iterable[Mapping[str, Any]],
    *,
    as_json: bool = False,
    caption: str | None = None,
) -> None:
    """Records as a table (formatted values) with `caption` on a line below it, or as a JSON list
    of the raw values of the columns (no caption)."""
    if as_json:
        print_json(
            console, [{column.key: record.get(column.key) for column in columns} for record in records]
        )
        return
    table = Table(header_style="bold")
    for column in columns:
        table.add_column(column.header, justify=column.justify, overflow="fold")
    for record in records:
        table.add_row(*(_cell(column, record.get(column.key)) for column in columns))
    console.print(table)
    if caption:
        # A line of its own under the table: a table caption would wrap at the table's width.
        console.print(caption, soft_wrap=True)


def _cell(column: Column, value: Any) -> str:
    """One formatted table cell; a missing value is blank."""
    return "" if value is None or value == "" else column.formatter(value)


def print_properties(
    console: Console, rows: Sequence[tuple[str, str]], *, raw: Mapping[str, Any], as_json: bool = False
) -> None:
    """A two-column PROPERTY/VALUE table, or the raw mapping as JSON."""
    if as_json:
        print_json(console, dict(raw))
        return
    table = Table(header_style="bold")
    table.add_column("PROPERTY")
    table.add_column("VALUE", overflow="fold")
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


class BinarySpeedColumn(ProgressColumn):
    """Transfer speed in the units sizes are shown in (`12.3 MiB/s`), not rich's decimal kB/s."""

    def render(self, task: Task) -> Text:
        """The task's current speed, or `?` before there is one."""
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("?", style="progress.data.speed")
        return Text(f"{human_size(int(speed))}/s", style="progress.data.speed")


class TransferProgress:
    """One bar over the bytes of a transfer, with files done out of the total beside it.

    Safe to advance from several threads. Drawn only when the console is a terminal.

    Args:
        console: where to draw (stderr, so that data on stdout stays clean).
        verb: what is happening, e.g. "uploading".
        files_total: files in the transfer.
        bytes_total: bytes in the transfer.
    """

    def __init__(self, console: Console, verb: str, files_total: int, bytes_total: int) -> None:
        self._lock = threading.Lock()
        self._files_done = 0
        self._files_total = files_total
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[files]}"),
            DownloadColumn(binary_units=True),
            BinarySpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._task: TaskID = self._progress.add_task(verb, total=bytes_total, files=self._files_text())

    def _files_text(self) -> str:
        return f"{self._files_done}/{self._files_total} files"

    def advance(self, size: int = 0, files: int = 0) -> None:
        """Count bytes transferred and files finished."""
        with self._lock:
            self._files_done += files
            self._progress.update(self._task, advance=size, files=self._files_text())

    @property
    def files_done(self) -> int:
        """Files finished so far."""
        return self._files_done

    def __enter__(self) -> "TransferProgress":
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()


class JobProgress:
    """One bar for cluster jobs: objects done (out of the total when known), bytes and elapsed time.

    Fed with the jobs' counters at each poll; without a known total the bar pulses. Drawn only
    when the console is a terminal.

    Args:
        console: where to draw (stderr).
        description: what is happening, e.g. "copy-bck X1y2z3".
        total_objects: objects the jobs will process, if known.
    """

    def __init__(self, console: Console, description: str, total_objects: int | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if total_objects is not None else TextColumn("{task.completed} objects"),
            TextColumn("{task.fields[size]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._task = self._progress.add_task(description, total=total_objects, size=human_size(0))

    def update(self, objects: int, size: int) -> None:
        """Show the jobs' current counters."""
        self._progress.update(self._task, completed=objects, size=human_size(size))

    def __enter__(self) -> "JobProgress":
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

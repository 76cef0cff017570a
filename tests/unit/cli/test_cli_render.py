"""Human sizes and dates, tables and JSON, and the transfer progress bar."""

import io
import json
from datetime import datetime

import pytest
from rich.console import Console
from rich.progress import Progress

from pyaistore.cli.render import (
    BinarySpeedColumn,
    Column,
    TransferProgress,
    human_duration,
    human_size,
    print_properties,
    print_records,
    unix_ns_to_date,
)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (1, "1 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (1024 * 1024 - 1, "1.0 MiB"),  # not "1024.0 KiB"
        (1024 * 1024, "1.0 MiB"),
        (16 * 1024 * 1024, "16.0 MiB"),
        (5 * 1024**3 + 512 * 1024**2, "5.5 GiB"),
        (3 * 1024**4, "3.0 TiB"),
        (2 * 1024**6, "2.0 EiB"),
        (4096 * 1024**6, "4096.0 EiB"),
    ],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_human_size_refuses_negative() -> None:
    with pytest.raises(ValueError):
        human_size(-1)


def test_unix_ns_to_date() -> None:
    nanoseconds = 1_700_000_000_123_456_789
    text = unix_ns_to_date(str(nanoseconds))
    assert datetime.fromisoformat(text).timestamp() == 1_700_000_000
    assert unix_ns_to_date(nanoseconds) == text
    assert unix_ns_to_date("21 Nov 26 05:41 UTC") == "21 Nov 26 05:41 UTC"
    assert unix_ns_to_date("0") == ""


def _console(terminal: bool = False) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=120, force_terminal=terminal, markup=False), buffer


COLUMNS = [Column("name", "NAME"), Column("size", "SIZE", human_size, "right")]
RECORDS: list[dict[str, object]] = [
    {"name": "a/[x].bin", "size": 2048, "extra": 1},
    {"name": "b", "size": None},
]


def test_records_as_a_table() -> None:
    console, buffer = _console()
    print_records(console, COLUMNS, RECORDS, caption="2 objects")
    text = buffer.getvalue()
    assert "NAME" in text and "a/[x].bin" in text and "2.0 KiB" in text and "2 objects" in text
    assert "None" not in text and "extra" not in text


def test_records_as_json_keep_raw_values_of_the_columns() -> None:
    console, buffer = _console()
    print_records(console, COLUMNS, RECORDS, as_json=True)
    assert json.loads(buffer.getvalue()) == [{"name": "a/[x].bin", "size": 2048}, {"name": "b", "size": None}]


def test_properties_table_and_json() -> None:
    console, buffer = _console()
    print_properties(console, [("size", "1 B")], raw={"size": 1})
    assert "PROPERTY" in buffer.getvalue() and "1 B" in buffer.getvalue()
    console, buffer = _console()
    print_properties(console, [("size", "1 B")], raw={"size": 1}, as_json=True)
    assert json.loads(buffer.getvalue()) == {"size": 1}


def test_progress_counts_files_and_bytes_on_a_terminal() -> None:
    console, buffer = _console(terminal=True)
    with TransferProgress(console, "uploading", files_total=2, bytes_total=3 * 1024 * 1024) as progress:
        progress.advance(1024 * 1024)
        progress.advance(2 * 1024 * 1024, files=2)
    assert progress.files_done == 2
    text = buffer.getvalue()
    assert "uploading" in text and "2/2 files" in text and "3.0/3.0 MiB" in text


def test_progress_draws_nothing_off_a_terminal() -> None:
    console, buffer = _console(terminal=False)
    with TransferProgress(console, "downloading", 1, 10) as progress:
        progress.advance(10, files=1)
    assert buffer.getvalue() == ""


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-1, "0.00s"), (0.042, "0.04s"), (12.04, "12.0s"), (185, "3m05s"), (7625, "2h07m")],
)
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_a_long_caption_stays_on_one_line_under_a_narrow_table() -> None:
    console, buffer = _console()
    console.width = 60
    caption = "2 objects, 2.0 KiB (the first 2: --limit)"
    print_records(console, COLUMNS, RECORDS, caption=caption)
    assert buffer.getvalue().rstrip().splitlines()[-1] == caption


def test_speed_is_shown_in_the_units_of_sizes() -> None:
    progress = Progress(BinarySpeedColumn())
    progress.add_task("x", total=10)
    task = progress.tasks[0]
    task.finished_speed = 3 * 1024 * 1024
    assert str(BinarySpeedColumn().render(task)) == "3.0 MiB/s"
    task.finished_speed = None
    assert str(BinarySpeedColumn().render(task)) == "?"

"""Processes' counter rows in one mapped file: each writes its row, the main process sums them."""

from pathlib import Path

import pytest

from pyaistore.monitoring import request_counters as ops
from pyaistore.monitoring.counter_block import CounterBlock
from pyaistore.monitoring.request_counters import NodeCounters
from pyaistore.wire import metric_names


def test_rows_are_shared_and_summed(tmp_path: Path) -> None:
    columns = len(metric_names.REQUEST_COUNTERS)
    main = CounterBlock(tmp_path / "counters", 3, columns, create=True)
    worker = CounterBlock(tmp_path / "counters", 3, columns, create=False)  # as another process maps it
    try:
        node = NodeCounters(main.row(0), main)
        other = NodeCounters(worker.row(2))
        node.succeeded(ops.GET, 100, 5)
        other.succeeded(ops.GET, 50, 7)
        other.failed(ops.PUT, io_error=True, checksum_error=True)
        totals = node.totals()
        column = metric_names.COLUMN
        assert totals[column["get_count"]] == 2 and totals[column["get_bytes"]] == 150
        assert totals[column["get_ns_total"]] == 12
        assert totals[column["err_put_count"]] == totals[column["err_io_put_count"]] == 1
        assert totals[column["err_put_cksum_count"]] == 1
        with pytest.raises(IndexError):
            main.row(3)
    finally:
        main.close()
        worker.close()


def test_a_new_main_process_starts_from_zero(tmp_path: Path) -> None:
    columns = len(metric_names.REQUEST_COUNTERS)
    first = CounterBlock(tmp_path / "counters", 1, columns, create=True)
    first.row(0)[0] += 5
    first.close()
    again = CounterBlock(tmp_path / "counters", 1, columns, create=True)
    try:
        assert again.totals()[0] == 0
    finally:
        again.close()

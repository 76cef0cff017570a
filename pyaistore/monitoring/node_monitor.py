"""NodeMonitor: what a process of a node keeps for its metrics: its counter row, and its sibling processes."""

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyaistore.monitoring.counter_block import FILE_NAME, CounterBlock
from pyaistore.monitoring.request_counters import NodeCounters
from pyaistore.wire import metric_names

__all__ = ["NodeMonitor"]


def _no_workers() -> Sequence[int]:
    return ()


@dataclass
class NodeMonitor:
    """A process's counters, and (main process) the IDs of the node's other processes, for CPU and memory."""

    counters: NodeCounters = field(
        default_factory=lambda: NodeCounters([0] * len(metric_names.REQUEST_COUNTERS))
    )
    worker_pids: Callable[[], Sequence[int]] = _no_workers
    block: CounterBlock | None = None

    @classmethod
    def shared(cls, data_dir: Path, processes: int, row: int) -> "NodeMonitor":
        """Counters in the node's shared block: made anew by the main process (row 0), mapped by a worker."""
        columns = len(metric_names.REQUEST_COUNTERS)
        block = CounterBlock(data_dir / FILE_NAME, processes, columns, create=row == 0)
        counters = NodeCounters(block.row(row), block if row == 0 else None)
        return cls(counters=counters, block=block)

    def process_ids(self) -> list[int]:
        """This process and the node's HTTP workers."""
        return [os.getpid(), *self.worker_pids()]

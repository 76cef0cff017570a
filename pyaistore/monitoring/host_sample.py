"""Numbers read from the operating system when a node is scraped: its processes' CPU and memory,
the host's memory, CPUs and load, and the file system under each mountpath. Linux `/proc`; a
number that cannot be read is left out rather than guessed."""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = ["DiskUsage", "HostMemory", "disk_usage", "host_memory", "process_usage"]

_TICKS: Final = os.sysconf("SC_CLK_TCK")
_PAGE: Final = os.sysconf("SC_PAGE_SIZE")
_NS_PER_TICK: Final = 1_000_000_000 // _TICKS


def process_usage(pids: Iterable[int]) -> tuple[int, int]:
    """CPU time (ns, user + system) and resident memory (bytes) of the processes, summed (gone: skipped)."""
    cpu_ns = rss = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # Fields after the command name, counted from "state" (field 3 of proc(5)) as index 0.
        cpu_ns += (int(fields[11]) + int(fields[12])) * _NS_PER_TICK
        rss += int(fields[21]) * _PAGE
    return cpu_ns, rss


@dataclass(frozen=True, slots=True)
class HostMemory:
    """The host's memory (bytes)."""

    total: int
    available: int


def host_memory() -> HostMemory | None:
    """MemTotal and MemAvailable from /proc/meminfo; None where it cannot be read."""
    found: dict[str, int] = {}
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                key, _, rest = line.partition(":")
                if key in ("MemTotal", "MemAvailable"):
                    found[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    if len(found) != 2:
        return None
    return HostMemory(found["MemTotal"], found["MemAvailable"])


@dataclass(frozen=True, slots=True)
class DiskUsage:
    """The file system under a mountpath (bytes): its size, what is used, what this node may still use."""

    capacity: int
    used: int
    available: int


def disk_usage(path: str | os.PathLike[str]) -> DiskUsage | None:
    """statvfs of `path`; None when it cannot be read (a disk gone)."""
    try:
        stat = os.statvfs(path)
    except OSError:
        return None
    capacity = stat.f_blocks * stat.f_frsize
    return DiskUsage(capacity, capacity - stat.f_bfree * stat.f_frsize, stat.f_bavail * stat.f_frsize)

"""Read process trees and resident memory from /proc (Linux), without psutil."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def children(pid: int) -> list[int]:
    """Return the direct children of a process."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(child) for child in task.read_text().split())
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Return every descendant of a process, breadth first (bounded by the process table)."""
    found: list[int] = []
    queue = [pid]
    while queue and len(found) < 10_000:
        current = queue.pop(0)
        for child in children(current):
            if child not in found:
                found.append(child)
                queue.append(child)
    return found


def command_line(pid: int) -> str:
    """Return a process's command line with spaces between arguments ('' if it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def rss_bytes(pid: int) -> int | None:
    """Return VmRSS of a process in bytes, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cpu_seconds(pids: Iterable[int]) -> float:
    """utime + stime of the processes so far, in seconds (a process that is gone counts 0)."""
    return sum(cpu_split(pids))


def cpu_split(pids: Iterable[int]) -> tuple[float, float]:
    """(utime, stime) of the processes so far, in seconds: user and kernel time apart."""
    user = system = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        user += int(fields[11])  # utime, stime: fields 14 and 15 of stat(5)
        system += int(fields[12])
    ticks = os.sysconf("SC_CLK_TCK")
    return user / ticks, system / ticks


def machine_cpu() -> tuple[float, float]:
    """(busy, idle) seconds of every CPU of the machine so far (/proc/stat; iowait counts as idle)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    busy = sum(fields[:8]) - idle  # user, nice, system, idle, iowait, irq, softirq, steal
    ticks = os.sysconf("SC_CLK_TCK")
    return busy / ticks, idle / ticks

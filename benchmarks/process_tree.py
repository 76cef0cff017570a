"""Read process trees and resident memory from /proc (Linux), without psutil."""

from __future__ import annotations

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

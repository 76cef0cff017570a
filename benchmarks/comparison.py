"""Side-by-side results of one workload on two peers: ratios, targets, the printed table and JSON."""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from wrk_runner import WrkLoad, WrkResult


@dataclass(frozen=True)
class Workload:
    """One row of the benchmark: GET or PUT of objects of one size, with an optional target ratio."""

    title: str
    mode: str
    stem: str
    size: int
    target_ratio: float | None


@dataclass
class Comparison:
    """A workload's runs on the measured peer (subject) and the reference peer (nginx); best run counts."""

    workload: Workload
    subject_runs: list[WrkResult]
    reference_runs: list[WrkResult]
    note: str = ""

    @staticmethod
    def good_rate(result: WrkResult | None) -> float | None:
        """Return successful requests per second of one run, or None if it did not run."""
        if result is None or result.duration_s <= 0:
            return None
        return result.successful / result.duration_s

    @property
    def subject(self) -> WrkResult | None:
        """Return the subject's best run (most successful requests per second)."""
        return max(self.subject_runs, key=lambda run: self.good_rate(run) or 0.0, default=None)

    @property
    def reference(self) -> WrkResult | None:
        """Return the reference's best run."""
        return max(self.reference_runs, key=lambda run: self.good_rate(run) or 0.0, default=None)

    @property
    def ratio(self) -> float | None:
        """Return subject/reference successful requests per second (best runs)."""
        subject, reference = self.good_rate(self.subject), self.good_rate(self.reference)
        if subject is None or not reference:
            return None
        return subject / reference

    @property
    def verdict(self) -> str:
        """Return ERRORS if any run had failed requests, else PASS/BELOW against the target, or '-'."""
        if any(run.errors for run in [*self.subject_runs, *self.reference_runs]):
            return "ERRORS"
        if self.workload.target_ratio is None or self.ratio is None:
            return "-"
        return "PASS" if self.ratio >= self.workload.target_ratio else "BELOW"


def render_table(rows: list[Comparison], subject_label: str, reference_label: str) -> str:
    """Return the main table (throughput, ratio, target, verdict, errors) as aligned text."""
    header = [
        "workload",
        f"{subject_label} req/s",
        f"{reference_label} req/s",
        f"{subject_label} MiB/s",
        f"{reference_label} MiB/s",
        "ratio (req/s)",
        "target",
        "verdict",
        "errors (subj/ref)",
    ]
    body = []
    for row in rows:
        size = row.workload.size
        body.append(
            [
                row.workload.title,
                _number(row.good_rate(row.subject)),
                _number(row.good_rate(row.reference)),
                _number(row.subject.payload_mib_per_s(size) if row.subject else None),
                _number(row.reference.payload_mib_per_s(size) if row.reference else None),
                f"{row.ratio:.3f}" if row.ratio is not None else "-",
                f">= {row.workload.target_ratio}" if row.workload.target_ratio else "-",
                row.verdict,
                f"{_errors(row.subject_runs)}/{_errors(row.reference_runs)}",
            ]
        )
    return _align([header, *body])


def render_latency_table(rows: list[Comparison], subject_label: str, reference_label: str) -> str:
    """Return a table of p50/p99/max latency in milliseconds for both peers."""
    header = ["workload", f"{subject_label} p50/p99/max ms", f"{reference_label} p50/p99/max ms"]
    body = [[row.workload.title, _latency(row.subject), _latency(row.reference)] for row in rows]
    return _align([header, *body])


def render_cpu_table(rows: list[Comparison], subject_label: str, reference_label: str) -> str:
    """Return the serving processes' CPU-µs per request: the best run's, and the range over all runs."""
    header = [
        "workload",
        f"{subject_label} CPU-µs/req best (range)",
        f"{reference_label} CPU-µs/req best (range)",
    ]
    body = [
        [row.workload.title, _cpu(row.subject, row.subject_runs), _cpu(row.reference, row.reference_runs)]
        for row in rows
    ]
    return _align([header, *body])


def write_json(rows: list[Comparison], load: WrkLoad, setup: dict[str, object], directory: Path) -> Path:
    """Write every figure to <directory>/<timestamp>.json and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    document = {
        "timestamp": stamp,
        "host": {"cpus": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()},
        "load": asdict(load),
        "setup": setup,
        "rows": [
            {
                "workload": asdict(row.workload),
                "subject_runs": [asdict(run) for run in row.subject_runs],
                "reference_runs": [asdict(run) for run in row.reference_runs],
                "subject_good_req_per_s": row.good_rate(row.subject),
                "reference_good_req_per_s": row.good_rate(row.reference),
                "ratio": row.ratio,
                "verdict": row.verdict,
                "note": row.note,
            }
            for row in rows
        ],
    }
    path = directory / f"{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def _number(value: float | None) -> str:
    """Format a rate for the table."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _errors(runs: list[WrkResult]) -> str:
    """Summarise the failures over all runs, e.g. '0' or '12 (http 10, sock 2)'."""
    if not runs:
        return "-"
    http = sum(run.non_2xx_3xx for run in runs)
    sock = sum(run.socket_errors for run in runs)
    timeout = sum(run.timeouts for run in runs)
    if not http + sock + timeout:
        return "0"
    parts = [f"http {http}", f"sock {sock}", f"timeout {timeout}"]
    return f"{http + sock + timeout} ({', '.join(part for part in parts if not part.endswith(' 0'))})"


def _latency(result: WrkResult | None) -> str:
    """Format p50/p99/max latency of a run."""
    if result is None:
        return "-"
    return f"{result.latency_p50_ms:.2f} / {result.latency_p99_ms:.2f} / {result.latency_max_ms:.0f}"


def _cpu(best: WrkResult | None, runs: list[WrkResult]) -> str:
    """Format CPU-µs per request of the best run and the range over every run."""
    costs = [cost for cost in (run.cpu_us_per_request for run in runs) if cost is not None]
    if best is None or best.cpu_us_per_request is None or not costs:
        return "-"
    return f"{best.cpu_us_per_request:.0f} ({min(costs):.0f}-{max(costs):.0f})"


def _align(rows: list[list[str]]) -> str:
    """Left-align the first column, right-align the rest, with a rule under the header."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        right = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *right]
        lines.append(" | ".join(cells))
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


__all__ = ["Comparison", "Workload", "render_cpu_table", "render_latency_table", "render_table", "write_json"]

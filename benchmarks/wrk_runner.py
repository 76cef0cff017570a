"""Run wrk with benchmarks/lua/objects.lua and parse its report into a WrkResult."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "lua" / "objects.lua"
UNIT_FACTORS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
MIB = 1024 * 1024


@dataclass(frozen=True)
class WrkLoad:
    """The load shape shared by every run: threads, connections, duration and request timeout."""

    threads: int = 2
    connections: int = 32
    duration_s: int = 10
    timeout_s: int = 30


@dataclass(frozen=True)
class WrkTarget:
    """What to hit: base URL, how names map to paths, and the GET/PUT name space."""

    url: str
    path_prefix: str
    path_suffix: str
    mode: str
    stem: str
    count: int = 1
    width: int = 1
    body_file: Path | None = None


@dataclass
class WrkResult:
    """wrk's figures for one run; errors are kept apart so a failing run cannot hide."""

    requests_per_s: float
    transfer_bytes_per_s: float
    requests: int
    bytes_read: int
    duration_s: float
    non_2xx_3xx: int
    socket_errors: int
    timeouts: int
    latency_p50_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    # CPU seconds (utime + stime) the serving processes spent during the run; 0 when not measured.
    server_cpu_s: float = 0.0
    # Of which in the kernel (stime); 0 when not measured.
    server_kernel_s: float = 0.0

    @property
    def errors(self) -> int:
        """Return every failure wrk counted: HTTP >= 400, socket errors and timeouts."""
        return self.non_2xx_3xx + self.socket_errors + self.timeouts

    @property
    def successful(self) -> int:
        """Return completed requests with a status below 400 (wrk counts socket errors apart)."""
        return max(self.requests - self.non_2xx_3xx, 0)

    @property
    def cpu_us_per_request(self) -> float | None:
        """Return the serving processes' CPU microseconds per successful request, if measured."""
        if not self.server_cpu_s or not self.successful:
            return None
        return self.server_cpu_s / self.successful * 1e6

    @property
    def kernel_us_per_request(self) -> float | None:
        """Return the kernel part (stime) of cpu_us_per_request, if measured."""
        if not self.server_cpu_s or not self.successful:
            return None
        return self.server_kernel_s / self.successful * 1e6

    def payload_mib_per_s(self, object_size: int) -> float:
        """Return object payload throughput (successful requests x object size) in MiB/s."""
        return self.successful * object_size / self.duration_s / MIB if self.duration_s else 0.0


def run_wrk(wrk: str, load: WrkLoad, target: WrkTarget, duration_s: int | None = None) -> WrkResult:
    """Run wrk once against target and return its parsed result; raise if wrk itself fails."""
    seconds = duration_s if duration_s is not None else load.duration_s
    command = [
        wrk,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds}s",
        f"--timeout={load.timeout_s}s",
        "-s",
        str(LUA_SCRIPT),
        target.url,
        "--",
        target.mode,
        target.path_prefix,
        target.path_suffix,
        target.stem,
        str(target.count),
        str(target.width),
        str(target.body_file or ""),
    ]
    process = subprocess.run(command, capture_output=True, text=True, timeout=seconds + load.timeout_s + 60)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {process.stderr.strip() or process.stdout}")
    return parse_wrk_output(process.stdout)


def parse_wrk_output(text: str) -> WrkResult:
    """Parse wrk's text report plus the WRK_JSON line printed by objects.lua's done()."""
    requests_per_s = _search_float(r"^Requests/sec:\s+([\d.]+)", text)
    transfer = re.search(r"^Transfer/sec:\s+([\d.]+)([KMGT]?)B", text, re.MULTILINE)
    if requests_per_s is None or transfer is None:
        raise ValueError(f"unrecognised wrk output:\n{text}")
    transfer_bytes_per_s = float(transfer.group(1)) * UNIT_FACTORS[transfer.group(2)]
    summary_line = re.search(r"^WRK_JSON (\{.*\})$", text, re.MULTILINE)
    if summary_line is None:
        raise ValueError(f"wrk output lacks the WRK_JSON summary line:\n{text}")
    summary = json.loads(summary_line.group(1))
    non_2xx = _search_float(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non_2xx is not None and int(non_2xx) != summary["status_errors"]:
        raise ValueError(f"wrk text and summary disagree on non-2xx/3xx counts:\n{text}")
    return WrkResult(
        requests_per_s=requests_per_s,
        transfer_bytes_per_s=transfer_bytes_per_s,
        requests=summary["requests"],
        bytes_read=summary["bytes"],
        duration_s=summary["duration_us"] / 1e6,
        non_2xx_3xx=summary["status_errors"],
        socket_errors=summary["connect_errors"] + summary["read_errors"] + summary["write_errors"],
        timeouts=summary["timeouts"],
        latency_p50_ms=summary["latency_p50_us"] / 1000,
        latency_p99_ms=summary["latency_p99_us"] / 1000,
        latency_max_ms=summary["latency_max_us"] / 1000,
    )


def _search_float(pattern: str, text: str) -> float | None:
    """Return the first capture of pattern in text as a float, or None."""
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else None

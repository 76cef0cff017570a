"""Sample the resident memory (VmRSS) of a set of processes in a background thread, tagged by phase."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from process_tree import rss_bytes


@dataclass
class PhasePeaks:
    """Per process: the peak RSS seen in each phase (bytes)."""

    peaks: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def record(self, process: str, phase: str, rss: int) -> None:
        """Keep the highest RSS of a process in a phase."""
        current = self.peaks[process].get(phase, 0)
        self.peaks[process][phase] = max(current, rss)


class RssSampler:
    """Read /proc/<pid>/status every `interval_s` seconds until stopped; `phase` labels the samples."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.2) -> None:
        """Remember what to sample; call start() to begin."""
        self.pids = dict(pids)
        self.interval_s = interval_s
        self.phase = "before"
        self.samples = 0
        self.result = PhasePeaks()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def start(self) -> None:
        """Start sampling in the background."""
        self._thread.start()

    def stop(self) -> PhasePeaks:
        """Stop sampling and return the peaks."""
        self._stop.set()
        self._thread.join(timeout=5)
        return self.result

    def sample_once(self) -> None:
        """Take one sample of every process under the current phase."""
        phase = self.phase
        for name, pid in self.pids.items():
            rss = rss_bytes(pid)
            if rss is not None:
                self.result.record(name, phase, rss)
        self.samples += 1

    def _run(self) -> None:
        """Sample until stop() is called."""
        while not self._stop.is_set():
            self.sample_once()
            self._stop.wait(self.interval_s)

"""The rebalance metadata (AIS's RMD) every node holds: which generation of global rebalance is the
latest, and whether it is still running (targets then look for missing objects on their
neighbours). The primary owns it and pushes it with the other cluster tables; `revision` grows on
every change, so a node takes a pushed copy only when it is newer than its own."""

from dataclasses import dataclass
from typing import Any, Final

__all__ = ["JOB_ID_PREFIX", "RebalanceMeta", "generation_of", "job_id"]

JOB_ID_PREFIX: Final = "g"


def job_id(generation: int) -> str:
    """The job ID of a rebalance generation, as AIS names it: g<N>."""
    return f"{JOB_ID_PREFIX}{generation}"


def generation_of(text: str) -> int | None:
    """N of a rebalance job ID g<N>, or None when `text` is not one."""
    if text.startswith(JOB_ID_PREFIX) and text[1:].isdigit():
        return int(text[1:])
    return None


@dataclass(frozen=True, slots=True)
class RebalanceMeta:
    """Generation N (job g<N>), whether it runs or ended before every object moved, and the
    revision of this record. Until a generation ends cleanly some objects may still sit on
    their previous owner, so targets look for missing objects on their neighbours."""

    generation: int = 0
    running: bool = False
    incomplete: bool = False
    revision: int = 0
    # The cluster map version the generation was started for: it covers every change up to it.
    smap_version: int = 0

    @property
    def unsettled(self) -> bool:
        """True while objects may sit elsewhere than on their owner (running, or ended unclean)."""
        return self.running or self.incomplete

    def started(self, smap_version: int = 0) -> "RebalanceMeta":
        """The record of a new generation, running, for the map of version `smap_version`."""
        return RebalanceMeta(self.generation + 1, True, False, self.revision + 1, smap_version)

    def finished(self, generation: int, clean: bool) -> "RebalanceMeta":
        """The record once `generation` ended (unchanged when a newer one has started)."""
        if generation != self.generation or not self.running:
            return self
        return RebalanceMeta(self.generation, False, not clean, self.revision + 1, self.smap_version)

    def to_json(self) -> dict[str, Any]:
        """Wire shape."""
        return {
            "generation": self.generation,
            "running": self.running,
            "incomplete": self.incomplete,
            "revision": self.revision,
            "smap_version": self.smap_version,
        }

    @classmethod
    def from_json(cls, data: Any) -> "RebalanceMeta":
        """Parse; ValueError on a wrong shape."""
        if not isinstance(data, dict):
            raise ValueError("rebalance metadata must be a JSON object")
        generation, revision = data.get("generation"), data.get("revision")
        running, incomplete = data.get("running"), data.get("incomplete", False)
        smap_version = data.get("smap_version", 0)
        if type(generation) is not int or type(revision) is not int or type(smap_version) is not int:
            raise ValueError("rebalance metadata: generation, revision and smap_version must be integers")
        if type(running) is not bool or type(incomplete) is not bool:
            raise ValueError("rebalance metadata: running and incomplete must be booleans")
        return cls(generation, running, incomplete, revision, smap_version)

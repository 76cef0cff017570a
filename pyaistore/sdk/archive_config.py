"""Which member(s) of an archived object (a tar, tgz, tar.lz4 or zip shard) to read."""

from dataclasses import dataclass
from enum import StrEnum

from pyaistore.sdk import const

__all__ = ["ArchiveConfig", "ArchiveMode"]


class ArchiveMode(StrEnum):
    """How `regex` matches member names."""

    REGEXP = const.ARCH_MODE_REGEXP
    PREFIX = const.ARCH_MODE_PREFIX
    SUFFIX = const.ARCH_MODE_SUFFIX
    SUBSTR = const.ARCH_MODE_SUBSTR
    WDSKEY = const.ARCH_MODE_WDSKEY


@dataclass(frozen=True)
class ArchiveConfig:
    """Select one member by path, or several by pattern (returned packed as a tar).

    Args:
        archpath: the path of one member inside the archive.
        regex: a pattern selecting members; requires `mode`.
        mode: how `regex` matches.

    Raises:
        ValueError: `regex` without `mode` or the reverse, or both `archpath` and `regex`.
    """

    archpath: str = ""
    regex: str = ""
    mode: ArchiveMode | None = None

    def __post_init__(self) -> None:
        if bool(self.mode) != bool(self.regex):
            raise ValueError("Archive regex and archive mode must be given together")
        if self.regex and self.archpath:
            raise ValueError("Cannot use both Archive regex and Archive path")

    def update_qparams(self, params: dict[str, str]) -> None:
        """Add the archive query parameters to a request's parameters."""
        if self.archpath:
            params[const.QPARAM_ARCHPATH] = self.archpath
        if self.regex and self.mode:
            params[const.QPARAM_ARCHREGX] = self.regex
            params[const.QPARAM_ARCHMODE] = str(self.mode)

"""Selecting archived files by pattern (`archregx` + `archmode`), as AIS's cmn/archive matcher does.

Modes: regexp (searched anywhere in the name, like Go's MatchString), prefix, suffix, substr, and
wdskey, the WebDataset key: the name without its extension and without a leading "/", so the key
"subdir/aaa" selects "subdir/aaa.jpg" and "subdir/aaa.json". An empty pattern (or "*") matches
every file whatever the mode.
"""

import re
from typing import Final

from pyaistore.storage.errors import ArchiveError
from pyaistore.wire import query

__all__ = ["Matcher", "validate_mode", "wds_key"]

_MATCH_ALL: Final = ("", "*")


def validate_mode(mode: str) -> str:
    """The mode itself, prefix for "" or "*"; ArchiveError for an unknown one."""
    if mode in _MATCH_ALL:
        return query.ARCH_MODE_PREFIX
    if mode not in query.ARCH_MODES:
        expected = "[" + " ".join(query.ARCH_MODES) + "]"
        raise ArchiveError(f'invalid matching mode "{mode}", expecting one of: {expected}')
    return mode


def wds_key(path: str) -> str:
    """The WebDataset key of a name: its extension (Go's filepath.Ext) and one leading "/" removed."""
    dot = path.rfind(".")
    key = path[:dot] if dot > path.rfind("/") else path
    return key[1:] if key.startswith("/") else key


class Matcher:
    """A compiled selection: `matches(name)` says whether an archived file is selected."""

    def __init__(self, pattern: str, mode: str) -> None:
        """ArchiveError for an unknown mode or an invalid regular expression."""
        self.pattern = pattern
        self.mode = validate_mode(mode)
        self._regex: re.Pattern[str] | None = None
        if pattern in _MATCH_ALL:
            self.mode = query.ARCH_MODE_PREFIX
        elif self.mode == query.ARCH_MODE_REGEXP:
            try:
                self._regex = re.compile(pattern)
            except re.error as exc:
                raise ArchiveError(f"invalid archregx {pattern!r}: {exc}") from exc

    def matches(self, name: str) -> bool:
        """Whether `name` is selected."""
        if self.pattern in _MATCH_ALL:
            return True
        if self._regex is not None:
            return self._regex.search(name) is not None
        if self.mode == query.ARCH_MODE_PREFIX:
            return name.startswith(self.pattern)
        if self.mode == query.ARCH_MODE_SUFFIX:
            return name.endswith(self.pattern)
        if self.mode == query.ARCH_MODE_SUBSTR:
            return self.pattern in name
        return self.pattern == wds_key(name)

    def describe(self) -> str:
        """The selection as AIS names it in messages: (archregx=..., archmode=...)."""
        return f"({query.ARCHREGX}={self.pattern}, {query.ARCHMODE}={self.mode})"

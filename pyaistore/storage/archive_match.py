"""Selecting archived files by pattern (`archregx` + `archmode`), as AIS's cmn/archive matcher does.

Modes: regexp (searched anywhere in the name, like Go's MatchString), prefix, suffix, substr, and
wdskey, the WebDataset key: the name without its extension and without a leading "/", so the key
"subdir/aaa" selects "subdir/aaa.jpg" and "subdir/aaa.json". An empty pattern (or "*") matches
every file whatever the mode.

Patterns run on RE2 (`google-re2`), as Go's regexp does in AIS: matching takes time linear in the
name, whatever the pattern, so no `(a+)+$` can stall a node (Python's `re` backtracks, and holds
the GIL while it does). RE2's syntax is Go's: no backreferences or lookarounds (400).
"""

from typing import Any, Final

import re2

from pyaistore.storage.errors import ArchiveError
from pyaistore.wire import query
from pyaistore.wire.limits import MAX_ARCHIVE_PATTERN

__all__ = ["Matcher", "validate_mode", "wds_key"]

_MATCH_ALL: Final = ("", "*")
# Compiled programs are bounded too (RE2 refuses a pattern whose automaton needs more memory).
_RE2_MAX_MEMORY: Final = 8 << 20


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MAX_MEMORY
    return options


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
        self._regex: Any = None
        if len(pattern) > MAX_ARCHIVE_PATTERN:
            raise ArchiveError(f"{query.ARCHREGX} longer than {MAX_ARCHIVE_PATTERN} characters")
        if pattern in _MATCH_ALL:
            self.mode = query.ARCH_MODE_PREFIX
        elif self.mode == query.ARCH_MODE_REGEXP:
            try:
                self._regex = re2.compile(pattern, _options())
            except re2.error as exc:
                raise ArchiveError(f"invalid archregx {pattern[:128]!r}: {_reason(exc)}") from exc

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


def _reason(exc: Exception) -> str:
    detail = exc.args[0] if exc.args else exc
    return detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)

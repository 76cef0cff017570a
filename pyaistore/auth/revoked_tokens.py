"""The revoked tokens a node refuses, persisted atomically so a restart forgets none.

A token is kept only until it expires (it would be refused then anyway): `add` drops the
expired ones each time, so the list stays as small as the set of live revoked tokens.
"""

import json
import os
import threading
import time
from pathlib import Path
from typing import Final

__all__ = ["RevokedTokens"]

FILE_NAME: Final = "revoked_tokens.json"


class RevokedTokens:
    """A set of token strings with their expiry times; optionally persisted in `directory`."""

    def __init__(self, directory: Path | None = None) -> None:
        self._path = directory / FILE_NAME if directory is not None else None
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()
        if self._path is not None and self._path.exists():
            loaded = json.loads(self._path.read_text())
            self._expiry = {str(k): float(v) for k, v in loaded.items()}

    def __contains__(self, token: object) -> bool:
        return token in self._expiry

    def __len__(self) -> int:
        return len(self._expiry)

    def tokens(self) -> list[str]:
        """Every token held."""
        return list(self._expiry)

    def add(self, tokens: dict[str, float], now: float | None = None) -> bool:
        """Add token -> expiry entries, drop expired ones and persist; True when anything changed."""
        now = time.time() if now is None else now
        with self._lock:
            before = dict(self._expiry)
            self._expiry.update(tokens)
            self._expiry = {token: expiry for token, expiry in self._expiry.items() if expiry > now}
            changed = self._expiry != before
            if changed:
                self._save()
        return changed

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(self._expiry, handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self._path)

"""The cluster secret: what proves a request comes from a member of this cluster.

The primary creates it at its first start and keeps it in `<data>/cluster_secret` (mode 0600),
as it keeps the cluster UUID (cluster_identity). A target gets it in the reply to its join and
keeps it the same way, so it survives restarts. Every node-to-node call carries it (with
`Ais-Caller-Id`), and every internal route refuses a request without it (web/cluster_auth.py).
A node that forgets its cluster (decommission) forgets the secret too.
"""

import hmac
import os
import secrets
from pathlib import Path
from typing import Final

__all__ = ["SECRET_FILE", "create", "load", "load_or_create", "matches", "save"]

SECRET_FILE: Final = "cluster_secret"
_BYTES: Final = 32


def create() -> str:
    """A fresh secret: 32 random bytes, URL-safe text."""
    return secrets.token_urlsafe(_BYTES)


def load(data_dir: Path) -> str:
    """The secret this node keeps, or "" when it has none (a fresh target, before its first join)."""
    try:
        return (data_dir / SECRET_FILE).read_text().strip()
    except FileNotFoundError:
        return ""


def save(data_dir: Path, secret: str) -> None:
    """Keep the secret atomically, readable by this user only (temp file, fsync, rename)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def load_or_create(data_dir: Path) -> str:
    """The primary's secret, created on its first start."""
    secret = load(data_dir)
    if not secret:
        secret = create()
        save(data_dir, secret)
    return secret


def matches(expected: str, given: str) -> bool:
    """True when `given` is this node's secret (never when it has none); constant-time."""
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode(errors="replace"))

"""The cluster's ETL table (AIS's etlMD): every defined ETL, its init message and stage, versioned.

The primary owns it (MetaOwner persists and pushes it); every node holds the newest version it
has seen in ClusterMeta. Entries are immutable; each change returns a new table one version up.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from pyaistore.storage import layout
from pyaistore.storage.meta_store import save_file

VERSION_KEY: Final = "version"
ETLS_KEY: Final = "etls"
INIT_MSG_KEY: Final = "init_msg"
STAGE_KEY: Final = "stage"
XACTION_KEY: Final = "xaction_id"
SECRET_KEY: Final = "secret"


@dataclass(frozen=True, slots=True)
class EtlEntry:
    """One ETL: its init message as received, its stage, the current instance ID and callback secret."""

    init_msg: MappingProxyType[str, Any]
    stage: str
    xaction_id: str = ""
    secret: str = ""

    @property
    def name(self) -> str:
        """The ETL's name."""
        return str(self.init_msg.get("name", ""))

    def to_json(self) -> dict[str, Any]:
        """Serialise."""
        return {
            INIT_MSG_KEY: dict(self.init_msg),
            STAGE_KEY: self.stage,
            XACTION_KEY: self.xaction_id,
            SECRET_KEY: self.secret,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EtlEntry":
        """Parse."""
        return cls(
            init_msg=MappingProxyType(dict(data.get(INIT_MSG_KEY) or {})),
            stage=str(data.get(STAGE_KEY, "")),
            xaction_id=str(data.get(XACTION_KEY, "")),
            secret=str(data.get(SECRET_KEY, "")),
        )


@dataclass(frozen=True, slots=True)
class EtlTable:
    """All ETLs by name, with a version that grows by one on every change."""

    version: int = 0
    entries: MappingProxyType[str, EtlEntry] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, name: str) -> EtlEntry | None:
        """The entry for `name`, if defined."""
        return self.entries.get(name)

    def with_entry(self, entry: EtlEntry) -> "EtlTable":
        """A new version with `entry` added or replaced."""
        return EtlTable(self.version + 1, MappingProxyType({**self.entries, entry.name: entry}))

    def without(self, name: str) -> "EtlTable":
        """A new version without `name`."""
        remaining = {key: value for key, value in self.entries.items() if key != name}
        return EtlTable(self.version + 1, MappingProxyType(remaining))

    def to_json(self) -> dict[str, Any]:
        """Serialise."""
        return {VERSION_KEY: self.version, ETLS_KEY: {k: v.to_json() for k, v in self.entries.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EtlTable":
        """Parse."""
        entries = {name: EtlEntry.from_json(value) for name, value in (data.get(ETLS_KEY) or {}).items()}
        return cls(int(data.get(VERSION_KEY) or 0), MappingProxyType(entries))

    def save(self, path: Path) -> None:
        """Blocking: write atomically (temp file, fsync, rename)."""
        temp = path.with_name(f".{path.name}.{layout.new_token()}.tmp")
        save_file(path, json.dumps(self.to_json(), separators=(",", ":")).encode(), temp)

    @classmethod
    def load(cls, path: Path) -> "EtlTable":
        """Blocking: read a saved table; an empty one when there is none."""
        try:
            return cls.from_json(json.loads(path.read_bytes()))
        except FileNotFoundError:
            return cls()

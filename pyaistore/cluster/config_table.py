"""Config values set at run time: the cluster's table (AIS's cluster config) and a node's overrides.

The primary owns the cluster table (MetaOwner persists it as `config.json` and pushes it with the
other tables; every node holds the newest version it has seen in ClusterMeta). A node's own
overrides (`set-config` sent to that node) are the same shape, kept in its data dir as
`config_override.json`. Values are canonical strings keyed by dotted name (config_settings.py);
a node runs with its start-up config, then the cluster's values, then its overrides.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from pyaistore.storage import layout
from pyaistore.storage.meta_store import save_file

__all__ = ["CLUSTER_FILE", "OVERRIDE_FILE", "ConfigTable"]

CLUSTER_FILE: Final = "config.json"
OVERRIDE_FILE: Final = "config_override.json"
VERSION_KEY: Final = "version"
VALUES_KEY: Final = "values"


@dataclass(frozen=True, slots=True)
class ConfigTable:
    """Dotted key -> canonical value, with a version that grows by one on every change."""

    version: int = 0
    values: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def with_values(self, values: dict[str, str]) -> "ConfigTable":
        """A new version with `values` added or replaced."""
        return ConfigTable(self.version + 1, MappingProxyType({**self.values, **values}))

    def to_json(self) -> dict[str, Any]:
        """Serialise."""
        return {VERSION_KEY: self.version, VALUES_KEY: dict(self.values)}

    @classmethod
    def from_json(cls, data: Any) -> "ConfigTable":
        """Parse; ValueError when malformed."""
        if not isinstance(data, dict):
            raise ValueError("config table: expected an object")
        values = data.get(VALUES_KEY) or {}
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise ValueError("config table: values must map names to strings")
        return cls(int(data.get(VERSION_KEY) or 0), MappingProxyType({str(k): v for k, v in values.items()}))

    def save(self, path: Path) -> None:
        """Blocking: write atomically (temp file, fsync, rename)."""
        temp = path.with_name(f".{path.name}.{layout.new_token()}.tmp")
        save_file(path, json.dumps(self.to_json(), separators=(",", ":")).encode(), temp)

    @classmethod
    def load(cls, path: Path) -> "ConfigTable":
        """Blocking: read a saved table; an empty one when there is none."""
        try:
            return cls.from_json(json.loads(path.read_bytes()))
        except FileNotFoundError:
            return cls()

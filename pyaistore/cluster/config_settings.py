"""The configuration keys a client may read and set, in AIS's dotted spelling (`log.level`).

Each key names one `NodeConfig` field. Where AIS has the same setting its key is AIS's
(`timeout.max_keepalive`, `keepalivetracker.target.interval`, `timeout.startup_time`); the rest
are this cluster's own, placed in the section an AIS reader would look in. A key is *runtime*
when the node reads the field at each use, so a new value takes effect at once; any other key
is shown but refused by set-config (400 naming the key), since it is read once at start.

Values travel and are stored as canonical strings: durations in Go's spelling (`90s`, `1m30s`,
`500ms`; a bare number means seconds), levels upper case, booleans `true`/`false`.
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final

from pyaistore.cluster.errors import BadRequest
from pyaistore.config import NodeConfig

__all__ = [
    "SETTINGS",
    "ConfigKeyReadOnly",
    "InvalidConfigValue",
    "Setting",
    "UnknownConfigKey",
    "apply",
    "flatten",
    "format_duration",
    "nested",
    "parse_duration",
    "parse_settings",
    "render",
]


class UnknownConfigKey(BadRequest):
    """set-config names a key this cluster does not have."""

    def __init__(self, key: str) -> None:
        super().__init__(f'unknown config key "{key}"')


class ConfigKeyReadOnly(BadRequest):
    """set-config names a key that is read once at start (it cannot change at run time)."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f'config key "{key}" cannot be changed at run time (it is read when the node starts)'
        )


class InvalidConfigValue(BadRequest):
    """set-config gives a key a value of the wrong kind or out of range."""

    def __init__(self, key: str, value: str, expected: str) -> None:
        super().__init__(f'invalid value "{value[:64]}" for config key "{key}": expected {expected}')


_UNITS: Final = MappingProxyType(
    {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
)
_DURATION: Final = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def parse_duration(text: str) -> float:
    """Seconds in a Go duration (`1m30s`, `500ms`) or a bare number of seconds; ValueError otherwise."""
    text = text.strip()
    if not text:
        raise ValueError("empty duration")
    try:
        seconds = float(text)
    except ValueError:
        position, seconds = 0, 0.0
        for match in _DURATION.finditer(text):
            if match.start() != position:
                break
            seconds += float(match.group(1)) * _UNITS[match.group(2)]
            position = match.end()
        if position != len(text):
            raise ValueError(f"not a duration: {text!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a duration: {text!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Go's spelling of a duration: whole hours, minutes and seconds, or milliseconds below a second."""
    if 0 < seconds < 1:
        return f"{seconds * 1000:g}ms"
    whole, fraction = divmod(seconds, 1.0)
    hours, rest = divmod(int(whole), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h" if hours else ""
    if hours or minutes:
        text += f"{minutes}m"
    return text + f"{secs + fraction:g}s"


@dataclass(frozen=True, slots=True)
class Setting:
    """One key: the field it sets, how its value is read and written, whether it applies at once."""

    key: str
    field: str
    kind: str  # "duration", "count" (int >= 1), "level", "bool", "text"
    runtime: bool
    # For keys whose field may be None (startup_time): the value shown when it is.
    default: Callable[[NodeConfig], Any] | None = None

    def canonical(self, raw: str) -> str:
        """The stored spelling of `raw`; InvalidConfigValue when it is not one of this kind."""
        value = raw.strip()
        try:
            if self.kind == "duration":
                return format_duration(parse_duration(value))
            if self.kind == "count":
                if int(value) < 1:
                    raise ValueError(value)
                return str(int(value))
        except ValueError:
            expected = (
                "a duration such as 30s, 1m30s or 500ms" if self.kind == "duration" else "an integer >= 1"
            )
            raise InvalidConfigValue(self.key, raw, expected) from None
        if self.kind == "level":
            if value.upper() not in _LEVELS:
                raise InvalidConfigValue(self.key, raw, "one of " + ", ".join(_LEVELS))
            return value.upper()
        if self.kind == "bool":
            if value.lower() not in {"true", "false"}:
                raise InvalidConfigValue(self.key, raw, "true or false")
            return value.lower()
        return value

    def typed(self, canonical: str) -> Any:
        """The field value of a canonical string."""
        if self.kind == "duration":
            return parse_duration(canonical)
        if self.kind == "count":
            return int(canonical)
        if self.kind == "bool":
            return canonical == "true"
        return canonical

    def shown(self, config: NodeConfig) -> str:
        """The field's current value in the canonical spelling."""
        value = getattr(config, self.field)
        if value is None and self.default is not None:
            value = self.default(config)
        if self.kind == "duration":
            return format_duration(float(value))
        if self.kind == "bool":
            return "true" if value else "false"
        return str(value)


def _startup_grace(config: NodeConfig) -> float:
    return config.startup_grace_seconds


SETTINGS: Final[Mapping[str, Setting]] = MappingProxyType(
    {
        setting.key: setting
        for setting in (
            Setting("log.level", "log_level", "level", runtime=True),
            Setting("timeout.body_idle", "body_timeout", "duration", runtime=True),
            Setting("rebalance.workers", "rebalance_workers", "count", runtime=True),
            Setting("keepalivetracker.target.interval", "keepalive_interval", "duration", runtime=False),
            Setting("timeout.max_keepalive", "keepalive_timeout", "duration", runtime=False),
            Setting(
                "timeout.startup_time", "startup_grace", "duration", runtime=False, default=_startup_grace
            ),
            Setting("fshc.check_interval", "disk_check_interval", "duration", runtime=False),
            Setting("xaction.idle_linger", "job_idle_linger", "duration", runtime=False),
            Setting("multipart.idle_expiry", "multipart_idle_expiry", "duration", runtime=False),
            Setting("multipart.sweep_interval", "multipart_sweep_interval", "duration", runtime=False),
            Setting("disk.fsync", "fsync", "bool", runtime=False),
            Setting("s3.at_root", "s3_at_root", "bool", runtime=False),
            Setting("s3.domains", "s3_domains", "text", runtime=False),
        )
    }
)


def parse_settings(pairs: Mapping[str, str]) -> dict[str, str]:
    """Check every pair (key known, runtime, value valid) and return them canonical.

    Raises BadRequest when there is nothing to set, UnknownConfigKey, ConfigKeyReadOnly or
    InvalidConfigValue naming the first key at fault.
    """
    if not pairs:
        raise BadRequest("no config keys to set (give KEY=VALUE)")
    result: dict[str, str] = {}
    for raw_key, raw_value in pairs.items():
        key = raw_key.strip().lower()
        setting = SETTINGS.get(key)
        if setting is None:
            raise UnknownConfigKey(raw_key[:128])
        if not setting.runtime:
            raise ConfigKeyReadOnly(key)
        result[key] = setting.canonical(raw_value)
    return result


def apply(config: NodeConfig, *layers: Mapping[str, str]) -> NodeConfig:
    """`config` with each layer's canonical values laid over it, later layers winning."""
    changes: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            setting = SETTINGS.get(key)
            if setting is not None and setting.runtime:
                changes[setting.field] = setting.typed(value)
    return replace(config, **changes) if changes else config


def render(config: NodeConfig) -> dict[str, str]:
    """Every key's current value, canonical, in key order."""
    return {key: SETTINGS[key].shown(config) for key in sorted(SETTINGS)}


def nested(flat: Mapping[str, Any]) -> dict[str, Any]:
    """`{"log.level": x}` as AIS's sections: `{"log": {"level": x}}`."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        *sections, leaf = key.split(".")
        node = tree
        for section in sections:
            node = node.setdefault(section, {})
        node[leaf] = value
    return tree


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """AIS's nested set-config message (`{"log": {"level": "DEBUG"}}`) as dotted keys and strings."""
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, key + "."))
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        else:
            flat[key] = str(value)
    return flat

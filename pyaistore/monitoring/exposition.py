"""The Prometheus text format (version 0.0.4), written as client_golang writes AIS's metrics.

Why not prometheus_client's writer: it appends `_total` to every counter's name, and AIS's
counters (`ais_target_get_count`) have none. prometheus_client's parser reads what this writes
(the tests check it); `parse` uses it to read other nodes' expositions back (the proxy's
dashboard state).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from prometheus_client.parser import text_string_to_metric_families

from pyaistore.wire import metric_names
from pyaistore.wire.metric_names import MetricDef

__all__ = ["Family", "Sample", "parse", "render"]


@dataclass(slots=True)
class Family:
    """One metric family: its definition's full name, kind and help, and its samples."""

    name: str
    kind: str
    help: str
    samples: list[tuple[Mapping[str, str], float]] = field(default_factory=list)

    @classmethod
    def of(cls, metric: MetricDef, role: str) -> "Family":
        """An empty family for `metric` on a node of `role`."""
        return cls(metric.full_name(role), metric.kind, metric.help)

    def add(self, labels: Mapping[str, str], value: float) -> "Family":
        """Add one sample."""
        self.samples.append((labels, value))
        return self


@dataclass(frozen=True, slots=True)
class Sample:
    """One sample read back: full metric name, labels, value."""

    name: str
    labels: Mapping[str, str]
    value: float


# The names nodes write; prometheus_client's parser names a counter's samples `<family>_total`.
_KNOWN: Final = frozenset(m.full_name(role) for m in metric_names.ALL for role in m.roles)


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value)


def render(families: Iterable[Family]) -> str:
    """The exposition text; labels sorted by name, families without samples left out."""
    lines: list[str] = []
    for family in families:
        if not family.samples:
            continue
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for labels, value in family.samples:
            text = ",".join(f'{key}="{_escape_value(labels[key])}"' for key in sorted(labels))
            lines.append(f"{family.name}{{{text}}} {_number(value)}")
    return "\n".join(lines) + "\n"


def parse(text: str) -> list[Sample]:
    """Samples of a node's exposition, under the names it wrote.

    Raises ValueError when the text is not the Prometheus format.
    """
    samples: list[Sample] = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name = family.name if family.name in _KNOWN else sample.name
            samples.append(Sample(name, dict(sample.labels), float(sample.value)))
    return samples

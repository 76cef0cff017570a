"""Reading the nodes' Prometheus metrics (GET /metrics, and every node's through a proxy).

A small parser of the text format (version 0.0.4) as nodes write it, so the base SDK needs no
Prometheus library; `NodeMetrics` answers "what is this counter's value" by the names in
`pyaistore.wire.metric_names` (`ais_<role>_<name>`).
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

__all__ = ["ClusterMetrics", "MetricSample", "NodeMetrics", "parse_metrics"]

_LINE: Final = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$")
_LABEL: Final = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')
_ESCAPES: Final = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


@dataclass(frozen=True, slots=True)
class MetricSample:
    """One sample: the metric's name as written, its labels, its value."""

    name: str
    labels: Mapping[str, str]
    value: float


def _unescape(text: str) -> str:
    return re.sub(r'\\[\\"n]', lambda match: _ESCAPES[match.group(0)], text)


def _labels(text: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _LABEL.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"invalid labels: {text[:80]!r}")
        labels[match.group(1)] = _unescape(match.group(2))
        position = match.end()
    return labels


def parse_metrics(text: str) -> list[MetricSample]:
    """The samples of an exposition (comments and blank lines skipped).

    Raises:
        ValueError: a line is not a sample.
    """
    samples: list[MetricSample] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"not a metric sample: {line[:80]!r}")
        name, labels, value = match.groups()
        samples.append(MetricSample(name, _labels(labels or ""), float(value)))
    return samples


@dataclass(frozen=True)
class NodeMetrics:
    """One node's samples."""

    node_id: str
    samples: list[MetricSample]

    def find(self, name: str, **labels: str) -> Iterator[MetricSample]:
        """Samples of metric `name` whose labels include `labels`."""
        for sample in self.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                yield sample

    def value(self, name: str, default: float | None = None, **labels: str) -> float | None:
        """The sum of the matching samples' values; `default` when there is none."""
        found = [sample.value for sample in self.find(name, **labels)]
        return sum(found) if found else default

    def by_label(self, name: str, label: str) -> dict[str, float]:
        """Values of metric `name` keyed by one of its labels (e.g. capacity by mountpath)."""
        return {sample.labels.get(label, ""): sample.value for sample in self.find(name)}


@dataclass(frozen=True)
class ClusterMetrics:
    """Every node's metrics, and the nodes the proxy could not scrape (node ID -> reason)."""

    nodes: dict[str, NodeMetrics]
    unreachable: dict[str, str] = field(default_factory=dict)

"""Helpers for the monitoring tests: scrape nodes and read samples with prometheus_client's parser."""

from collections.abc import Iterable

import requests
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


def samples_of(text: str) -> list[Sample]:
    """Every sample of an exposition, as prometheus_client parses it (a counter's samples end in `_total`)."""
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def scrape_cluster(endpoint: str) -> dict[str, list[Sample]]:
    """Every node's samples, by node ID, through the proxy's cluster-wide scrape."""
    reply = requests.get(f"{endpoint}/v1/cluster", params={"what": "prometheus"}, timeout=30)
    reply.raise_for_status()
    body = reply.json()
    assert body["unreachable"] == {}
    return {node_id: samples_of(text) for node_id, text in body["metrics"].items()}


def counter(samples: Iterable[Sample], name: str, **labels: str) -> float:
    """The sum of a counter's samples (matching `labels`), by the name the node wrote."""
    # prometheus_client names a counter's samples `<family>_total`; a name ending in _total keeps it.
    wanted = name if name.endswith("_total") else name + "_total"
    return sum(
        s.value
        for s in samples
        if s.name == wanted and all(s.labels.get(key) == value for key, value in labels.items())
    )


def gauge(samples: Iterable[Sample], name: str, **labels: str) -> list[float]:
    """The values of a gauge's samples matching `labels`."""
    return [
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(key) == value for key, value in labels.items())
    ]

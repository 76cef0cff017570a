"""The Prometheus text we write reads back the same with prometheus_client's parser and with the SDK's."""

from prometheus_client.parser import text_string_to_metric_families

from pyaistore.monitoring.exposition import Family, parse, render
from pyaistore.sdk.node_metrics import parse_metrics
from pyaistore.wire import metric_names as names


def _families() -> list[Family]:
    odd = 'a "quoted" \\ path\nwith a newline'
    return [
        Family.of(names.GET_COUNT, "target").add({"node_id": "t1", "bucket": ""}, 12),
        Family.of(names.GET_NS, "target").add({"node_id": "t1", "bucket": ""}, 3_000_000_000_000),
        Family.of(names.MOUNTPATH_TOTAL, "target").add({"node_id": "t1", "mountpath": odd}, 1 << 40),
        Family.of(names.HOST_LOAD, "target").add({"node_id": "t1"}, 0.25),
        Family.of(names.UPTIME, "target"),  # no samples: left out
    ]


def test_counters_keep_ais_names_and_labels_are_sorted() -> None:
    text = render(_families())
    assert 'ais_target_get_count{bucket="",node_id="t1"} 12\n' in text
    assert "# TYPE ais_target_get_count counter" in text
    assert "_count_total" not in text and "ais_target_uptime" not in text


def test_prometheus_client_reads_it() -> None:
    families = {f.name: f for f in text_string_to_metric_families(render(_families()))}
    assert families["ais_target_get_count"].samples[0].value == 12
    [capacity] = families["ais_target_mpath_capacity_bytes"].samples
    assert capacity.labels["mountpath"] == 'a "quoted" \\ path\nwith a newline'
    assert capacity.value == 1 << 40


def test_read_back_by_the_names_written() -> None:
    ours = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in parse(render(_families()))}
    sdk = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in parse_metrics(render(_families()))}
    assert ours == sdk
    assert ours[("ais_target_get_ns_total", (("bucket", ""), ("node_id", "t1")))] == 3e12
    assert ours[("ais_target_sys_load_avg_1m", (("node_id", "t1"),))] == 0.25

"""`pyaistore config show|set` on a cluster of their own (the settings would leak into other tests):
what is set is what every node reports afterwards, a node's own value wins on that node only,
refusals name the key and change nothing, and values survive a node's restart."""

import json
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from cli_it_support import CliRun

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One proxy and two targets whose config these tests change."""
    running = LocalCluster(tmp_path_factory.mktemp("config"), targets=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def run(own: LocalCluster) -> CliRun:
    return CliRun(own.endpoint)


@pytest.fixture(scope="module")
def client(own: LocalCluster) -> Client:
    return Client(own.endpoint)


def _every_node(client: Client) -> list[str]:
    smap = client.cluster().get_info()
    return sorted([*smap.tmap, *smap.pmap])


def _rows(output: str) -> dict[str, str]:
    """KEY -> VALUE of a printed table (rich draws its borders with box characters)."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if len(cells) == 2 and cells[0] and cells[0] != "KEY":
            rows[cells[0]] = cells[1]
    return rows


def test_a_cluster_setting_is_what_every_node_reports(run: CliRun, client: Client) -> None:
    result = run("config", "set", "log.level=debug", "timeout.body_idle=90s")
    assert result.exit_code == 0, result.output
    assert "log.level = DEBUG on the cluster" in result.stdout
    assert "timeout.body_idle = 1m30s on the cluster" in result.stdout
    for node_id in _every_node(client):
        config = client.cluster().get_node_config(node_id)
        assert config["log"]["level"] == "DEBUG", node_id
        assert config["timeout"]["body_idle"] == "1m30s", node_id
        shown = run("config", "show", node_id, "log.level")
        assert shown.exit_code == 0, shown.output
        assert _rows(shown.stdout) == {"log.level": "DEBUG"}
    table = _rows(run("config", "show", "cluster", "timeout").stdout)
    assert table["timeout.body_idle"] == "1m30s" and "timeout.max_keepalive" in table
    assert "log.level" not in table
    assert client.cluster().get_config()["log"]["level"] == "DEBUG"


def test_ais_action_message_form_sets_the_same_way(own: LocalCluster, client: Client) -> None:
    """`PUT /v1/cluster` with AIS's set-config action and its nested sections (SetClusterConfigUsingMsg)."""
    body = {"action": "set-config", "value": {"timeout": {"body_idle": "2m"}}}
    reply = requests.put(f"{own.endpoint}/v1/cluster", json=body, timeout=10)
    assert reply.status_code == 200, reply.text
    assert {client.cluster().get_node_config(n)["timeout"]["body_idle"] for n in _every_node(client)} == {
        "2m0s"
    }
    refused = requests.put(
        f"{own.endpoint}/v1/cluster", json={**body, "value": {"nope": {"x": 1}}}, timeout=10
    )
    assert refused.status_code == 400 and 'unknown config key "nope.x"' in refused.json()["message"]


def test_a_node_setting_wins_on_that_node_only(run: CliRun, client: Client) -> None:
    first, second = sorted(client.cluster().get_info().tmap)
    result = run("config", "set", f"t[{first}]", "rebalance.workers=3")
    assert result.exit_code == 0, result.output
    assert f"rebalance.workers = 3 on node {first}" in result.stdout
    assert client.cluster().get_node_config(first)["rebalance"]["workers"] == "3"
    assert client.cluster().get_node_config(first)["overrides"] == {"rebalance.workers": "3"}
    assert client.cluster().get_node_config(second)["rebalance"]["workers"] == "8"
    assert client.cluster().get_config()["rebalance"]["workers"] == "8"
    transient = run("config", "set", "--transient", second, "log.level=ERROR")
    assert transient.exit_code == 0, transient.output
    assert client.cluster().get_node_config(second)["log"]["level"] == "ERROR"
    assert run("config", "set", second, "log.level=DEBUG").exit_code == 0


def test_a_new_log_level_applies_at_once(run: CliRun, client: Client) -> None:
    """A target logs each bucket it destroys at INFO: not while it runs at WARNING, again at INFO."""
    node_id = sorted(client.cluster().get_info().tmap)[0]

    def logged_destroying(bucket_name: str) -> bool:
        client.bucket(bucket_name).create()
        client.bucket(bucket_name).delete()
        return f"destroying ais://{bucket_name}" in client.cluster().get_node_log(node_id)

    assert run("config", "set", node_id, "log.level=WARNING").exit_code == 0
    assert not logged_destroying("cfg-quiet")
    assert run("config", "set", node_id, "log.level=INFO").exit_code == 0
    assert logged_destroying("cfg-loud")


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("no.such.key=1", 'unknown config key "no.such.key" (HTTP 400)'),
        ("disk.fsync=false", 'config key "disk.fsync" cannot be changed at run time'),
        (
            "rebalance.workers=lots",
            'invalid value "lots" for config key "rebalance.workers": expected an integer',
        ),
        (
            "timeout.body_idle=soon",
            'invalid value "soon" for config key "timeout.body_idle": expected a duration',
        ),
    ],
)
def test_a_refused_pair_is_named_and_nothing_changes(
    run: CliRun, client: Client, pair: str, message: str
) -> None:
    before = client.cluster().get_config()
    result = run("config", "set", "log.level=ERROR", pair)
    assert result.exit_code == 1
    assert message in result.output
    assert client.cluster().get_config() == before  # log.level=ERROR, valid, was not applied either
    node_id = sorted(client.cluster().get_info().tmap)[1]
    on_node = run("config", "set", node_id, pair)
    assert on_node.exit_code == 1 and message in on_node.output


def test_usage_errors_name_what_is_wrong(run: CliRun) -> None:
    unknown_node = run("config", "set", "t[nosuch]", "log.level=INFO")
    assert unknown_node.exit_code == 2 and "no node 'nosuch' in the cluster" in unknown_node.output
    not_a_pair = run("config", "set", "cluster", "log.level", "INFO")
    assert not_a_pair.exit_code == 2 and "expected KEY=VALUE, got 'log.level'" in not_a_pair.output
    no_section = run("config", "show", "cluster", "nosuch")
    assert no_section.exit_code == 2 and "no config key or section 'nosuch'" in no_section.output
    transient = run("config", "set", "--transient", "log.level=INFO")
    assert transient.exit_code == 2 and "--transient applies to a node's config only" in transient.output


def test_show_as_json(run: CliRun, client: Client) -> None:
    whole = run("config", "show", "--json")
    assert whole.exit_code == 0, whole.output
    assert json.loads(whole.stdout) == client.cluster().get_config()
    narrowed = run("--json", "config", "show", "log")  # a section of the cluster's, scope left out
    assert json.loads(narrowed.stdout) == {"log.level": client.cluster().get_config()["log"]["level"]}


def _poll(what: str, check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} within {timeout}s")


def test_values_survive_a_restart_and_reach_a_node_that_was_away(
    own: LocalCluster, run: CliRun, client: Client
) -> None:
    node_id = sorted(client.cluster().get_info().tmap)[1]  # no rebalance.workers of its own
    index = own.target_ids()[node_id]
    assert run("config", "set", node_id, "log.level=WARNING").exit_code == 0
    own.kill_target(index)
    _poll("the dead target to leave the map", lambda: node_id not in client.cluster().get_info().tmap)
    # Set while the node is out of the map: it gets the new cluster version when it joins again.
    assert run("config", "set", "rebalance.workers=5").exit_code == 0
    own.restart_node(f"target-{index}")
    own.wait_ready(targets=2)
    _poll("the target to be back in the map", lambda: node_id in client.cluster().get_info().tmap)
    config = client.cluster().get_node_config(node_id)
    assert config["log"]["level"] == "WARNING"  # its own value, from its data dir
    assert config["rebalance"]["workers"] == "5"  # the cluster's, from the join reply
    assert config["config_version"] == client.cluster().get_config()["config_version"]

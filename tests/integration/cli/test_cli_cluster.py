"""`pyaistore cluster show` against the shared 1-proxy, 2-target cluster."""

import json

from cli_it_support import CliRun


def test_show_lists_every_node_and_the_primary(run: CliRun) -> None:
    result = run("cluster", "show")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    proxy_rows = [line for line in lines if " proxy " in line]
    target_rows = [line for line in lines if " target " in line]
    assert len(proxy_rows) == 1 and len(target_rows) == 2
    assert run.endpoint in proxy_rows[0] and "yes" in proxy_rows[0]
    assert not any("yes" in row for row in target_rows)
    assert "cluster map v" in result.stdout and "2 target(s)" in result.stdout


def test_show_as_json(run: CliRun) -> None:
    result = run("--json", "cluster", "show")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] > 0 and data["uuid"]
    roles = sorted(node["role"] for node in data["nodes"])
    assert roles == ["proxy", "target", "target"]
    (primary,) = [node for node in data["nodes"] if node["primary"]]
    assert primary["url"] == run.endpoint and primary["state"] == "online"


def test_endpoint_from_the_environment(run: CliRun) -> None:
    result = run.raw("cluster", "show", env={"AIS_ENDPOINT": run.endpoint})
    assert result.exit_code == 0, result.output
    assert run.endpoint in result.stdout


def test_endpoint_without_scheme(run: CliRun) -> None:
    result = run.raw("--endpoint", run.endpoint.removeprefix("http://"), "cluster", "show")
    assert result.exit_code == 0, result.output

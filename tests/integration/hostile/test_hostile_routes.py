"""Every route of both roles, driven with generated paths, query values, headers and bodies
(Hypothesis, fixed seed): no answer is a 5xx but 501 (a feature this cluster lacks), and every node
is alive and in the map afterwards. The long variant runs behind `make soak`."""

import os
from collections.abc import Iterator

import pytest
import requests
from hostile_it_support import member_headers, target_urls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_fuzz_it_support import BUCKET, OBJECT, Route, all_routes, requests_for, send
from soak_it_support import SHARD, make_shard

from pyaistore.server.local_cluster import LocalCluster

EXAMPLES = int(os.environ.get("PYAISTORE_FUZZ_EXAMPLES", "600"))
ROUTES = all_routes()
# Every route gets its share, so each run covers all of them (8 requests each in `make test`).
PER_ROUTE = max(8, EXAMPLES // len(ROUTES))
FIGURES: dict[str, int] = {"requests": 0}


@pytest.fixture(scope="module")
def prepared(hostile_cluster: LocalCluster) -> Iterator[LocalCluster]:
    """The cluster with the fuzzed bucket, an object and a shard; checked whole at the end."""
    endpoint = hostile_cluster.endpoint
    create = {"action": "create-bck", "name": "", "value": None}
    requests.post(f"{endpoint}/v1/buckets/{BUCKET}", json=create, timeout=30).raise_for_status()
    requests.put(f"{endpoint}/v1/objects/{BUCKET}/{OBJECT}", data=b"x" * 100, timeout=30).raise_for_status()
    requests.put(f"{endpoint}/v1/objects/{BUCKET}/{SHARD}", data=make_shard(), timeout=30).raise_for_status()
    targets = set(target_urls(hostile_cluster))
    yield hostile_cluster
    routes_hit = sum(1 for key in FIGURES if " /" in key)
    counts = {key: value for key, value in FIGURES.items() if " /" not in key}
    print(f"route fuzz: {counts}, {routes_hit} of {len(ROUTES)} routes")
    for proc in [hostile_cluster.proxy, *hostile_cluster.targets]:
        assert proc is not None and proc.poll() is None, "a node exited"
    assert set(target_urls(hostile_cluster)) == targets, "a target left the map"
    assert requests.get(f"{endpoint}/v1/health?prr=true", timeout=10).status_code == 200


@pytest.mark.timeout(max(300, PER_ROUTE))
@pytest.mark.parametrize("route", ROUTES, ids=str)
@settings(
    max_examples=PER_ROUTE,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_route_answers_5xx(prepared: LocalCluster, route: Route, data: st.DataObject) -> None:
    request = data.draw(requests_for(route, member_headers(prepared)), label="request")
    base = (
        prepared.endpoint
        if route.role == "proxy"
        else data.draw(st.sampled_from(sorted(target_urls(prepared).values())))
    )
    with requests.Session() as http:
        reply = send(http, base, route, request)
    FIGURES["requests"] += 1
    FIGURES[f"{reply.status_code // 100}xx"] = FIGURES.get(f"{reply.status_code // 100}xx", 0) + 1
    FIGURES[str(route)] = FIGURES.get(str(route), 0) + 1
    assert reply.status_code < 500 or reply.status_code == 501, (
        str(route),
        reply.status_code,
        reply.text[:500],
    )

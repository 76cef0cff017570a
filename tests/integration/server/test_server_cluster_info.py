"""Cluster map, node queries and health, raw and through the official SDK."""

import requests
import xxhash
from aistore.sdk import Client
from raw_protocol import smap_json

HRW_SEED = 1103515245


def test_smap_wire_shape(endpoint: str) -> None:
    smap = smap_json(endpoint)
    assert len(smap["pmap"]) == 1 and len(smap["tmap"]) == 2
    assert int(smap["version"]) > 0
    assert smap["uuid"]
    primary = smap["proxy_si"]
    assert primary["public_net"]["direct_url"] == endpoint
    assert primary["daemon_id"] in smap["pmap"]
    for role, table in (("proxy", smap["pmap"]), ("target", smap["tmap"])):
        for node_id, node in table.items():
            assert node["daemon_id"] == node_id
            assert node["daemon_type"] == role
            net = node["public_net"]
            assert isinstance(net["daemon_port"], str), "the SDK's model rejects a numeric port"
            assert net["direct_url"].endswith(":" + net["daemon_port"])
            assert node["id_digest"] == xxhash.xxh64_intdigest(node_id.encode(), seed=HRW_SEED)
            assert node["flags"] & (4 | 8) == 0


def test_every_node_serves_the_same_smap(endpoint: str, http: requests.Session) -> None:
    smap = smap_json(endpoint)
    assert http.get(f"{endpoint}/v1/cluster", params={"what": "smap"}).json()["tmap"] == smap["tmap"]
    for node_id, node in smap["tmap"].items():
        url = node["public_net"]["direct_url"]
        theirs = http.get(f"{url}/v1/daemon", params={"what": "smap"}).json()
        assert theirs["tmap"].keys() == smap["tmap"].keys()
        assert http.get(f"{url}/v1/daemon", params={"what": "snode"}).json()["daemon_id"] == node_id


def test_health(endpoint: str, http: requests.Session) -> None:
    for query in ({}, {"prr": "true"}, {"readiness": "true"}):
        reply = http.get(f"{endpoint}/v1/health", params=query)
        assert reply.status_code == 200, query
        assert int(reply.headers["Ais-Node-Uptime"]) > 0
    for node in smap_json(endpoint)["tmap"].values():
        reply = http.get(node["public_net"]["direct_url"] + "/v1/health", params={"readiness": "true"})
        assert reply.status_code == 200


def test_bad_daemon_query_is_400(endpoint: str, http: requests.Session) -> None:
    reply = http.get(f"{endpoint}/v1/daemon", params={"what": "no-such-thing"})
    assert reply.status_code == 400


def test_sdk_cluster_info(ais_client: Client, endpoint: str) -> None:
    cluster = ais_client.cluster()
    info = cluster.get_info()
    raw = smap_json(endpoint)
    assert set(info.tmap) == set(raw["tmap"])
    assert set(info.pmap) == set(raw["pmap"])
    assert info.proxy_si.daemon_id == raw["proxy_si"]["daemon_id"]
    assert cluster.get_primary_url() == endpoint
    assert cluster.get_uuid() == raw["uuid"]
    assert cluster.is_ready() is True


def test_cluster_config_says_auth_is_off(endpoint: str, http: requests.Session) -> None:
    reply = http.get(f"{endpoint}/v1/cluster", params={"what": "cluster_config"}, timeout=10)
    assert reply.status_code == 200
    auth = reply.json()["auth"]
    assert auth["enabled"] is False and auth["intra_cluster"]["enabled"] is False

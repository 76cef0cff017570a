"""Bucket property `ec` is checked as AIS does: ranges, enough active targets, D and P fixed once on."""

import json
from pathlib import Path

import requests
from aistore.sdk import Client
from ec_it_support import set_props

from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire.headers import BUCKET_PROPS


def _ec(data: int, parity: int, limit: int = 262144) -> dict[str, object]:
    return {"ec": {"enabled": True, "data_slices": data, "parity_slices": parity, "objsize_limit": limit}}


def test_ec_props_validation_and_refusals(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=3) as cluster:
        client, url = Client(cluster.endpoint), cluster.endpoint
        client.bucket("props").create()
        reply = set_props(url, "props", _ec(2, 1))
        assert reply.status_code == 400
        assert reply.json()["tcode"] == "ErrNotEnoughTargets"
        assert reply.json()["message"] == (
            "not enough target nodes: EC configuration (D = 2, P = 1) requires at least 4 targets (have 3)"
        )
        for data, parity, text in (
            (33, 1, "invalid ec.data_slices: 33 (expected value in range [1, 32])"),
            (1, 40, "invalid ec.parity_slices: 40 (expected value in range [1, 32])"),
        ):
            reply = set_props(url, "props", _ec(data, parity))
            assert reply.status_code == 400 and text in reply.json()["message"]
        reply = set_props(url, "props", _ec(1, 1, -2))
        assert reply.status_code == 400 and "invalid ec.objsize_limit: -2" in reply.json()["message"]
        # P + 1 targets suffice when every object is replicated.
        assert set_props(url, "props", _ec(4, 2, -1)).status_code == 200
        reply = set_props(url, "props", _ec(1, 2, -1))
        assert reply.status_code == 400
        assert reply.json()["message"] == (
            "ais://props: once enabled, EC data/parity slices cannot change (old D=4, P=2; new D=1, P=2)"
        )
        reply = set_props(url, "props", {"ec": {"objsize_limit": 1024}})
        assert reply.status_code == 400 and "(tip: consider using '--force')" in reply.json()["message"]
        reply = set_props(
            url, "props", {"ec": {"objsize_limit": -1, "enabled": True}, "versioning": {"enabled": True}}
        )
        assert reply.status_code == 200
        # 0 means the default of 2 (P = 2 replicas need 3 targets).
        client.bucket("zero").create()
        assert set_props(url, "zero", _ec(0, 0, -1)).status_code == 200
        ec = json.loads(
            requests.head(f"{url}/v1/buckets/zero?provider=ais", timeout=10).headers[BUCKET_PROPS]
        )["ec"]
        assert (ec["enabled"], ec["data_slices"], ec["parity_slices"]) == (True, 2, 2)
        # Bucket creation with props is checked the same way.
        body = {"action": "create-bck", "value": _ec(3, 3)}
        reply = requests.post(f"{url}/v1/buckets/more?provider=ais", json=body, timeout=10)
        assert reply.status_code == 400 and reply.json()["tcode"] == "ErrNotEnoughTargets"

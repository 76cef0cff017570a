"""With client auth on, every route of a proxy refuses a request without a valid token (401), and
one whose token lacks the permission (403); open routes (health, join) and internal ones (which
answer only cluster members) are the exceptions, and S3 refuses with AccessDenied."""

import json
import re
from pathlib import Path

import pytest
import security_it_support as support
from aistore.sdk import AuthNClient

from pyaistore.auth import route_access
from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.web import cluster_auth, routes

_FILL = {"bucket": support.BUCKET, "name": "o", "tail": "daemon", "prefix": "p"}


def _concrete(template: str) -> str:
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: _FILL.get(m.group(1), "x"), template)


def _client_routes() -> list[tuple[str, str]]:
    """Every (method, path) a client may call on a proxy: not open, not internal."""
    found = []
    for method, template, handler in routes.PROXY_ROUTES:
        if cluster_auth.access_of(handler) or route_access.rule_of(handler) == route_access.NO_TOKEN:
            continue
        found.append((method, _concrete(template)))
    return found


CLIENT_ROUTES = _client_routes()


def test_the_table_covers_the_client_routes() -> None:
    # The routes every refusal test below walks: objects, buckets, cluster, ETL, reverse, tokens.
    paths = {path for _, path in CLIENT_ROUTES}
    assert len(CLIENT_ROUTES) >= 30
    assert {"/v1/objects/secured/o", "/v1/buckets/secured", "/v1/cluster", "/v1/etl", "/v1/tokens"} <= paths


def _statuses(cluster: LocalCluster, bearer: str) -> dict[tuple[str, str], int]:
    return {
        (method, path): support.send(
            cluster, method, cluster.endpoint + path, bearer, json={"action": "x"}
        ).status_code
        for method, path in CLIENT_ROUTES
    }


def test_every_route_refuses_a_request_without_a_token(auth_cluster: LocalCluster) -> None:
    statuses = _statuses(auth_cluster, "")
    assert {key: status for key, status in statuses.items() if status != 401} == {}
    reply = support.send(auth_cluster, "GET", auth_cluster.endpoint + "/v1/buckets")
    assert "token required" in reply.text


@pytest.mark.parametrize("kind", ["expired", "forged", "garbage"])
def test_every_route_refuses_an_invalid_token(auth_cluster: LocalCluster, kind: str) -> None:
    bearer = {
        "expired": support.token(auth_cluster, admin=True, ttl=-5),
        "forged": support.token(
            auth_cluster, admin=True, secret="a-forger-does-not-know-the-authn-signing-secret"
        ),
        "garbage": "not.a.jwt",
    }[kind]
    statuses = _statuses(auth_cluster, bearer)
    assert {key: status for key, status in statuses.items() if status != 401} == {}
    reply = support.send(auth_cluster, "GET", auth_cluster.endpoint + "/v1/buckets", bearer)
    assert "invalid token" in reply.text
    if kind == "expired":
        assert "expired" in reply.text


def test_every_route_refuses_a_revoked_token(auth_cluster: LocalCluster) -> None:
    admin = AuthNClient(auth_cluster.security.authn_url)
    admin.login("admin", auth_cluster.security.first_admin_password)
    revoked = admin.login("admin", auth_cluster.security.first_admin_password)
    # Works until revoked: the AuthN service tells the registered cluster before it answers.
    assert (
        support.send(auth_cluster, "GET", auth_cluster.endpoint + "/v1/buckets", revoked).status_code == 200
    )
    admin.token_manager().revoke(revoked)
    statuses = _statuses(auth_cluster, revoked)
    assert {key: status for key, status in statuses.items() if status != 401} == {}
    assert "revoked" in support.send(auth_cluster, "GET", auth_cluster.endpoint + "/v1/buckets", revoked).text


def test_every_route_refuses_a_token_without_the_permission(
    auth_cluster: LocalCluster, cluster_uuid: str
) -> None:
    statuses = _statuses(auth_cluster, support.no_permission_token(auth_cluster, cluster_uuid))
    # POST /v1/tokens asks only "is this token valid here", which it is.
    refused = {key: status for key, status in statuses.items() if key != ("POST", "/v1/tokens")}
    assert {key: status for key, status in refused.items() if status != 403} == {}
    assert statuses[("POST", "/v1/tokens")] == 200


def test_open_routes_need_no_token(auth_cluster: LocalCluster) -> None:
    assert support.send(auth_cluster, "GET", auth_cluster.endpoint + "/v1/health").status_code == 200


def test_internal_routes_answer_members_only(auth_cluster: LocalCluster) -> None:
    admin = support.admin_token(auth_cluster)
    reply = support.send(auth_cluster, "PUT", auth_cluster.endpoint + "/v1/metasync", admin, json={})
    assert reply.status_code == 403  # a valid admin token is no cluster secret


def test_s3_refuses_without_a_valid_token(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    url = f"{auth_cluster.endpoint}/s3/{support.BUCKET}/o"
    for bearer in (
        "",
        support.token(auth_cluster, admin=True, ttl=-5),
        support.no_permission_token(auth_cluster, cluster_uuid),
    ):
        reply = support.send(auth_cluster, "GET", url, bearer)
        assert reply.status_code == 403
        assert "<Code>AccessDenied</Code>" in reply.text
    reply = support.send(
        auth_cluster, "GET", url, headers={"X-Amz-Security-Token": support.admin_token(auth_cluster)}
    )
    assert reply.status_code == 200 and reply.content == b"secret bytes"


def test_the_sdk_reads_its_token_from_the_environment_and_a_token_file(
    auth_cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = support.admin_token(auth_cluster)
    monkeypatch.setenv("AIS_AUTHN_TOKEN", token)
    assert Client(auth_cluster.endpoint).cluster().get_uuid()
    monkeypatch.delenv("AIS_AUTHN_TOKEN")
    token_file = tmp_path / "auth.token"
    token_file.write_text(json.dumps({"token": token}))
    monkeypatch.setenv("AIS_AUTHN_TOKEN_FILE", str(token_file))
    assert (
        Client(auth_cluster.endpoint).bucket(support.BUCKET).object("o").get_reader().read_all()
        == b"secret bytes"
    )
    monkeypatch.setenv("AIS_AUTHN_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="does not exist"):
        Client(auth_cluster.endpoint)

"""With client auth on, the dashboard and its data need a token granting SHOW_CLUSTER, from the
Authorization header or the cookie its login form sets (read only by the dashboard's routes);
/metrics stays open, as AIS serves it to Prometheus."""

import re

import requests
import security_it_support as support
from prometheus_client.parser import text_string_to_metric_families

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import access

COOKIE = "pyaistore_token"


def _viewer(cluster: LocalCluster, uuid: str) -> str:
    token: str = support.cluster_token(cluster, uuid, access.SHOW_CLUSTER)
    return token


def _session(cluster: LocalCluster) -> requests.Session:
    session = requests.Session()
    session.verify = cluster.security.ca or True
    return session


def test_metrics_are_open_on_every_node(auth_cluster: LocalCluster) -> None:
    smap = Client(auth_cluster.endpoint, token=support.admin_token(auth_cluster)).cluster().get_info()
    target_urls = [node.public_net.direct_url for node in smap.tmap.values()]
    for url, prefix in [
        (auth_cluster.endpoint, "ais_proxy_"),
        *((url, "ais_target_") for url in target_urls),
    ]:
        reply = support.send(auth_cluster, "GET", url + "/metrics")
        assert reply.status_code == 200, (url, reply.text)
        names = {family.name for family in text_string_to_metric_families(reply.text)}
        assert any(name.startswith(prefix) for name in names), (url, sorted(names)[:5])
    # Every node's metrics through the API stay behind the token, as the rest of /v1/cluster.
    reply = support.send(auth_cluster, "GET", auth_cluster.endpoint + "/v1/cluster?what=prometheus")
    assert reply.status_code == 401


def test_without_a_token_the_page_is_the_login_form(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    page = auth_cluster.endpoint + "/dashboard"
    reply = support.send(auth_cluster, "GET", page)
    assert reply.status_code == 401 and reply.headers["Content-Type"].startswith("text/html")
    assert 'action="/dashboard/login"' in reply.text and "token required" in reply.text
    assert 'id="nodes"' not in reply.text
    expired = support.token(auth_cluster, admin=True, ttl=-5)
    reply = support.send(auth_cluster, "GET", page, headers={"Cookie": f"{COOKIE}={expired}"})
    assert reply.status_code == 401 and "expired" in reply.text
    reply = support.send(auth_cluster, "GET", page, support.no_permission_token(auth_cluster, cluster_uuid))
    assert reply.status_code == 403 and "insufficient permissions" in reply.text
    state = support.send(auth_cluster, "GET", page + "/api/state")
    assert state.status_code == 401 and "token required" in state.json()["message"]
    # The script and style hold no data: open, so the login page is styled.
    assert support.send(auth_cluster, "GET", page + "/dashboard.css").status_code == 200


def test_the_login_form_keeps_the_token_in_a_dashboard_cookie(
    auth_cluster: LocalCluster, cluster_uuid: str
) -> None:
    session = _session(auth_cluster)
    page = auth_cluster.endpoint + "/dashboard"
    reply = session.post(
        page + "/login", data={"token": _viewer(auth_cluster, cluster_uuid)}, allow_redirects=False
    )
    assert reply.status_code == 303 and reply.headers["Location"] == "/dashboard"
    set_cookie = reply.headers["Set-Cookie"]
    assert set_cookie.startswith(COOKIE + "=")
    assert {"HttpOnly", "SameSite=Strict", "Path=/dashboard"} <= {
        part.strip() for part in set_cookie.split(";")
    }
    assert 500 < int(re.search(r"Max-Age=(\d+)", set_cookie).group(1)) <= 600  # type: ignore[union-attr]

    reply = session.get(page)
    assert reply.status_code == 200 and 'id="nodes"' in reply.text
    state = session.get(page + "/api/state")
    assert state.status_code == 200
    assert len(state.json()["nodes"]) == 3


def test_the_cookie_is_read_by_the_dashboard_only(auth_cluster: LocalCluster) -> None:
    admin = support.admin_token(auth_cluster)
    cookie = {"Cookie": f"{COOKIE}={admin}"}
    assert (
        support.send(auth_cluster, "GET", auth_cluster.endpoint + "/dashboard", headers=cookie).status_code
        == 200
    )
    # A browser sends cookies along on requests other sites make: no API route takes one.
    for method, path in (
        ("GET", "/v1/cluster?what=smap"),
        ("GET", "/v1/buckets"),
        ("DELETE", "/v1/buckets/x"),
    ):
        reply = support.send(auth_cluster, method, auth_cluster.endpoint + path, headers=cookie)
        assert reply.status_code == 401, (method, path, reply.status_code)


def test_a_refused_login_sets_no_cookie(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    url = auth_cluster.endpoint + "/dashboard/login"
    for token, status, words in (
        ("", 401, "token required"),
        ("not.a.jwt", 401, "invalid token"),
        (
            support.token(auth_cluster, admin=True, secret="not-the-signing-secret-of-this-authn-service"),
            401,
            "invalid token",
        ),
        (support.no_permission_token(auth_cluster, cluster_uuid), 403, "insufficient permissions"),
    ):
        reply = support.send(auth_cluster, "POST", url, data={"token": token})
        assert reply.status_code == status and words in reply.text, (token[:20], reply.status_code)
        assert "Set-Cookie" not in reply.headers


def test_the_state_takes_a_bearer_token(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    url = auth_cluster.endpoint + "/dashboard/api/state"
    assert support.send(auth_cluster, "GET", url, _viewer(auth_cluster, cluster_uuid)).status_code == 200
    no_permission = support.no_permission_token(auth_cluster, cluster_uuid)
    assert support.send(auth_cluster, "GET", url, no_permission).status_code == 403

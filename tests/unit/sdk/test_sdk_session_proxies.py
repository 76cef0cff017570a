"""The SDK's session reads the environment's proxy settings once per node, and honours them."""

import pytest
import requests

from pyaistore.sdk.request_client import RequestClient

NODE = "http://10.0.0.7:8080/v1/objects/b/o"


def _settings(client: RequestClient, url: str = NODE) -> dict[str, object]:
    return dict(client.session.merge_environment_settings(url, {}, None, None, None))


def _rebuilt(client: RequestClient, redirect: requests.PreparedRequest) -> dict[str, str]:
    """The proxies of a redirected request, as the session rebuilds them."""
    proxies: dict[str, str] = client.session.rebuild_proxies(redirect, {})  # type: ignore[no-untyped-call]
    return proxies


def test_a_proxy_in_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = RequestClient("http://10.0.0.7:8080")
    assert _settings(client)["proxies"] == {"http": "http://proxy.example:3128"}
    redirect = requests.Request("GET", "http://10.0.0.8:9090/v1/objects/b/o").prepare()
    assert _rebuilt(client, redirect) == {"http": "http://proxy.example:3128"}


def test_without_one_the_answer_is_kept_per_node(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    client = RequestClient("http://10.0.0.7:8080", verify=True)
    assert _settings(client)["proxies"] == {}
    # Kept: a proxy set later is not looked up again for this node (read once per session)...
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    assert _settings(client)["proxies"] == {}
    redirect = requests.Request("GET", NODE, headers={"Proxy-Authorization": "x"}).prepare()
    assert _rebuilt(client, redirect) == {} and "Proxy-Authorization" not in redirect.headers
    # ...but another node is, and a new client reads it afresh.
    assert _settings(client, "http://10.0.0.9:1/")["proxies"] == {"http": "http://proxy.example:3128"}
    assert _settings(RequestClient("http://10.0.0.7:8080"))["proxies"] == {
        "http": "http://proxy.example:3128"
    }
    plain = requests.Session().merge_environment_settings(NODE, {}, None, None, None)
    assert _settings(client)["verify"] == plain["verify"]  # the CA bundle from the environment, as requests

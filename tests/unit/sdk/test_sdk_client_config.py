"""Client settings: endpoint, timeouts, TLS, token, retries and the HTTPS two-leg PUT."""

import pytest
import requests
from sdk_fake_transport import TARGET, FakeTransport, Reply, Sent
from urllib3.util.retry import Retry

from pyaistore.sdk import Client, NetworkRetry, RetryConfig


def test_endpoint_from_argument_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIS_ENDPOINT", "http://env:1")
    assert Client().request_client.endpoint == "http://env:1"
    assert Client("http://arg:2/").request_client.base_url == "http://arg:2/v1"
    assert Client("http://arg:2/v1").request_client.base_url == "http://arg:2/v1"
    monkeypatch.delenv("AIS_ENDPOINT")
    with pytest.raises(ValueError):
        Client()


def test_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIS_CONNECT_TIMEOUT", raising=False)
    monkeypatch.delenv("AIS_READ_TIMEOUT", raising=False)
    assert Client("http://h").request_client.timeout == (3.0, 20.0)
    assert Client("http://h", timeout=5.0).request_client.timeout == (5.0, 5.0)
    assert Client("http://h", timeout=(1.0, 0)).request_client.timeout == (1.0, None)
    assert Client("http://h", timeout=0).request_client.timeout is None
    monkeypatch.setenv("AIS_CONNECT_TIMEOUT", "0")
    monkeypatch.setenv("AIS_READ_TIMEOUT", "7")
    assert Client("http://h").request_client.timeout == (None, 7.0)


def test_tls_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIS_SKIP_VERIFY_CRT", raising=False)
    monkeypatch.delenv("AIS_CLIENT_CA", raising=False)
    assert Client("https://h").request_client.session.verify is True
    assert Client("https://h", ca_cert="/ca.pem").request_client.session.verify == "/ca.pem"
    with pytest.warns(UserWarning):
        assert Client("https://h", skip_verify=True).request_client.session.verify is False
    monkeypatch.setenv("AIS_CLIENT_CA", "/env-ca.pem")
    assert Client("https://h").request_client.session.verify == "/env-ca.pem"


def test_pool_size_and_retry_reach_the_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    retry = Retry(total=2)
    session = Client("http://h", max_pool_size=3, retry=retry).request_client.session
    adapter = session.get_adapter("http://h")
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    assert adapter.max_retries is retry
    assert adapter._pool_maxsize == 3  # type: ignore[attr-defined]


def test_token_is_sent_and_kept_across_cluster_redirects(
    client: Client, transport: FakeTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    authed = Client("http://proxy.test:8080", token="secret", retry_config=RetryConfig.no_retries())
    authed.request_client.session.mount("http://", transport)
    transport.queue = [Reply(301, headers={"Location": f"{TARGET}/v1/objects/b/o"}), Reply(body=b"x")]
    assert authed.bucket("b").object("o").get().read_all() == b"x"
    assert [sent.headers.get("Authorization") for sent in transport.sent] == ["Bearer secret"] * 2


def test_get_and_head_follow_cluster_redirects_with_the_query_kept(
    client: Client, transport: FakeTransport
) -> None:
    location = f"{TARGET}/v1/objects/b/o?provider=ais&pid=p1"
    transport.queue = [Reply(301, headers={"Location": location}), Reply(body=b"data")]
    assert client.bucket("b").object("o").get_reader().read_all() == b"data"
    transport.queue = [
        Reply(307, headers={"Location": location}),
        Reply(headers={"ais-name": "o", "ais-size": "4", "ais-version": "1"}),
    ]
    client.bucket("b").object("o").head()
    assert [(sent.method, sent.url) for sent in transport.sent[-2:]] == [
        ("HEAD", "http://proxy.test:8080/v1/objects/b/o?provider=ais"),
        ("HEAD", location),
    ]
    assert transport.sent[1].url == location and transport.sent[1].method == "GET"


def test_a_redirect_loop_ends_in_too_many_redirects(client: Client, transport: FakeTransport) -> None:
    transport.handler = lambda sent: Reply(301, headers={"Location": sent.url})
    with pytest.raises(requests.TooManyRedirects):
        client.bucket("b").object("o").get_reader().read_all()
    assert len(transport.sent) == 6


def test_a_redirect_from_https_to_http_drops_the_token(transport: FakeTransport) -> None:
    authed = Client("https://proxy.test", token="secret", retry_config=RetryConfig.no_retries())
    for scheme in ("http://", "https://"):
        authed.request_client.session.mount(scheme, transport)
    transport.queue = [Reply(301, headers={"Location": f"{TARGET}/v1/objects/b/o"}), Reply(body=b"x")]
    assert authed.bucket("b").object("o").get_reader().read_all() == b"x"
    assert [sent.headers.get("Authorization") for sent in transport.sent] == ["Bearer secret", None]


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIS_AUTHN_TOKEN", "tok")
    assert Client("http://h").request_client.session.headers["Authorization"] == "Bearer tok"


def test_https_put_is_sent_in_two_legs(transport: FakeTransport) -> None:
    client = Client("https://proxy.test", retry_config=RetryConfig.no_retries())
    client.request_client.session.mount("https://", transport)

    def handle(sent: Sent) -> Reply:
        if sent.url.startswith("https://proxy.test"):
            return Reply(307, headers={"Location": "https://target.test/v1/objects/b/o?provider=ais&pid=p"})
        return Reply()

    transport.handler = handle
    client.bucket("b").object("o").put(content=b"0123456789")
    first, second = transport.sent
    assert (first.body, first.headers["Content-Length"], first.headers["Connection"]) == (b"", "10", "close")
    assert second.url == "https://target.test/v1/objects/b/o?provider=ais&pid=p"
    assert second.body == b"0123456789"


def test_network_retry_repeats_then_gives_up(transport: FakeTransport) -> None:
    config = RetryConfig(network_retry=NetworkRetry(max_attempts=3, min_wait=0, max_wait=0))
    client = Client("http://proxy.test", retry_config=config)
    client.request_client.session.mount("http://", transport)
    calls: list[Sent] = []

    def flaky(sent: Sent) -> Reply:
        calls.append(sent)
        if len(calls) < 3:
            raise requests.ConnectionError("reset")
        return Reply(body=b"ok")

    transport.handler = flaky
    assert client.bucket("b").object("o").get().read_all() == b"ok"
    transport.handler = lambda sent: (_ for _ in ()).throw(requests.ConnectionError("down"))
    with pytest.raises(requests.ConnectionError):
        client.bucket("b").object("o").get()


def test_network_retry_rewinds_a_file_body(transport: FakeTransport, tmp_path: "object") -> None:
    config = RetryConfig(network_retry=NetworkRetry(max_attempts=2, min_wait=0, max_wait=0))
    client = Client("http://proxy.test", retry_config=config)
    client.request_client.session.mount("http://", transport)
    bodies: list[bytes] = []

    def fail_once(sent: Sent) -> Reply:
        bodies.append(sent.body)
        if len(bodies) == 1:
            raise requests.ConnectionError("reset")
        return Reply()

    transport.handler = fail_once
    path = tmp_path / "f"  # type: ignore[operator]
    path.write_bytes(b"file")
    client.bucket("b").object("o").get_writer().put_file(path)
    assert bodies == [b"file", b"file"]


def test_default_retry_policy() -> None:
    config = RetryConfig.default()
    # 500 is deterministic (a bug, a transform that raised): repeating it only repeats the failure.
    assert set(config.http_retry.status_forcelist or ()) == {429, 502, 503, 504}
    assert config.http_retry.raise_on_status is False
    assert (config.http_retry.connect, config.http_retry.read) == (0, 0)
    assert isinstance(config.network_retry, NetworkRetry)
    assert 0 < config.network_retry.pause(3) <= config.network_retry.max_wait

"""The one place that sends HTTP requests: base URL, session, retries, redirects, error mapping.

Redirects. A proxy answers object requests with a redirect to the target that owns the object
(reference §1.5): 301 for GET and 307 for PUT and the rest. A bodiless GET or HEAD follows
its redirects here, through the transport adapter (the cheap path for small objects); for the
rest `requests` follows them, and for 307 it sends the body again (rewinding a file first).
Over HTTPS a PUT with a body is sent in two legs, as the official SDK does: first to the proxy
with an empty body and the real `Content-Length`, then, on a redirect, with the body to the
target. `requests` would drop the `Authorization` header when a redirect changes host or port;
cluster redirects keep it.
"""

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.exceptions import UnrewindableBodyError
from requests.utils import get_environ_proxies, requote_uri

from pyaistore.sdk import const
from pyaistore.sdk.response_handler import ResponseHandler
from pyaistore.sdk.retry_config import RetryConfig
from pyaistore.sdk.types import Smap

if TYPE_CHECKING:
    from requests.sessions import _Settings

__all__ = ["RequestClient", "TimeoutSpec"]

TimeoutSpec = float | tuple[float | None, float | None] | None
_REDIRECTS: Final = (const.STATUS_REDIRECT_PERM, const.STATUS_REDIRECT_TMP)
_FOLLOWED_HERE: Final = frozenset({"GET", "HEAD"})
_MAX_REDIRECTS: Final = 5


class _ClusterSession(requests.Session):
    """A session that keeps the bearer token on redirects between cluster nodes, and reads the
    environment's proxy settings once per node.

    `requests` scans the whole environment for proxy variables on every request and again on
    every redirect: a third of a small GET's client time through a gateway here
    (benchmarks/bench_redirect.py). Where the environment names no proxy for a node, that answer
    is kept for the session's life; where it does, requests' own handling runs as ever.
    """

    def __init__(self) -> None:
        super().__init__()
        self._no_proxy_for: set[str] = set()  # origins the environment sends to no proxy

    def should_strip_auth(self, old_url: str, new_url: str) -> bool:
        """Strip credentials only when a redirect would downgrade HTTPS to HTTP."""
        return _downgrades(old_url, new_url)

    def _unproxied(self, url: str | None, proxies: Mapping[str, Any] | None) -> bool:
        """True when neither the environment nor `proxies` sends requests to `url` via a proxy."""
        if not self.trust_env or not url or proxies or self.proxies:
            return False
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._no_proxy_for:
            return True
        if get_environ_proxies(url):
            return False
        self._no_proxy_for.add(origin)
        return True

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: Any,
        stream: bool | None,
        verify: Any,
        cert: Any,
    ) -> "_Settings":
        """requests' merge, without rescanning the environment for a node known to need no proxy."""
        text = url.decode() if isinstance(url, bytes) else url
        if not self._unproxied(text, proxies):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is True or verify is None:
            verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or verify
        return {
            "proxies": {},
            "stream": self.stream if stream is None else stream,
            "verify": self.verify if verify is None else verify,
            "cert": self.cert if cert is None else cert,
        }

    def rebuild_proxies(self, prepared_request: requests.PreparedRequest, proxies: Any) -> dict[str, str]:
        """On a redirect: no proxy for a node known to need none, else requests' own rebuild."""
        if not self._unproxied(prepared_request.url, proxies):
            rebuilt: dict[str, str] = super().rebuild_proxies(prepared_request, proxies)  # type: ignore[no-untyped-call]
            return rebuilt
        prepared_request.headers.pop("Proxy-Authorization", None)
        return {}


class RequestClient:
    """Sends requests to one AIS endpoint and turns error answers into SDK exceptions.

    Args:
        endpoint: the cluster's URL, e.g. http://localhost:8080 (a trailing /v1 is accepted).
        verify: TLS verification: True, False, or the path of a CA bundle.
        cert: client certificate for mTLS: a PEM path or a (cert, key) pair.
        max_pool_size: connections kept per host.
        timeout: a float for both, a (connect, read) pair, or None for no limit.
        token: bearer token sent in `Authorization`.
        retry_config: retry policy; defaults to RetryConfig.default().
    """

    def __init__(
        self,
        endpoint: str,
        *,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        max_pool_size: int = const.DEFAULT_MAX_POOL_SIZE,
        timeout: TimeoutSpec = (const.DEFAULT_CONNECT_TIMEOUT, const.DEFAULT_READ_TIMEOUT),
        token: str | None = None,
        retry_config: RetryConfig | None = None,
    ) -> None:
        self._endpoint = endpoint.rstrip("/").removesuffix("/" + const.API_VERSION)
        self._verify = verify
        self._cert = cert
        self._max_pool_size = max_pool_size
        self._timeout = timeout
        self._token = token
        self._retry_config = retry_config or RetryConfig.default()
        self._response_handler = ResponseHandler()
        self._sessions: dict[int, requests.Session] = {}
        self._smap: Smap | None = None
        if verify is False:
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    @property
    def endpoint(self) -> str:
        """The cluster URL without the API version."""
        return self._endpoint

    @property
    def base_url(self) -> str:
        """The endpoint plus /v1."""
        return f"{self._endpoint}/{const.API_VERSION}"

    @property
    def timeout(self) -> TimeoutSpec:
        """The (connect, read) timeout used for every request."""
        return self._timeout

    @property
    def token(self) -> str | None:
        """The bearer token, if any."""
        return self._token

    @property
    def retry_config(self) -> RetryConfig:
        """The retry policy."""
        return self._retry_config

    @property
    def session(self) -> requests.Session:
        """This process's session (a forked child gets its own, since sockets must not be shared)."""
        pid = os.getpid()
        session = self._sessions.get(pid)
        if session is None:
            session = self._sessions[pid] = self._new_session()
        return session

    def _new_session(self) -> requests.Session:
        """A session with the pool size, TLS settings, retry adapter and default headers."""
        session = _ClusterSession()
        session.verify = self._verify
        session.cert = self._cert
        adapter = HTTPAdapter(
            max_retries=self._retry_config.http_retry,
            pool_connections=self._max_pool_size,
            pool_maxsize=self._max_pool_size,
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers[const.HEADER_USER_AGENT] = const.USER_AGENT_BASE
        if self._token:
            session.headers[const.HEADER_AUTHORIZATION] = f"Bearer {self._token}"
        return session

    def clone(self, base_url: str | None = None, retry_config: RetryConfig | None = None) -> "RequestClient":
        """A client with the same settings for another endpoint (e.g. a target, for direct reads).

        Args:
            base_url: the other endpoint; defaults to this client's.
            retry_config: a different retry policy; the clone then gets its own connection pool.
        """
        clone = RequestClient(
            base_url or self._endpoint,
            verify=self._verify,
            cert=self._cert,
            max_pool_size=self._max_pool_size,
            timeout=self._timeout,
            token=self._token,
            retry_config=retry_config or self._retry_config,
        )
        if retry_config is None:
            clone._sessions = self._sessions
        return clone

    def close(self) -> None:
        """Close the connection pools of this client (and of clones that share them)."""
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()

    def get_full_url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """The absolute URL of a path under /v1, with an encoded query string."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        return f"{url}?{urlencode(params)}" if params else url

    def get_smap(self, force_update: bool = False) -> Smap:
        """The cluster map, fetched once and cached (refetched when `force_update` is set)."""
        if self._smap is None or force_update:
            data = self.request_json(
                const.HTTP_METHOD_GET, const.URL_PATH_DAEMON, params={const.QPARAM_WHAT: const.WHAT_SMAP}
            )
            self._smap = Smap.from_json(data)
        return self._smap

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and decode its JSON answer (None for an empty body)."""
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Any = None,
        stream: bool = False,
        endpoint: str | None = None,
        retry_network: bool = True,
        timeout: TimeoutSpec | None = None,
    ) -> requests.Response:
        """Send one request, following redirects, and return the response if it succeeded.

        Args:
            method: HTTP method.
            path: path under /v1, e.g. `buckets/photos`.
            params: query parameters.
            headers: extra headers.
            json: a JSON body.
            data: a raw body: bytes, a file object or an iterator of bytes.
            stream: leave the response body unread, to be streamed by the caller.
            endpoint: send to this node instead of the client's endpoint.
            retry_network: repeat the request on network failures per the retry policy.
            timeout: this request's timeout, when it differs from the client's.

        Returns:
            The final response (status below 400).

        Raises:
            AISError: the cluster answered with an error status (a subclass names the error).
            requests.RequestException: the request could not be sent or answered.
        """
        base = endpoint.rstrip("/").removesuffix("/" + const.API_VERSION) if endpoint else self._endpoint
        url = f"{base}/{const.API_VERSION}/{path.lstrip('/')}"
        kwargs: dict[str, Any] = {
            "params": params,
            "headers": headers,
            "json": json,
            "data": data,
            "stream": stream,
            "timeout": self._timeout if timeout is None else timeout,
        }
        send = self._sender(method, url, kwargs)
        response = self._retry_config.network_retry(send) if retry_network else send()
        return self._response_handler.handle_response(response)

    def _sender(self, method: str, url: str, kwargs: dict[str, Any]) -> Callable[[], requests.Response]:
        """A function that sends the request once per call, rewinding a file body before a repeat."""
        body = kwargs["data"]
        start = _tell(body)
        # Per request, not only on the session: requests lets $REQUESTS_CA_BUNDLE override a
        # session's CA bundle, so a cluster's own CA would be ignored wherever that is set.
        kwargs.setdefault("verify", self._verify)
        attempts = 0

        def send() -> requests.Response:
            nonlocal attempts
            if attempts and body is not None and not isinstance(body, bytes | bytearray | memoryview | str):
                if start is None:
                    raise UnrewindableBodyError("cannot send a streamed body twice")
                body.seek(start)
            attempts += 1
            if body is not None and url.startswith(const.HTTPS):
                return self._send_two_legs(method, url, kwargs)
            if body is None and kwargs["json"] is None and method in _FOLLOWED_HERE:
                return self._send_following(method, url, kwargs)
            return self.session.request(method, url, **kwargs)

        return send

    def _send_following(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        """A bodiless GET or HEAD sent straight through the transport adapter, its cluster
        redirects followed here.

        `Session.send` wraps every exchange in hooks, cookie extraction and, on a redirect,
        `requests`' general redirect machinery (a copy of the request, method and auth rebuilt):
        for a small object through a gateway that doubles a Python client's cost of the second
        hop. A cluster redirect changes only the URL, so the prepared request is sent again with
        that URL. The adapter still maps transport failures to `requests`' exceptions.
        """
        session = self.session
        request = requests.Request(method, url, params=kwargs["params"], headers=kwargs["headers"])
        prepared = session.prepare_request(request)
        stream = kwargs["stream"]
        for _ in range(_MAX_REDIRECTS + 1):
            settings = session.merge_environment_settings(prepared.url, {}, stream, kwargs["verify"], None)
            adapter = session.get_adapter(prepared.url or url)
            response = adapter.send(
                prepared,
                stream=True,
                timeout=kwargs["timeout"],
                verify=True if settings["verify"] is None else settings["verify"],
                cert=settings["cert"],
                proxies=settings["proxies"],
            )
            location = response.headers.get(const.HEADER_LOCATION)
            if response.status_code not in _REDIRECTS or not location:
                if not stream:
                    response.content  # noqa: B018 - read now, as requests does for stream=False
                return response
            response.content  # noqa: B018 - drain the (empty) body so the connection is reused
            response.close()
            following = prepared.copy()
            following.url = requote_uri(urljoin(response.url, location))
            if _downgrades(prepared.url or url, following.url):
                following.headers.pop("Authorization", None)
            prepared = following
        raise requests.TooManyRedirects(f"more than {_MAX_REDIRECTS} redirects from {url}", response=response)

    def _send_two_legs(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        """HTTPS with a body: ask the proxy where to go without sending the body, then send it there."""
        session = self.session
        first_headers = {**(kwargs["headers"] or {}), const.HEADER_CONNECTION: "close"}
        request = requests.Request(method, url, params=kwargs["params"], headers=first_headers, data=b"")
        prepared = session.prepare_request(request)
        size = _body_size(kwargs["data"])
        if size is not None:
            prepared.headers[const.HEADER_CONTENT_LENGTH] = str(size)
        settings = session.merge_environment_settings(prepared.url, {}, False, self._verify, None)
        first = session.send(prepared, allow_redirects=False, timeout=kwargs["timeout"], **settings)
        location = first.headers.get(const.HEADER_LOCATION)
        if first.status_code not in _REDIRECTS or not location:
            return first
        first.close()
        second = {**kwargs, "params": None}
        return session.request(method, location, **second)


def _downgrades(old_url: str, new_url: str) -> bool:
    """True when a redirect leads from HTTPS to plain HTTP (credentials must not follow)."""
    return urlsplit(old_url).scheme == "https" and urlsplit(new_url).scheme != "https"


def _tell(body: Any) -> int | None:
    """The current position of a seekable body, else None."""
    try:
        position: int = body.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return position


def _body_size(body: Any) -> int | None:
    """Length in bytes of a body, if it can be known without reading it."""
    if isinstance(body, bytes | bytearray | memoryview):
        return len(body)
    if isinstance(body, str):
        return len(body.encode())
    try:
        remaining: int = os.fstat(body.fileno()).st_size - body.tell()
        return remaining
    except (AttributeError, OSError, ValueError):
        pass
    start = _tell(body)
    if start is None:
        return None
    end: int = body.seek(0, os.SEEK_END)
    body.seek(start)
    return end - start

"""Generated requests for every route of both roles, taken from web/routes.py (so a new route is
fuzzed as soon as it exists): path parameters, query values, headers and bodies, hostile and
merely wrong. Used by the property test in `make test` and its long variant behind `make soak`."""

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
from hypothesis import strategies as st

from pyaistore.proxy import node_lifecycle
from pyaistore.web import cluster_auth, routes
from pyaistore.wire import actions, headers, query
from pyaistore.wire.limits import MAX_JSON_DEPTH

BUCKET = "fuzz"
OBJECT = "o1"
_PARAM = re.compile(r"\{([a-z]+)(?::[^}]*)?\}")
# Actions a client may legitimately send that stop or remove nodes: not hostile input, and they
# would end the cluster under test. Everything else in the vocabulary is fair game.
_MEMBERSHIP = node_lifecycle.NODE_ACTIONS | node_lifecycle.CLUSTER_ACTIONS
ACTIONS = sorted(
    v for k, v in vars(actions).items() if k.isupper() and isinstance(v, str) and v not in _MEMBERSHIP
)
QUERY_NAMES = sorted({v for k, v in vars(query).items() if k.isupper() and isinstance(v, str) and v})
HEADER_NAMES = [
    headers.RANGE,
    headers.CUSTOM_MD,
    headers.CHECKSUM_TYPE,
    headers.CHECKSUM_VALUE,
    headers.NODE_ID,
    headers.CALLER_ID,
    headers.CLUSTER_SECRET,
    headers.OBJECT_META,
    headers.SLICE_META,
    headers.CONTENT_TYPE,
    headers.ACCEPT,
    headers.PUT_ARCH_FLAGS,
    headers.APPEND_HANDLE,
]
# State-changing internal routes: with a valid secret they only get malformed bodies (a valid
# metasync, join or node action from a member is not hostile input, and would change the cluster).
_MEMBER_WRITES = {("PUT", "/v1/metasync"), ("PUT", "/v1/daemon"), ("POST", "/v1/cluster/join")}


@dataclass(frozen=True)
class Route:
    """One row of a route table."""

    role: str
    method: str
    path: str
    access: str

    def __str__(self) -> str:
        return f"{self.role} {self.method} {self.path}"


def all_routes() -> list[Route]:
    """Every route of both roles."""
    found = [Route("proxy", m, p, cluster_auth.access_of(h)) for m, p, h in routes.PROXY_ROUTES]
    found += [Route("target", m, p, cluster_auth.access_of(h)) for m, p, h in routes.TARGET_ROUTES]
    return found


huge_digits = st.integers(19, 5000).map(lambda n: "9" * n)
numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str), huge_digits, st.sampled_from(["", "-1", "0", "1e9", "NaN"])
)
texts = st.one_of(
    st.text(max_size=40), st.sampled_from(["", "..", "../../etc", "%00", "a" * 3000, "{0..99999999}"])
)
query_values = st.one_of(
    texts, numbers, st.sampled_from(["true", "false", "(a+)+$", "regexp", "ais", "gcp", "x"])
)


def _header_text(value: str) -> str:
    """Only what an HTTP client can send as a header value (latin-1, no line breaks, trimmed)."""
    text = value.encode("latin-1", errors="replace").decode("latin-1")
    return "".join(c for c in text if c >= " " and c != "\x7f").strip() or "x"


header_values = st.one_of(
    numbers.map(lambda n: "bytes=0-" + n),
    st.sampled_from(
        ["bytes=-0", "bytes=5-1", "bytes=" + " " * 4000 + "x", "k=" + "v" * 7000, "none", "xxhash2"]
    ),
    st.sampled_from(['{"name": [1]}', "[" * 3000, '{"size": "x"}', "null", "1e400"]),
    texts.map(_header_text),
)
deep = st.integers(MAX_JSON_DEPTH, 3000).map(lambda n: "[" * n + "]" * n)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
# Keys of the cluster's own messages (metasync, join, keepalive, job and list requests), with values
# of any type: the parsers must name the wrong field, never fail on it.
MESSAGE_KEYS = [
    "smap",
    "bmd",
    "etlmd",
    "rmd",
    "node",
    "id",
    "smap_version",
    "bmd_version",
    "names",
    "pagesize",
    "flags",
    "prefix",
    "kind",
    "ID",
    "Kind",
    "sids",
    "sid",
    "tmap",
    "proxy_si",
    "version",
    "uuid",
]
keyed = st.dictionaries(st.sampled_from(MESSAGE_KEYS), json_values, min_size=1, max_size=4)
action_messages = st.fixed_dictionaries(
    {"action": st.sampled_from(ACTIONS), "name": st.one_of(st.text(max_size=10), json_values)},
    optional={"value": json_values},
)
malformed = st.one_of(
    st.just("null"),
    deep,
    st.sampled_from(['{"action": 5}', '{"action"', "[]", '"text"', "1" * 5000, '{"smap": {"version": [1]}}']),
    st.sampled_from(
        ['{"node": {"daemon_id": 7}}', '{"id": "x", "smap_version": "abc"}', '{"names": [1, 2]}']
    ),
    st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
    keyed.map(json.dumps),
    keyed.map(lambda value: json.dumps({"smap": value})),
)
bodies = st.one_of(
    st.none(),
    malformed,
    json_values.map(json.dumps),
    action_messages.map(json.dumps),
)


@st.composite
def requests_for(draw: st.DrawFn, route: Route, member_headers: dict[str, str]) -> dict[str, Any]:
    """One request for `route`: path, query, headers and body (and whether it is a member's)."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "bucket":
            return draw(st.sampled_from([BUCKET, BUCKET, "nope", "a" * 70, "..", "b%2Fc"]))
        if name == "tail":
            return draw(st.sampled_from(["daemon", "daemon/mountpaths", "x", "daemon/../cluster"]))
        if name in ("name", "uname", "prefix"):
            raw = draw(st.one_of(st.just(OBJECT), st.just("shard.tar"), texts.filter(bool)))
            return quote(raw, safe="/") if draw(st.booleans()) else quote(raw, safe="")
        return quote(draw(st.text(min_size=1, max_size=12)), safe="")

    path = _PARAM.sub(fill, route.path)
    params = draw(st.dictionaries(st.sampled_from(QUERY_NAMES), query_values, max_size=4))
    sent = draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_values, max_size=4))
    as_member = bool(route.access) and draw(st.integers(0, 3)) > 0
    if as_member:
        sent.update(member_headers)
    writes = (route.method, route.path) in _MEMBER_WRITES
    body = draw(malformed if as_member and writes else bodies)
    return {"path": path, "params": params, "headers": sent, "body": body}


def send(http: requests.Session, base: str, route: Route, request: dict[str, Any]) -> requests.Response:
    """Send one generated request (never following redirects)."""
    data = None if request["body"] is None else request["body"].encode("utf-8", errors="surrogatepass")
    return http.request(
        route.method,
        base + request["path"],
        params=request["params"],
        headers=request["headers"],
        data=data,
        allow_redirects=False,
        timeout=60,
    )

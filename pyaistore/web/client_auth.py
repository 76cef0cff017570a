"""Client auth on a proxy: every request needs a valid token that grants what it asks.

When the node runs with `auth` on, this middleware (after cluster_auth's) decides each request
in numbered steps:

1. routes open to anyone (`route_access.no_token`: health, join) and internal routes
   (`members_only`/`secret_only`, which cluster_auth checks) pass, and so does any request that
   carries the cluster secret (a cluster member, or the launcher that owns the data dirs);
2. the token comes from `Authorization: Bearer` or `X-Amz-Security-Token` (401 "token required");
3. it must verify, be unexpired and not revoked (401 "invalid token ...", "... token revoked");
4. the permission the request needs comes from the handler's flag (`route_access.needs`, or an
   S3 rule) or from this module's table of native routes (proxy/access_policy.py says which bits
   each method and action needs); a route in neither needs ADMIN;
5. the claims must grant it for this cluster's UUID and the bucket (403 "insufficient
   permissions"); the claims are kept on the request (`CLAIMS_KEY`) for handlers.

Other modules reuse the check: flag a handler with `route_access.needs(access.SHOW_CLUSTER)`, or
`route_access.browser_view(...)` for the dashboard's data (its token may also come from the
dashboard's cookie), or call `require(request, bits)` from a handler.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from pyaistore.auth import route_access
from pyaistore.auth.claims import Claims
from pyaistore.auth.errors import TokenMissing
from pyaistore.node_context import NodeContext
from pyaistore.proxy import access_policy
from pyaistore.web import cluster_auth, request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.web.error_mapping import Handler
from pyaistore.wire import access, authn, headers, monitoring, paths, query
from pyaistore.wire.bucket_id import BucketId, parse_uname
from pyaistore.wire.messages import ActionMsg

__all__ = ["CLAIMS_KEY", "check_token", "make_middleware", "require", "token_of"]

CLAIMS_KEY: Final = "pyaistore_claims"
Need = tuple[int, tuple[str, str] | None]
_Rule = Callable[[web.Request], Awaitable[Need]]
_V: Final = "/" + paths.API_VERSION


def token_of(request: web.Request, cookie: bool = False) -> str:
    """The request's token: `Authorization: Bearer`, else `X-Amz-Security-Token`, else (`cookie`:
    routes flagged `browser_view`) the dashboard's cookie ("" if none)."""
    token = authn.bearer_token(request.headers.get(headers.AUTHORIZATION, ""))
    token = token or request.headers.get(authn.S3_TOKEN_HEADER, "")
    return token or (request.cookies.get(monitoring.DASHBOARD_COOKIE, "") if cookie else "")


def _claims(ctx: NodeContext, request: web.Request, cookie: bool = False) -> Claims:
    """Steps 2-3: the verified claims of the request's token."""
    assert ctx.tokens is not None
    token = token_of(request, cookie)
    if not token:
        raise TokenMissing()
    return ctx.tokens.verify(token)


def require(request: web.Request, bits: int, bucket: BucketId | None = None, cookie: bool = False) -> None:
    """Raise 401/403 unless the request's token grants `bits` (no-op with auth off or for members);
    `cookie`: the token may come from the dashboard's cookie."""
    ctx = request.app[CONTEXT]
    if ctx.tokens is None or _is_member(ctx, request):
        return
    claims = request.get(CLAIMS_KEY) or _claims(ctx, request, cookie)
    claims.check(_cluster_id(ctx), _pair(bucket), bits)


def check_token(request: web.Request, token: str, bits: int) -> Claims | None:
    """The claims of `token` if it is valid here and grants `bits` (raises 401/403 otherwise);
    None with auth off."""
    ctx = request.app[CONTEXT]
    if ctx.tokens is None:
        return None
    if not token:
        raise TokenMissing()
    claims = ctx.tokens.verify(token)
    claims.check(_cluster_id(ctx), None, bits)
    return claims


def _cluster_id(ctx: NodeContext) -> str:
    return ctx.smap.uuid if ctx.meta.smap else ""


def _pair(bucket: BucketId | None) -> tuple[str, str] | None:
    return (bucket.provider, bucket.name) if bucket is not None else None


def _is_member(ctx: NodeContext, request: web.Request) -> bool:
    return headers.CLUSTER_SECRET in request.headers and cluster_auth.has_secret(ctx, request)


async def _action(request: web.Request) -> ActionMsg | None:
    """The action message of a control request (read once; the handler reads it again from cache)."""
    return await request_parsing.action_msg(request, required=False)


def _fixed(bits: int) -> _Rule:
    async def rule(_: web.Request) -> Need:
        return bits, None

    return rule


async def _cluster(request: web.Request) -> Need:
    return access_policy.cluster_bits(request.method), None


async def _bucket(request: web.Request) -> Need:
    bucket = request_parsing.bucket_id(request)
    msg = await _action(request) if request.method != "HEAD" else None
    action = msg.action if msg else ""
    value = msg.value if msg else None
    sets_access = isinstance(value, dict) and "access" in value
    bits, cluster_only = access_policy.bucket_bits(request.method, action, value is None, sets_access)
    if action in access_policy.DESTINATION_ACTIONS:
        destination = _destination(request, value)
        if destination is not None and destination != bucket:
            require(request, access.PUT, destination)
    return bits, None if cluster_only else (bucket.provider, bucket.name)


def _destination(request: web.Request, value: object) -> BucketId | None:
    """The second bucket of a copy, transform or archive job (the handler rejects a bad one)."""
    try:
        raw = request.query.get(query.BCK_TO)
        if raw:
            return parse_uname(raw)[0]
        to_bucket = value.get("tobck") if isinstance(value, dict) else None
        return BucketId.from_json(to_bucket) if isinstance(to_bucket, dict) else None
    except (ValueError, TypeError, KeyError):
        return None


async def _object(request: web.Request) -> Need:
    bucket = request_parsing.bucket_id(request)
    action = ""
    if request.method == "POST":
        msg = await _action(request)
        action = msg.action if msg else ""
    return access_policy.object_bits(request.method, request.query, action), (bucket.provider, bucket.name)


async def _tokens(request: web.Request) -> Need:
    # POST: "do you accept this token?" (any valid token); DELETE: revoke (admin).
    return (0 if request.method == "POST" else access.ADMIN), None


# Native routes by (method, canonical path); a method absent for a path falls back to "*".
_RULES: Final[Mapping[tuple[str, str], _Rule]] = {
    ("*", f"{_V}/{paths.DAEMON}"): _cluster,
    ("*", f"{_V}/{paths.CLUSTER}"): _cluster,
    ("*", f"{_V}/{paths.REVERSE}/{{tail}}"): _cluster,
    ("*", f"{_V}/{paths.BUCKETS}"): _fixed(access.LIST_BUCKETS),
    ("*", f"{_V}/{paths.BUCKETS}/"): _fixed(access.LIST_BUCKETS),
    ("*", f"{_V}/{paths.BUCKETS}/{{bucket}}"): _bucket,
    ("*", f"{_V}/{paths.BUCKETS}/{{bucket}}/{{prefix}}"): _bucket,
    ("*", f"{_V}/{paths.OBJECTS}/{{bucket}}/{{name}}"): _object,
    ("POST", f"{_V}/{paths.OBJECTS}/{{bucket}}"): _object,
    ("*", f"{_V}/{authn.TOKENS}"): _tokens,
}
_OPEN: Final = frozenset((f"{_V}/{paths.HEALTH}", f"{_V}/{paths.CLUSTER}/{paths.JOIN}"))
_ADMIN: Final = _fixed(access.ADMIN)


def _rule_for(request: web.Request) -> int | _Rule | None:
    """Step 4's source: the handler's flag, else the table (None: open or internal)."""
    handler = request.match_info.handler
    flag = route_access.rule_of(handler)
    if flag is not None:
        return None if flag == route_access.NO_TOKEN else flag
    if cluster_auth.access_of(handler):
        return None
    route = request.match_info.route
    canonical = route.resource.canonical if route.resource is not None else ""
    if canonical in _OPEN:
        return None
    return _RULES.get((request.method, canonical)) or _RULES.get(("*", canonical)) or _ADMIN


def make_middleware(ctx: NodeContext) -> Middleware:
    """The client-auth middleware of a proxy (install only when ctx.tokens is set)."""

    @web.middleware
    async def client_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        rule = _rule_for(request)
        if rule is None or _is_member(ctx, request):
            return await handler(request)
        claims = _claims(ctx, request, route_access.takes_cookie(request.match_info.handler))
        request[CLAIMS_KEY] = claims
        if isinstance(rule, int):
            bits, bucket = rule, None
        else:
            bits, bucket = await rule(request)  # a malformed request is 400 here, as in its handler
        claims.check(ctx.smap.uuid, bucket, bits)
        return await handler(request)

    return client_auth

"""The AuthN service's HTTP routes (AIS's cmd/authn/hserv.go): parse, call the service, render.

Who may call what: login, the role and cluster listings are open; reading a user needs that
user's token or an administrator's; a user may change its own password; everything else needs
an administrator's token (401 otherwise, as AIS answers). Revoking needs only a token signed here.
"""

import asyncio
import json
from typing import Any, Final

from aiohttp import web

from pyaistore.authn.cluster_calls import ClusterCalls
from pyaistore.authn.errors import InvalidRequest, NotAuthorized
from pyaistore.authn.service import Service
from pyaistore.authn.state import Cluster, Role
from pyaistore.wire import authn, headers, limits, paths

__all__ = ["CALLS", "ROUTES", "SERVICE"]

SERVICE: Final = web.AppKey("service", Service)
CALLS: Final = web.AppKey("calls", ClusterCalls)
_V: Final = "/" + paths.API_VERSION


def _token(request: web.Request) -> str:
    return authn.bearer_token(request.headers.get(headers.AUTHORIZATION, ""))


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > limits.MAX_CONTROL_BODY:
        raise InvalidRequest("request body too large")
    raw = await request.content.read(limits.MAX_CONTROL_BODY + 1)
    if len(raw) > limits.MAX_CONTROL_BODY:
        raise InvalidRequest("request body too large")
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise InvalidRequest(f"invalid JSON in request body: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidRequest("the request body must be a JSON object")
    return value


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key) or ""
    if not isinstance(value, str):
        raise InvalidRequest(f"{key} must be a string")
    return value


async def login(request: web.Request) -> web.Response:
    """POST /v1/users/{user}: {"password", "expires_in" (ns)} -> {"token"}."""
    body = await _body(request)
    expires = body.get("expires_in")
    if expires is not None and (not isinstance(expires, int) or isinstance(expires, bool)):
        raise InvalidRequest("expires_in must be an integer number of nanoseconds")
    service = request.app[SERVICE]
    token = await asyncio.to_thread(
        service.login, request.match_info["user"], _text(body, "password"), expires
    )
    return web.json_response({"token": token})


async def add_user(request: web.Request) -> web.Response:
    """POST /v1/users: {"id", "pass", "roles"} (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    body = await _body(request)
    await asyncio.to_thread(service.add_user, _text(body, "id"), _text(body, "pass"), body.get("roles"))
    return web.Response()


async def update_user(request: web.Request) -> web.Response:
    """PUT /v1/users/{user}: new password and/or roles."""
    service = request.app[SERVICE]
    claims = service.claims_of(_token(request))
    body = await _body(request)
    user = request.match_info["user"]
    await asyncio.to_thread(service.update_user, user, _text(body, "pass"), body.get("roles"), claims)
    return web.Response()


async def delete_user(request: web.Request) -> web.Response:
    """DELETE /v1/users/{user} (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    service.delete_user(request.match_info["user"])
    return web.Response()


async def list_users(request: web.Request) -> web.Response:
    """GET /v1/users (admin): {id: user}."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    return web.json_response(service.users_json())


async def get_user(request: web.Request) -> web.Response:
    """GET /v1/users/{user} (admin or the user itself)."""
    service = request.app[SERVICE]
    claims = service.claims_of(_token(request))
    user = request.match_info["user"]
    if not claims.admin and claims.subject != user:
        raise NotAuthorized(f"not authorized: requires admin or self (user {claims.subject})")
    return web.json_response(service.user_json(user))


async def revoke(request: web.Request) -> web.Response:
    """DELETE /v1/tokens: {"token"}; every registered cluster is told before the reply."""
    body = await _body(request)
    await request.app[SERVICE].revoke(_text(body, "token"), request.app[CALLS])
    return web.Response()


async def list_roles(request: web.Request) -> web.Response:
    """GET /v1/roles."""
    return web.json_response(request.app[SERVICE].roles_json())


async def get_role(request: web.Request) -> web.Response:
    """GET /v1/roles/{role}."""
    return web.json_response(request.app[SERVICE].role_json(request.match_info["role"]))


def _role(body: dict[str, Any]) -> Role:
    try:
        return Role.from_json(body)
    except ValueError as exc:
        raise InvalidRequest(f"invalid role: {exc}") from exc


async def add_role(request: web.Request) -> web.Response:
    """POST /v1/roles (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    service.add_role(_role(await _body(request)))
    return web.Response()


async def update_role(request: web.Request) -> web.Response:
    """PUT /v1/roles/{role} (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    service.update_role(request.match_info["role"], _role(await _body(request)))
    return web.Response()


async def delete_role(request: web.Request) -> web.Response:
    """DELETE /v1/roles/{role} (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    service.delete_role(request.match_info["role"])
    return web.Response()


async def list_clusters(request: web.Request) -> web.Response:
    """GET /v1/clusters[/{cluster}]: {"clusters": {uuid: {"id", "alias", "urls"}}}."""
    return web.json_response(request.app[SERVICE].clusters_json(request.match_info.get("cluster", "")))


def _urls(body: dict[str, Any]) -> list[str]:
    urls = body.get("urls") or []
    if not isinstance(urls, list) or not all(isinstance(u, str) and "://" in u for u in urls):
        raise InvalidRequest("urls must be a list of http(s) URLs")
    return urls


async def register_cluster(request: web.Request) -> web.Response:
    """POST /v1/clusters: {"id", "alias", "urls"} (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    body = await _body(request)
    cluster = Cluster(_text(body, "id"), _text(body, "alias"), _urls(body))
    await service.register(cluster, request.app[CALLS])
    return web.Response()


async def update_cluster(request: web.Request) -> web.Response:
    """PUT /v1/clusters/{cluster}: new alias and/or URLs (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    body = await _body(request)
    calls = request.app[CALLS]
    await service.update_cluster(request.match_info["cluster"], _text(body, "alias"), _urls(body), calls)
    return web.Response()


async def delete_cluster(request: web.Request) -> web.Response:
    """DELETE /v1/clusters/{cluster} (admin)."""
    service = request.app[SERVICE]
    service.require_admin(_token(request))
    service.delete_cluster(request.match_info["cluster"])
    return web.Response()


async def health(_: web.Request) -> web.Response:
    """GET /v1/health: the service answers."""
    return web.Response()


ROUTES: Final = (
    ("GET", f"{_V}/{paths.HEALTH}", health),
    ("POST", f"{_V}/{authn.USERS}", add_user),
    ("GET", f"{_V}/{authn.USERS}", list_users),
    ("POST", f"{_V}/{authn.USERS}/{{user}}", login),
    ("GET", f"{_V}/{authn.USERS}/{{user}}", get_user),
    ("PUT", f"{_V}/{authn.USERS}/{{user}}", update_user),
    ("DELETE", f"{_V}/{authn.USERS}/{{user}}", delete_user),
    ("DELETE", f"{_V}/{authn.TOKENS}", revoke),
    ("GET", f"{_V}/{authn.ROLES}", list_roles),
    ("POST", f"{_V}/{authn.ROLES}", add_role),
    ("GET", f"{_V}/{authn.ROLES}/{{role}}", get_role),
    ("PUT", f"{_V}/{authn.ROLES}/{{role}}", update_role),
    ("DELETE", f"{_V}/{authn.ROLES}/{{role}}", delete_role),
    ("GET", f"{_V}/{authn.CLUSTERS}", list_clusters),
    ("POST", f"{_V}/{authn.CLUSTERS}", register_cluster),
    ("GET", f"{_V}/{authn.CLUSTERS}/{{cluster}}", list_clusters),
    ("PUT", f"{_V}/{authn.CLUSTERS}/{{cluster}}", update_cluster),
    ("DELETE", f"{_V}/{authn.CLUSTERS}/{{cluster}}", delete_cluster),
)

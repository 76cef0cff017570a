"""The dashboard a proxy serves: a static page (HTML, script, style shipped in the package: no build
step, nothing from elsewhere) and the state it polls (proxy/dashboard_state.py).

With client auth on, the page and its state need a token granting SHOW_CLUSTER. A browser cannot
add a header to a page it navigates to, so the page answers a request without a valid token with
a login page (401, or 403 for a token without the permission): a form that posts a token to
`/dashboard/login`, which keeps it in an HttpOnly, SameSite=Strict cookie scoped to `/dashboard`
until the token expires. Only the dashboard's routes read that cookie (route_access.browser_view),
and they only read, so a cookie sent along by another site changes nothing. Clients that can send
headers use `Authorization: Bearer` as everywhere else.
"""

import html
import time
from pathlib import Path
from typing import Final

from aiohttp import web

from pyaistore.auth import route_access
from pyaistore.auth.errors import AuthError, Unauthenticated
from pyaistore.proxy import dashboard_state
from pyaistore.web import client_auth
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import access, monitoring

__all__ = ["asset", "login", "page", "state"]

_FILES: Final = Path(__file__).resolve().parent / "dashboard"
_ASSETS: Final = {
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
    "login.js": "text/javascript",
}
# The page loads only its own script and style, and talks only to its proxy.
_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}
_MESSAGE_SLOT: Final = "<!--message-->"


def _file(name: str, content_type: str, status: int = 200) -> web.Response:
    body = (_FILES / name).read_bytes()  # a few KiB, from the package
    return web.Response(
        status=status, body=body, headers={**_HEADERS, "Content-Type": f"{content_type}; charset=utf-8"}
    )


def _login_page(refusal: AuthError) -> web.Response:
    """The login form, saying why the last token (if any) was refused: 401, or 403 (no permission)."""
    status = 401 if isinstance(refusal, Unauthenticated) else 403
    text = (_FILES / "login.html").read_text()
    text = text.replace(_MESSAGE_SLOT, html.escape(str(refusal)[:300]))
    headers = {**_HEADERS, "Content-Type": "text/html; charset=utf-8"}
    return web.Response(status=status, text=text, headers=headers)


@route_access.no_token  # checked here: a refusal is the login page, not a JSON error
async def page(request: web.Request) -> web.Response:
    """GET /dashboard: 1) with auth on, the token (header or cookie) must grant SHOW_CLUSTER, else
    the login page 2) the page."""
    try:
        client_auth.require(request, access.SHOW_CLUSTER, cookie=True)
    except AuthError as exc:
        return _login_page(exc)
    return _file("index.html", "text/html")


@route_access.no_token  # the package's script and style: no data
async def asset(request: web.Request) -> web.Response:
    """GET /dashboard/<file>: the page's script or style; 404 for anything else."""
    name = request.match_info["asset"]
    content_type = _ASSETS.get(name)
    if content_type is None:
        raise web.HTTPNotFound(reason=f"no dashboard file {name[:64]!r}")
    return _file(name, content_type)


@route_access.no_token  # the token to check is in the form
async def login(request: web.Request) -> web.Response:
    """POST /dashboard/login: 1) the form's token must be valid and grant SHOW_CLUSTER, else the
    login page again 2) keep it in the cookie 3) back to the page (303)."""
    form = await request.post()
    token = str(form.get(monitoring.DASHBOARD_TOKEN_FIELD, "")).strip()
    try:
        claims = client_auth.check_token(request, token, access.SHOW_CLUSTER)
    except AuthError as exc:
        return _login_page(exc)
    response = web.HTTPSeeOther(monitoring.DASHBOARD_PATH)
    if claims is not None:
        response.set_cookie(
            monitoring.DASHBOARD_COOKIE,
            token,
            max_age=max(1, int(claims.expires_at - time.time())),
            path=monitoring.DASHBOARD_PATH,
            secure=request.app[CONTEXT].config.tls,
            httponly=True,
            samesite="Strict",
        )
    return response


async def state(request: web.Request) -> web.Response:
    """GET /dashboard/api/state: 1) gather map, node metrics, jobs, ETLs 2) JSON."""
    return web.json_response(await dashboard_state.collect(request.app[CONTEXT]))

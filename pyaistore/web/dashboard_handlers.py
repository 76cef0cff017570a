"""The dashboard a proxy serves: a static page (HTML, script, style shipped in the package: no build
step, nothing from elsewhere) and the state it polls (proxy/dashboard_state.py)."""

from pathlib import Path
from typing import Final

from aiohttp import web

from pyaistore.proxy import dashboard_state
from pyaistore.web.app_keys import CONTEXT

__all__ = ["asset", "page", "state"]

_FILES: Final = Path(__file__).resolve().parent / "dashboard"
_ASSETS: Final = {
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
}
# The page loads only its own script and style, and talks only to its proxy.
_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}


def _file(name: str, content_type: str) -> web.Response:
    body = (_FILES / name).read_bytes()  # a few KiB, from the package
    return web.Response(body=body, headers={**_HEADERS, "Content-Type": f"{content_type}; charset=utf-8"})


async def page(_: web.Request) -> web.Response:
    """GET /dashboard: the page."""
    return _file("index.html", "text/html")


async def asset(request: web.Request) -> web.Response:
    """GET /dashboard/<file>: the page's script or style; 404 for anything else."""
    name = request.match_info["asset"]
    content_type = _ASSETS.get(name)
    if content_type is None:
        raise web.HTTPNotFound(reason=f"no dashboard file {name[:64]!r}")
    return _file(name, content_type)


async def state(request: web.Request) -> web.Response:
    """GET /dashboard/api/state: 1) gather map, node metrics, jobs, ETLs 2) JSON."""
    return web.json_response(await dashboard_state.collect(request.app[CONTEXT]))

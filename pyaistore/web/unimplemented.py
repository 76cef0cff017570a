"""The route families of AIS this cluster does not serve yet: 501 naming the feature, not a bare 404.

One table. When a feature lands, delete its line. The routes here are installed after every real
route, so a line left behind never shadows the feature that replaced it.
"""

from types import MappingProxyType
from typing import Final

from aiohttp import web

from pyaistore.cluster.errors import NotSupported
from pyaistore.wire import paths

__all__ = ["FEATURES", "ROUTES"]

# URL prefix -> the feature a client reaches there.
FEATURES: Final = MappingProxyType(
    {
        paths.url_path(paths.DOWNLOAD): "the downloader",
    }
)
_METHODS: Final = ("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH")


async def not_implemented(request: web.Request) -> web.Response:
    """Any request under an unimplemented prefix: 501 (NotSupported) naming the feature."""
    for prefix, feature in FEATURES.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            raise NotSupported(f"{feature} is not implemented yet ({request.method} {request.path})")
    raise web.HTTPNotFound()


ROUTES: Final = tuple(
    (method, path, not_implemented)
    for prefix in FEATURES
    for path in (prefix, prefix + "/{tail:.*}")
    for method in _METHODS
)

"""(method, path) -> handler tables, one per role."""

from typing import Final

from aiohttp import web

from pyaistore.web import node_handlers as node
from pyaistore.web import proxy_handlers as proxy
from pyaistore.web import target_handlers as target
from pyaistore.wire import paths

_V: Final = "/" + paths.API_VERSION
_BUCKET: Final = _V + "/" + paths.BUCKETS + "/{bucket}"
_OBJECT: Final = _V + "/" + paths.OBJECTS + "/{bucket}/{name:.+}"

_COMMON: Final = (
    ("GET", _V + "/" + paths.HEALTH, node.health),
    ("GET", _V + "/" + paths.DAEMON, node.daemon),
    ("PUT", _V + "/" + paths.METASYNC, node.receive_metasync),
)

PROXY_ROUTES: Final = (
    *_COMMON,
    ("GET", _V + "/" + paths.CLUSTER, proxy.cluster_get),
    ("POST", _V + "/" + paths.CLUSTER + "/" + paths.JOIN, proxy.join),
    ("POST", _V + "/" + paths.CLUSTER + "/" + paths.KEEPALIVE, proxy.keepalive),
    ("GET", _V + "/" + paths.REVERSE + "/{tail:.+}", proxy.reverse),
    ("GET", _V + "/" + paths.BUCKETS, proxy.list_all_buckets),
    ("GET", _V + "/" + paths.BUCKETS + "/", proxy.list_all_buckets),
    ("GET", _BUCKET, proxy.bucket_get),
    ("POST", _BUCKET, proxy.bucket_post),
    ("DELETE", _BUCKET, proxy.bucket_delete),
    ("HEAD", _BUCKET, proxy.bucket_head),
    ("HEAD", _BUCKET + "/{prefix:.*}", proxy.bucket_head),
    ("PATCH", _BUCKET, proxy.bucket_patch),
    *(
        (method, _OBJECT, proxy.object_redirect)
        for method in ("GET", "HEAD", "PUT", "DELETE", "PATCH", "POST")
    ),
)

TARGET_ROUTES: Final = (
    *_COMMON,
    ("GET", _OBJECT, target.get),
    ("HEAD", _OBJECT, target.head),
    ("PUT", _OBJECT, target.put),
    ("DELETE", _OBJECT, target.delete),
    ("PATCH", _OBJECT, target.patch),
    ("POST", _OBJECT, target.post),
    ("GET", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_LIST + "/{bucket}", target.list_page),
)


def install(app: web.Application, table: tuple[tuple[str, str, object], ...]) -> None:
    """Register a table; GET never implies HEAD (object HEAD has its own handler)."""
    for method, path, handler in table:
        app.router.add_route(method, path, handler)  # type: ignore[arg-type]

"""Every node-to-node route is flagged members-only (or secret-only): a route added without its
flag would answer any client on the public port."""

from pyaistore.web import routes
from pyaistore.web.cluster_auth import access_of
from pyaistore.wire import paths

_V = "/" + paths.API_VERSION


def _node_to_node(method: str, path: str) -> bool:
    return (
        path.startswith(f"{_V}/{paths.INTERNAL}/")
        or path == f"{_V}/{paths.METASYNC}"
        or (method == "PUT" and path == f"{_V}/{paths.DAEMON}")
    )


def test_every_internal_route_answers_only_members() -> None:
    for table in (routes.PROXY_ROUTES, routes.TARGET_ROUTES):
        for method, path, handler in table:
            if _node_to_node(method, path):
                assert access_of(handler), f"{method} {path} is open to any client"


def test_client_routes_stay_public() -> None:
    for method, path, handler in routes.PROXY_ROUTES:
        if path.startswith(f"{_V}/{paths.OBJECTS}/") or path.startswith(f"{_V}/{paths.BUCKETS}"):
            assert not access_of(handler), f"{method} {path} refuses clients"

"""(method, path) -> handler tables, one per role.

A handler wrapped in `members_only` (or `secret_only`) flags an internal route: only cluster
members may call it (web/cluster_auth.py applies the flag, for every route, in one middleware).
"""

from collections.abc import Callable
from typing import Final, TypeVar

from aiohttp import web

from pyaistore.auth import route_access
from pyaistore.web import config_handlers as config
from pyaistore.web import dashboard_handlers as dashboard
from pyaistore.web import dsort_handlers as sort
from pyaistore.web import ec_handlers as ec
from pyaistore.web import etl_handlers as etl
from pyaistore.web import internal_handlers as internal
from pyaistore.web import job_handlers as jobs
from pyaistore.web import metrics_handlers as metrics
from pyaistore.web import ml_handlers as ml
from pyaistore.web import mountpath_handlers as mountpaths
from pyaistore.web import multipart_handlers as multipart
from pyaistore.web import node_handlers as node
from pyaistore.web import proxy_handlers as proxy
from pyaistore.web import remote_handlers as remote
from pyaistore.web import target_handlers as target
from pyaistore.web import token_handlers as tokens
from pyaistore.web import unimplemented
from pyaistore.web.cluster_auth import members_only, secret_only
from pyaistore.wire import access, authn, monitoring, paths
from pyaistore.wire import etl as wire_etl

H = TypeVar("H", bound=Callable[..., object])

_V: Final = "/" + paths.API_VERSION
_BUCKET: Final = _V + "/" + paths.BUCKETS + "/{bucket}"
_OBJECTS: Final = _V + "/" + paths.OBJECTS + "/{bucket}"
_OBJECT: Final = _OBJECTS + "/{name:.+}"
_ETL: Final = _V + "/" + paths.ETL
_ETL_NAMED: Final = _ETL + "/{" + etl.NAME_KEY + "}"
_MOUNTPATHS: Final = _V + "/" + paths.DAEMON + "/" + paths.MOUNTPATHS
_INTERNAL_JOBS: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_JOBS
_INTERNAL_OBJECT: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_OBJECTS + "/{bucket}/{name:.+}"
_INTERNAL_EC: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_EC + "/{bucket}/{name:.+}"
_MOSS: Final = _V + "/" + paths.ML + "/" + paths.MOSS
_SORT: Final = _V + "/" + paths.SORT
_INTERNAL_DSORT: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_DSORT + "/{job}/{step}"


def operator_view(handler: H) -> H:
    """Flag a route that shows operators what goes on (the dashboard's data).

    Such routes are served behind the same authentication as the API: with client auth on, a
    token granting SHOW_CLUSTER (what reading /v1/cluster needs), from the Authorization header or
    the dashboard's cookie (web/client_auth.py).
    """
    return route_access.browser_view(access.SHOW_CLUSTER)(handler)


_COMMON: Final = (
    # Open, as AIS serves it: Prometheus scrapes without a token (it holds counters, no data).
    ("GET", monitoring.METRICS_PATH, route_access.no_token(metrics.scrape)),
    ("GET", _V + "/" + paths.HEALTH, node.health),
    ("GET", _V + "/" + paths.DAEMON, node.daemon),
    ("PUT", _V + "/" + paths.DAEMON, members_only(node.daemon_put)),
    ("PUT", _V + "/" + paths.DAEMON + "/" + paths.SET_CONFIG, config.set_node),
    ("PUT", _V + "/" + paths.METASYNC, members_only(node.receive_metasync)),
)

PROXY_ROUTES: Final = (
    *_COMMON,
    # The dashboard: what it shows comes from the state; with auth on the page checks the token
    # itself (a refusal is the login page), the script and style are open (no data).
    ("GET", monitoring.DASHBOARD_PATH, dashboard.page),
    ("GET", monitoring.DASHBOARD_PATH + "/{asset}", dashboard.asset),
    ("POST", monitoring.DASHBOARD_LOGIN_PATH, dashboard.login),
    ("GET", monitoring.DASHBOARD_STATE_PATH, operator_view(dashboard.state)),
    ("GET", _V + "/" + paths.CLUSTER, proxy.cluster_get),
    ("PUT", _V + "/" + paths.CLUSTER, jobs.cluster_put),
    ("POST", _V + "/" + paths.CLUSTER + "/" + paths.JOIN, proxy.join),
    ("POST", _V + "/" + paths.CLUSTER + "/" + paths.KEEPALIVE, secret_only(proxy.keepalive)),
    ("PUT", _V + "/" + paths.CLUSTER + "/" + paths.ATTACH, remote.attach),
    ("PUT", _V + "/" + paths.CLUSTER + "/" + paths.DETACH, remote.detach),
    ("PUT", _V + "/" + paths.CLUSTER + "/" + paths.SET_CONFIG, config.set_cluster),
    *(
        (method, _V + "/" + paths.REVERSE + "/{tail:.+}", proxy.reverse)
        for method in ("GET", "PUT", "POST", "DELETE")
    ),
    ("GET", _V + "/" + paths.BUCKETS, proxy.list_all_buckets),
    ("GET", _V + "/" + paths.BUCKETS + "/", proxy.list_all_buckets),
    ("GET", _BUCKET, proxy.bucket_get),
    ("POST", _BUCKET, proxy.bucket_post),
    ("PUT", _BUCKET, jobs.bucket_put),
    ("DELETE", _BUCKET, proxy.bucket_delete),
    ("HEAD", _BUCKET, proxy.bucket_head),
    ("HEAD", _BUCKET + "/{prefix:.*}", proxy.bucket_head),
    ("PATCH", _BUCKET, proxy.bucket_patch),
    ("PUT", _ETL, etl.init),
    ("GET", _ETL, etl.list_all),
    ("GET", _ETL_NAMED, etl.details),
    ("GET", _ETL_NAMED + "/" + paths.ETL_LOGS, etl.logs),
    ("GET", _ETL_NAMED + "/" + paths.ETL_LOGS + "/{" + etl.TARGET_KEY + "}", etl.logs),
    ("GET", _ETL_NAMED + "/" + paths.ETL_HEALTH, etl.health),
    ("POST", _ETL_NAMED + "/" + paths.ETL_START, etl.start),
    ("POST", _ETL_NAMED + "/" + paths.ETL_STOP, etl.stop),
    ("DELETE", _ETL_NAMED, etl.delete),
    *(
        (method, _OBJECT, proxy.object_redirect)
        for method in ("GET", "HEAD", "PUT", "DELETE", "PATCH", "POST")
    ),
    ("POST", _OBJECTS, jobs.objects_post),
    ("GET", _MOSS, ml.gateway_get),
    ("GET", _MOSS + "/{bucket}", ml.gateway_get),
    ("POST", _SORT, sort.start),
    ("GET", _SORT, sort.query_jobs),
    ("DELETE", _SORT, sort.remove),
    ("DELETE", _SORT + "/" + paths.SORT_ABORT, sort.abort),
    ("POST", _V + "/" + authn.TOKENS, tokens.validate),
    ("DELETE", _V + "/" + authn.TOKENS, tokens.revoke),
)

TARGET_ROUTES: Final = (
    *_COMMON,
    ("GET", _OBJECT, target.get),
    ("HEAD", _OBJECT, target.head),
    ("PUT", _OBJECT, target.put),
    ("DELETE", _OBJECT, target.delete),
    ("PATCH", _OBJECT, target.patch),
    ("POST", _OBJECT, target.post),
    (
        "GET",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_LIST + "/{bucket}",
        members_only(target.list_page),
    ),
    *((method, _MOUNTPATHS, mountpaths.change) for method in ("PUT", "POST", "DELETE")),
    ("POST", _INTERNAL_JOBS, members_only(internal.start_job)),
    ("GET", _INTERNAL_JOBS, members_only(internal.query_jobs)),
    ("PUT", _INTERNAL_JOBS, members_only(internal.stop_jobs)),
    ("PUT", _INTERNAL_OBJECT, members_only(internal.put_object)),
    ("GET", _INTERNAL_OBJECT, members_only(internal.get_object)),
    ("HEAD", _INTERNAL_OBJECT, members_only(internal.head_object)),
    ("DELETE", _INTERNAL_OBJECT, members_only(internal.delete_object)),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_SYNC, members_only(internal.sync)),
    (
        "POST",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_OBJECTS_BATCH + "/{bucket}",
        members_only(internal.put_objects_batch),
    ),
    ("PUT", _INTERNAL_EC, members_only(ec.put_piece)),
    ("GET", _INTERNAL_EC, members_only(ec.get_piece)),
    ("HEAD", _INTERNAL_EC, members_only(ec.head_piece)),
    ("DELETE", _INTERNAL_EC, members_only(ec.delete_piece)),
    (
        "POST",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_EC_PIECES + "/{bucket}",
        members_only(ec.list_pieces),
    ),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_EC_OWNED + "/{bucket}", members_only(ec.owned)),
    (
        "GET",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_UPLOADS + "/{bucket}",
        members_only(multipart.list_uploads),
    ),
    (
        "GET",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_UPLOADS + "/{bucket}/{name:.+}",
        members_only(multipart.list_parts),
    ),
    (
        "POST",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_REMOTE_BUCKET + "/{bucket}",
        members_only(remote.head_bucket),
    ),
    (
        "GET",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_REMOTE_BUCKETS,
        members_only(remote.list_buckets),
    ),
    (
        "GET",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_REMOTE_LIST + "/{bucket}",
        members_only(remote.list_page),
    ),
    (
        "POST",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_CACHED + "/{bucket}",
        members_only(remote.cached),
    ),
    *(
        (
            method,
            _ETL + "/" + paths.ETL_OBJECT + "/{" + etl.NAME_KEY + "}/{secret}/{uname:.+}",
            etl.callback_object,
        )
        for method in ("GET", "HEAD")
    ),
    ("GET", _MOSS, ml.target_get),
    ("GET", _MOSS + "/{bucket}", ml.target_get),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_MOSS, members_only(ml.batch_part)),
    ("GET", _INTERNAL_DSORT, members_only(sort.internal_get)),
    ("POST", _INTERNAL_DSORT, members_only(sort.internal_post)),
    ("PUT", _ETL, members_only(etl.target_start)),
    ("GET", _ETL, members_only(etl.target_list)),
    ("DELETE", _ETL_NAMED, members_only(etl.target_stop)),
    ("GET", _ETL_NAMED + "/" + wire_etl.DETAILS_PATH, members_only(etl.target_details)),
    ("GET", _ETL_NAMED + "/" + paths.ETL_LOGS, members_only(etl.target_logs)),
)


def install(app: web.Application, table: tuple[tuple[str, str, object], ...]) -> None:
    """Register a table, then the 501 routes of unimplemented features (after, so real routes win).

    GET never implies HEAD (object HEAD has its own handler).
    """
    for method, path, handler in (*table, *unimplemented.ROUTES):
        app.router.add_route(method, path, handler)  # type: ignore[arg-type]

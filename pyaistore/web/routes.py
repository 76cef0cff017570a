"""(method, path) -> handler tables, one per role."""

from typing import Final

from aiohttp import web

from pyaistore.web import ec_handlers as ec
from pyaistore.web import etl_handlers as etl
from pyaistore.web import internal_handlers as internal
from pyaistore.web import job_handlers as jobs
from pyaistore.web import mountpath_handlers as mountpaths
from pyaistore.web import node_handlers as node
from pyaistore.web import proxy_handlers as proxy
from pyaistore.web import remote_handlers as remote
from pyaistore.web import target_handlers as target
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import paths

_V: Final = "/" + paths.API_VERSION
_BUCKET: Final = _V + "/" + paths.BUCKETS + "/{bucket}"
_OBJECT: Final = _V + "/" + paths.OBJECTS + "/{bucket}/{name:.+}"
_ETL: Final = _V + "/" + paths.ETL
_ETL_NAMED: Final = _ETL + "/{" + etl.NAME_KEY + "}"
_MOUNTPATHS: Final = _V + "/" + paths.DAEMON + "/" + paths.MOUNTPATHS
_INTERNAL_JOBS: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_JOBS
_INTERNAL_OBJECT: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_OBJECTS + "/{bucket}/{name:.+}"
_INTERNAL_EC: Final = _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_EC + "/{bucket}/{name:.+}"

_COMMON: Final = (
    ("GET", _V + "/" + paths.HEALTH, node.health),
    ("GET", _V + "/" + paths.DAEMON, node.daemon),
    ("PUT", _V + "/" + paths.DAEMON, node.daemon_put),
    ("PUT", _V + "/" + paths.METASYNC, node.receive_metasync),
)

PROXY_ROUTES: Final = (
    *_COMMON,
    ("GET", _V + "/" + paths.CLUSTER, proxy.cluster_get),
    ("PUT", _V + "/" + paths.CLUSTER, jobs.cluster_put),
    ("POST", _V + "/" + paths.CLUSTER + "/" + paths.JOIN, proxy.join),
    ("POST", _V + "/" + paths.CLUSTER + "/" + paths.KEEPALIVE, proxy.keepalive),
    ("PUT", _V + "/" + paths.CLUSTER + "/" + paths.ATTACH, remote.attach),
    ("PUT", _V + "/" + paths.CLUSTER + "/" + paths.DETACH, remote.detach),
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
    *((method, _MOUNTPATHS, mountpaths.change) for method in ("PUT", "POST", "DELETE")),
    ("POST", _INTERNAL_JOBS, internal.start_job),
    ("GET", _INTERNAL_JOBS, internal.query_jobs),
    ("PUT", _INTERNAL_JOBS, internal.stop_jobs),
    ("PUT", _INTERNAL_OBJECT, internal.put_object),
    ("GET", _INTERNAL_OBJECT, internal.get_object),
    ("HEAD", _INTERNAL_OBJECT, internal.head_object),
    ("DELETE", _INTERNAL_OBJECT, internal.delete_object),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_SYNC, internal.sync),
    (
        "POST",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_OBJECTS_BATCH + "/{bucket}",
        internal.put_objects_batch,
    ),
    ("PUT", _INTERNAL_EC, ec.put_piece),
    ("GET", _INTERNAL_EC, ec.get_piece),
    ("HEAD", _INTERNAL_EC, ec.head_piece),
    ("DELETE", _INTERNAL_EC, ec.delete_piece),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_EC_PIECES + "/{bucket}", ec.list_pieces),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_EC_OWNED + "/{bucket}", ec.owned),
    (
        "POST",
        _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_REMOTE_BUCKET + "/{bucket}",
        remote.head_bucket,
    ),
    ("GET", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_REMOTE_BUCKETS, remote.list_buckets),
    ("GET", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_REMOTE_LIST + "/{bucket}", remote.list_page),
    ("POST", _V + "/" + paths.INTERNAL + "/" + paths.INTERNAL_CACHED + "/{bucket}", remote.cached),
    *(
        (
            method,
            _ETL + "/" + paths.ETL_OBJECT + "/{" + etl.NAME_KEY + "}/{secret}/{uname:.+}",
            etl.callback_object,
        )
        for method in ("GET", "HEAD")
    ),
    ("PUT", _ETL, etl.target_start),
    ("GET", _ETL, etl.target_list),
    ("DELETE", _ETL_NAMED, etl.target_stop),
    ("GET", _ETL_NAMED + "/" + wire_etl.DETAILS_PATH, etl.target_details),
    ("GET", _ETL_NAMED + "/" + paths.ETL_LOGS, etl.target_logs),
)


def install(app: web.Application, table: tuple[tuple[str, str, object], ...]) -> None:
    """Register a table; GET never implies HEAD (object HEAD has its own handler)."""
    for method, path, handler in table:
        app.router.add_route(method, path, handler)  # type: ignore[arg-type]

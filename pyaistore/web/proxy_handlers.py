"""Gateway endpoints: buckets, listings, redirects of object requests, membership, reverse proxy."""

import json

import msgpack
from aiohttp import web

from pyaistore.auth import redirect_signature, route_access
from pyaistore.cluster import cluster_map, membership, metasync, redirect_url
from pyaistore.cluster.errors import BadRequest, NodeNotFound, NotSupported, PeerFailed, UnknownAction
from pyaistore.monitoring import request_counters
from pyaistore.node_context import NodeContext
from pyaistore.proxy import (
    buckets,
    cluster_config,
    cluster_mountpaths,
    etl_admin,
    fanout,
    redirect,
    remote_buckets,
    remote_clusters,
    remote_listing,
)
from pyaistore.storage.bucket_meta import backend_bucket
from pyaistore.web import cluster_auth, job_handlers, metrics_handlers, mountpath_handlers, request_parsing
from pyaistore.web.app_keys import CONTEXT
from pyaistore.wire import actions, headers, monitoring, paths, query
from pyaistore.wire import messages as msgs
from pyaistore.wire.bucket_id import (
    AIS,
    BucketId,
    InvalidProvider,
    Namespace,
    normalize_provider,
    parse_uname,
)
from pyaistore.wire.messages import ActionMsg, LsoMsg
from pyaistore.wire.mountpaths import TARGETS_KEY


async def _bucket_list_reply(request: web.Request, name: str = "") -> web.Response:
    """Known buckets; for a remote provider (or a remote cluster's namespace) also those its
    backend sees, unless `presence` asks for the cluster's own only."""
    ctx = request.app[CONTEXT]
    raw = request.query.get(query.PROVIDER, "")
    try:
        provider = normalize_provider(raw) if raw else ""
    except InvalidProvider as exc:
        raise BadRequest(str(exc)) from exc
    namespace = request.query.get(query.NAMESPACE)
    wanted = Namespace.parse(namespace) if namespace is not None else None
    if wanted is not None and wanted.uuid:
        wanted = ctx.meta.buckets.canonical(BucketId("-", AIS, wanted)).namespace
    if provider and (provider != AIS or (wanted is not None and wanted.uuid)):
        present_only = bool(request.query.get(query.PRESENCE))
        found = await remote_buckets.list_buckets(ctx, provider, wanted, present_only)
        found = [b for b in found if not name or b.name == name]
    else:
        found = buckets.list_buckets(ctx, provider, name)
        if wanted is not None:
            found = [b for b in found if b.namespace == wanted]
    return web.json_response([b.to_json() for b in found])


async def list_all_buckets(request: web.Request) -> web.Response:
    """GET /v1/buckets (action list, null value)."""
    msg = await request_parsing.action_msg(request, required=False)
    if msg is not None and msg.action != actions.LIST:
        raise UnknownAction(msg.action)
    return await _bucket_list_reply(request, msg.name if msg else "")


def _dont_add(request: web.Request) -> bool:
    return query.parse_bool(request.query.get(query.DONT_ADD_REMOTE))


async def bucket_get(request: web.Request) -> web.Response:
    """GET /v1/buckets/<b>: list objects (LsoMsg value), list buckets (null value), or summary-bck."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.action_msg(request, required=False) or ActionMsg(actions.LIST, "", {})
    if msg.action == actions.SUMMARY_BCK:
        return await job_handlers.bucket_summary(request, bucket, msg)
    if msg.action != actions.LIST:
        raise UnknownAction(msg.action)
    if msg.value is None:
        return await _bucket_list_reply(request, bucket.name)
    if not isinstance(msg.value, dict):
        raise BadRequest("list objects: value must be an LsoMsg object")
    request_counters.count_as(request, request_counters.LIST)
    lso = request_parsing.parse_value(msg.value, LsoMsg.from_json, "list objects")
    if lso.flags & msgs.LSO_BCK_PRESENT:
        props = ctx.bucket_props(bucket)
    else:
        props = await remote_buckets.ensure(
            ctx, bucket, not (_dont_add(request) or lso.flags & msgs.LSO_DONT_ADD_REMOTE)
        )
    remote = backend_bucket(bucket, props)
    wants_msgpack = headers.MSGPACK_TYPE in request.headers.get(headers.ACCEPT, "")
    if remote is None and wants_msgpack:
        page_map = await fanout.list_objects_msgpack(ctx, bucket, lso)
        return web.Response(body=msgpack.packb(page_map), content_type=headers.MSGPACK_TYPE)
    if remote is None:
        page = await fanout.list_objects(ctx, bucket, lso)
    else:
        page = await remote_listing.list_objects(ctx, bucket, remote, lso)
    if wants_msgpack:
        return web.Response(body=msgpack.packb(page.to_msgpack()), content_type=headers.MSGPACK_TYPE)
    return web.json_response(page.to_json())


async def bucket_post(request: web.Request) -> web.Response:
    """POST /v1/buckets/<b>: create-bck, or an action that starts a job (copy, rename, multi-object)."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.required_action(request)
    if msg.action == actions.CREATE_BCK:
        if bucket.is_remote:
            dont_head = query.parse_bool(request.query.get(query.DONT_HEAD_REMOTE))
            await remote_buckets.create(ctx, bucket, msg.value, dont_head)
        else:
            await buckets.create(ctx, bucket, msg.value)
        return web.Response()
    await remote_buckets.ensure(ctx, bucket)
    reply = await job_handlers.bucket_job(request, bucket, msg)
    if reply is not None:
        return reply
    raise UnknownAction(msg.action)


async def bucket_delete(request: web.Request) -> web.Response:
    """DELETE /v1/buckets/<b>: destroy-bck (evict-remote-bck is for remote buckets)."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.required_action(request)
    if msg.action == actions.DESTROY_BCK:
        await buckets.destroy(ctx, bucket)
        return web.Response()
    if msg.action == actions.EVICT_REMOTE_BCK:
        keep_md = query.parse_bool(request.query.get(query.KEEP_BCK_MD))
        await remote_buckets.evict(ctx, bucket, keep_md)
        return web.Response()
    await remote_buckets.ensure(ctx, bucket)
    reply = await job_handlers.bucket_job(request, bucket, msg)
    if reply is not None:
        return reply
    raise UnknownAction(msg.action)


async def bucket_head(request: web.Request) -> web.Response:
    """HEAD /v1/buckets/<b>: properties in Ais-Bucket-Props (and a summary job with bsumm_remote)."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    found = await remote_buckets.ensure(ctx, bucket, not _dont_add(request))
    props = json.dumps(found, separators=(",", ":"))
    if request.query.get(query.BSUMM_REMOTE):
        return await job_handlers.bucket_info(request, bucket, props)
    return web.Response(headers={headers.BUCKET_PROPS: props})


async def bucket_patch(request: web.Request) -> web.Response:
    """PATCH /v1/buckets/<b>: set-bprops or reset-bprops."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    msg = await request_parsing.required_action(request)
    await remote_buckets.ensure(ctx, bucket)
    if msg.action == actions.SET_BPROPS:
        return await job_handlers.set_bucket_props(request, bucket, msg)
    if msg.action == actions.RESET_BPROPS:
        await buckets.reset_props(ctx, bucket)
    else:
        raise UnknownAction(msg.action)
    return web.Response()


async def object_redirect(request: web.Request) -> web.Response:
    """Any object request: 301 (GET) or 307 to the owning target; the proxy never touches bytes."""
    ctx = request.app[CONTEXT]
    bucket = request_parsing.bucket_id(request)
    if ctx.meta.buckets.view(bucket) is None:
        await remote_buckets.ensure(ctx, bucket)  # a remote bucket's first use adds it (else 404)
    if query.OBJECT_TO in request.query:
        await _ensure_copy_destination(ctx, request.query[query.OBJECT_TO])
    name = request_parsing.object_name(request)
    etl_name = request.query.get(query.ETL_NAME)
    if request.method == "PUT" and etl_name:
        # AIS checks the ETLs before redirecting a PUT (a copy with a transform).
        etl_admin.require_running(ctx, etl_name, request.query.get(query.ETL_PIPELINE, ""))
    handle = request.query.get(query.APPEND_HANDLE, "")
    # An append session's or multipart upload's requests go to the target that holds it.
    holder = (
        query.split_append_handle(handle)[0]
        or query.split_upload_id(request.query.get(query.UPLOAD_ID, ""))[0]
    )
    node = redirect.target_for(ctx, bucket, name, holder)
    url = redirect_url.location(node, request.path_qs, ctx.node.daemon_id, _signature(request))
    if request.method == "GET":
        raise web.HTTPMovedPermanently(url)
    raise web.HTTPTemporaryRedirect(url)


def _signature(request: web.Request, path: str = "") -> str:
    """With auth on, the proxy's signature of a request it lets through to a target ("" otherwise)."""
    ctx = request.app[CONTEXT]
    if ctx.redirects is None:
        return ""
    pairs = list(request.query.items())
    return redirect_signature.sign(ctx.redirects.key(), request.method, path or request.path, pairs)


async def _ensure_copy_destination(ctx: NodeContext, uname: str) -> None:
    """A remote destination of an object copy is added on first use, like a source."""
    try:
        destination, _ = parse_uname(uname)
    except ValueError:
        return  # the target answers 400 with the reason
    destination = ctx.meta.buckets.canonical(destination)
    if destination.is_remote and ctx.meta.buckets.view(destination) is None:
        await remote_buckets.ensure(ctx, destination)


@route_access.no_token  # whether a node may join is the primary's rule (Membership.join)
async def join(request: web.Request) -> web.Response:
    """POST /v1/cluster/join: a node registers, or confirms it installed the tables of its
    registration (then it is added to the map); the reply carries the current tables."""
    ctx = request.app[CONTEXT]
    if ctx.membership is None:
        raise NotSupported("join requests go to the primary proxy")
    msg = await request_parsing.read_message(request, membership.JoinMsg.from_json)
    with_secret = cluster_auth.has_secret(ctx, request)
    smap = await ctx.membership.join(msg.node, msg.restarted, msg.cluster_uuid, with_secret, msg.installed)
    reply = metasync.payload(smap, ctx.meta.buckets, ctx.meta.etls, ctx.meta.rmd, ctx.meta.config)
    reply[membership.SECRET_KEY] = ctx.peer_api.cluster_secret
    return web.json_response(reply)


async def keepalive(request: web.Request) -> web.Response:
    """POST /v1/cluster/keepalive: 404 tells the node to re-join (unknown, or known at another
    address); a lagging node gets the tables."""
    ctx = request.app[CONTEXT]
    if ctx.membership is None:
        raise NotSupported("keepalives go to the primary proxy")
    msg = await request_parsing.read_message(request, membership.KeepaliveMsg.from_json)
    if not ctx.membership.keepalive(msg.node_id, msg.node):
        raise web.HTTPNotFound(reason=f"node {msg.node_id} is not in the cluster map at that address")
    behind_smap = msg.smap_version < ctx.smap.version
    behind_bmd = msg.bmd_version < ctx.meta.buckets.version
    behind_etl = msg.etl_version < ctx.meta.etls.version
    behind_rmd = msg.rmd_revision < ctx.meta.rmd.revision
    behind_config = msg.config_version < ctx.meta.config.version
    if behind_smap or behind_bmd or behind_etl or behind_rmd or behind_config:
        meta = ctx.meta
        return web.json_response(metasync.payload(ctx.smap, meta.buckets, meta.etls, meta.rmd, meta.config))
    return web.Response()


async def cluster_get(request: web.Request) -> web.Response:
    """GET /v1/cluster?what=smap|bmd|cluster_config|mountpaths (smap, bmd also at /v1/daemon), or jobs."""
    ctx = request.app[CONTEXT]
    what = request.query.get(query.WHAT, "")
    if what == query.WHAT_SMAP:
        return web.json_response(ctx.smap.to_json())
    if what == query.WHAT_BMD:
        return web.json_response(ctx.meta.buckets.to_json())
    if what == query.WHAT_CLUSTER_CONFIG:
        return web.json_response(cluster_config.describe(ctx))
    if what == query.WHAT_MOUNTPATHS:
        found = await cluster_mountpaths.all_targets(ctx)
        return web.json_response({TARGETS_KEY: {node_id: item.to_json() for node_id, item in found.items()}})
    if what == query.WHAT_REMOTE_AIS:
        return web.json_response((await remote_clusters.describe(ctx)).to_json())
    if what in job_handlers.JOB_QUERIES:
        return await job_handlers.query_jobs(request)
    if what == monitoring.WHAT_PROMETHEUS:
        return await metrics_handlers.cluster_scrape(request)
    raise BadRequest(f'invalid query what="{what}"')


async def reverse(request: web.Request) -> web.Response:
    """GET|PUT|POST|DELETE /v1/reverse/daemon[/...]: relay to the node named in Ais-Node-Id.

    1) only /daemon endpoints 2) the node must be in the map (404) 3) relay method, query and
    body through the peer API 4) pass its reply on as it is (status included, e.g. 204).
    """
    ctx = request.app[CONTEXT]
    tail = request.match_info["tail"]
    if tail != paths.DAEMON and not tail.startswith(paths.DAEMON + "/"):
        raise BadRequest(f"invalid URL path {request.path}: only /{paths.REVERSE}/{paths.DAEMON} is relayed")
    node_id = request.headers.get(headers.NODE_ID, "")
    if not node_id:
        raise BadRequest("missing node ID")
    node = cluster_map.find_node(ctx.smap, node_id)
    if node is None:
        raise NodeNotFound(
            f"{ctx.node.display_name}: cannot forward request to node {node_id}: "
            f"not present in smap v{ctx.smap.version}"
        )
    path_qs = request.path_qs.replace("/" + paths.REVERSE + "/", "/", 1)
    signature = _signature(request, request.path.replace("/" + paths.REVERSE + "/", "/", 1))
    if signature:
        path_qs += ("&" if "?" in path_qs else "?") + f"{redirect_signature.PARAM}={signature}"
    body = await request.read() if request.method != "GET" else None
    content_type = request.headers.get(headers.CONTENT_TYPE, headers.JSON_TYPE) if body else ""
    try:
        reply = await ctx.peer_api.call_node(
            node, request.method, path_qs, data=body, content_type=content_type, as_member=False
        )
    except PeerFailed as exc:
        raise BadRequest(f"{node.display_name} is unreachable: {exc}") from exc
    return mountpath_handlers.relayed(reply)

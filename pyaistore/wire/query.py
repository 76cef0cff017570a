"""Query-parameter names and their value encodings."""

from typing import Final

PROVIDER: Final = "provider"
NAMESPACE: Final = "namespace"
BCK_TO: Final = "bck_to"
OBJECT_TO: Final = "object_to"
WHAT: Final = "what"
PROPS: Final = "props"
PRESENCE: Final = "presence"
UUID: Final = "uuid"
BSUMM_REMOTE: Final = "bsumm_remote"
KEEP_BCK_MD: Final = "keep_bck_md"
# Remote buckets: answer without adding the bucket to the table; add it without asking the backend.
DONT_ADD_REMOTE: Final = "dont_add_remote_bck_md"
DONT_HEAD_REMOTE: Final = "dont_head_remote_bck"
APPEND_TYPE: Final = "append_type"
APPEND_HANDLE: Final = "append_handle"
ARCHPATH: Final = "archpath"
ARCHMIME: Final = "archmime"
ARCHREGX: Final = "archregx"
ARCHMODE: Final = "archmode"
ETL_NAME: Final = "etl_name"
ETL_ARGS: Final = "etl_args"
LATEST_VER: Final = "latest-ver"
SYNCHRONIZE: Final = "synchronize"
SET_NEW_CUSTOM: Final = "set-new-custom"
SKIP_VC: Final = "skip_vc"
SILENT: Final = "sln"
FORCE: Final = "frc"
PRR: Final = "prr"
READINESS: Final = "readiness"
PROXY_ID: Final = "pid"
# Node to node: how a target stores an object another target sends (see TRANSFER_* below).
TRANSFER: Final = "transfer"
# Node to node: store without fsync; the sender asks for one sync of the batch before relying on it.
DEFERRED_SYNC: Final = "deferred_sync"
UNIX_TIME: Final = "utm"
# Mountpath changes: do not resilver afterwards; the label of an attached mountpath.
DONT_RESILVER: Final = "dntres"
MOUNTPATH_LABEL: Final = "mountpath_label"
# set-config: apply without persisting (the node forgets it when it restarts).
TRANSIENT: Final = "transient"

# Values of `what`.
WHAT_SMAP: Final = "smap"
WHAT_BMD: Final = "bmd"
WHAT_SNODE: Final = "snode"
WHAT_CONFIG: Final = "config"
WHAT_CLUSTER_CONFIG: Final = "cluster_config"
WHAT_NODE_STATUS: Final = "node_status"
WHAT_LOG: Final = "log"
WHAT_MOUNTPATHS: Final = "mountpaths"
# Attached remote AIS clusters (GET /v1/cluster?what=remote, PUT /v1/cluster/attach?what=remote).
WHAT_REMOTE_AIS: Final = "remote"

# Values of `append_type`.
APPEND: Final = "append"
FLUSH: Final = "flush"

# An append handle is "<target id>|<opaque token>": the proxy routes later appends by the first part.
APPEND_HANDLE_SEP: Final = "|"


def make_append_handle(node_id: str, token: str) -> str:
    """The handle returned to clients for an append session on `node_id`."""
    return f"{node_id}{APPEND_HANDLE_SEP}{token}"


def split_append_handle(handle: str) -> tuple[str, str]:
    """(node id, token); a handle without a node part is all token."""
    node_id, sep, token = handle.partition(APPEND_HANDLE_SEP)
    return (node_id, token) if sep else ("", handle)


_TRUE: Final = frozenset({"1", "t", "true", "y", "yes", "on"})


def parse_bool(value: str | None) -> bool:
    """Parse a query boolean the way AIS does: 1,t,true,y,yes,on (any case) are true."""
    return value is not None and value.strip().lower() in _TRUE


def format_bool(value: bool) -> str:
    """Encode a boolean for a query string."""
    return "true" if value else "false"


ETL_PIPELINE: Final = "etl_pipeline"
# A transform server may read the object from this local path instead of the request body.
ETL_FQN: Final = "etl_fqn"

# More values of `what` (jobs).
WHAT_ONE_XACT_STATUS: Final = "status"
WHAT_ALL_XACT_STATUS: Final = "status_all"
WHAT_ALL_RUNNING_STATUS: Final = "running_all"
WHAT_QUERY_XACT_STATS: Final = "qryxstats"

# Values of `archmode`.
ARCH_MODE_REGEXP: Final = "regexp"
ARCH_MODE_PREFIX: Final = "prefix"
ARCH_MODE_SUFFIX: Final = "suffix"
ARCH_MODE_SUBSTR: Final = "substr"
ARCH_MODE_WDSKEY: Final = "wdskey"
ARCH_MODES: Final = (ARCH_MODE_REGEXP, ARCH_MODE_PREFIX, ARCH_MODE_SUFFIX, ARCH_MODE_SUBSTR, ARCH_MODE_WDSKEY)

# Values of `archmime`: archive formats, named by their file extension (AIS matches by substring).
ARCH_TAR: Final = ".tar"
ARCH_TGZ: Final = ".tgz"
ARCH_TAR_GZ: Final = ".tar.gz"
ARCH_ZIP: Final = ".zip"
ARCH_TAR_LZ4: Final = ".tar.lz4"
ARCH_FORMATS: Final = (ARCH_TAR, ARCH_TGZ, ARCH_TAR_GZ, ARCH_ZIP, ARCH_TAR_LZ4)

# Values of `transfer`: a copy is a new write at its destination (the version rule applies); a
# migration moves an existing object (version and times kept; an equal or newer local copy wins).
TRANSFER_COPY: Final = "copy"
TRANSFER_MIGRATE: Final = "migrate"

# Multipart uploads (AIS's native mpt-upload and S3 share these names).
# A proxy's signature on a redirect or relay to a target, when client auth is on (auth/redirect_signature.py).
REDIRECT_SIGNATURE: Final = "rsig"
UPLOAD_ID: Final = "uploadId"
PART_NUMBER: Final = "partNumber"
# An upload ID is "<target id>.<token>": the proxy routes every later request of the upload to the
# target that holds its parts, even after the cluster map changed.
UPLOAD_ID_SEP: Final = "."


def make_upload_id(node_id: str, token: str) -> str:
    """The upload ID returned to clients for an upload whose parts `node_id` keeps."""
    return f"{node_id}{UPLOAD_ID_SEP}{token}"


def split_upload_id(upload_id: str) -> tuple[str, str]:
    """(node id, token); an ID without a node part (not one of ours) is all token."""
    node_id, sep, token = upload_id.partition(UPLOAD_ID_SEP)
    return (node_id, token) if sep else ("", upload_id)


# Get-batch: the colocation hint; the designated target's ID in the redirect to it.
COLOC: Final = "coloc"
TARGET_ID: Final = "tid"
# dsort listing: a regex over job descriptions, and running jobs only.
REGEX: Final = "regex"
ONLY_ACTIVE: Final = "only_active"

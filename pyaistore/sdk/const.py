"""Constants under the official SDK's spellings.

Protocol names (paths, headers, query parameters, actions) are re-exported from `pyaistore.wire`,
which is their single source.
"""

from typing import Final

from pyaistore.wire import actions, bucket_id, error_body, headers, jobs, messages, paths, query

# Providers (official spellings, then the legacy CamelCase names used by the 1.x documentation).
PROVIDER_AIS: Final = bucket_id.AIS
PROVIDER_AMAZON: Final = bucket_id.AWS
PROVIDER_GOOGLE: Final = bucket_id.GCP
PROVIDER_AZURE: Final = bucket_id.AZURE
PROVIDER_OCI: Final = bucket_id.OCI
PROVIDER_HTTP: Final = bucket_id.HT
ProviderAIS: Final = PROVIDER_AIS
ProviderAmazon: Final = PROVIDER_AMAZON
ProviderGoogle: Final = PROVIDER_GOOGLE
ProviderAzure: Final = PROVIDER_AZURE
ProviderHTTP: Final = PROVIDER_HTTP

# URL paths (relative to the /v1 base URL).
API_VERSION: Final = paths.API_VERSION
URL_PATH_BUCKETS: Final = paths.BUCKETS
URL_PATH_OBJECTS: Final = paths.OBJECTS
URL_PATH_DAEMON: Final = paths.DAEMON
URL_PATH_CLUSTER: Final = paths.CLUSTER
URL_PATH_HEALTH: Final = paths.HEALTH
URL_PATH_REVERSE: Final = paths.REVERSE
URL_PATH_ETL: Final = paths.ETL
URL_PATH_MOUNTPATHS: Final = paths.MOUNTPATHS

# Headers.
HEADER_ACCEPT: Final = headers.ACCEPT
HEADER_CONTENT_TYPE: Final = headers.CONTENT_TYPE
HEADER_CONTENT_LENGTH: Final = headers.CONTENT_LENGTH
HEADER_CONTENT_RANGE: Final = headers.CONTENT_RANGE
HEADER_LOCATION: Final = headers.LOCATION
HEADER_RANGE: Final = headers.RANGE
HEADER_ETAG: Final = headers.ETAG
HEADER_LAST_MODIFIED: Final = headers.LAST_MODIFIED
HEADER_AUTHORIZATION: Final = headers.AUTHORIZATION
HEADER_BUCKET_PROPS: Final = headers.BUCKET_PROPS
HEADER_BUCKET_SUMM: Final = headers.BUCKET_SUMMARY
HEADER_XACTION_ID: Final = headers.XACTION_ID
HEADER_NODE_ID: Final = headers.NODE_ID
HEADER_OBJECT_APPEND_HANDLE: Final = headers.APPEND_HANDLE
HEADER_ERROR: Final = headers.ERROR_ON_HEAD
AIS_CHECKSUM_TYPE: Final = headers.CHECKSUM_TYPE
AIS_CHECKSUM_VALUE: Final = headers.CHECKSUM_VALUE
AIS_ACCESS_TIME: Final = headers.ATIME
AIS_VERSION: Final = headers.VERSION
AIS_CUSTOM_MD: Final = headers.CUSTOM_MD
AIS_PRESENT: Final = headers.PRESENT
AIS_OBJ_NAME: Final = headers.OBJ_NAME
AIS_BCK_NAME: Final = headers.BUCKET_NAME
AIS_BCK_PROVIDER: Final = headers.BUCKET_PROVIDER
AIS_LOCATION: Final = headers.LOCATION_AIS
AIS_MIRROR_COPIES: Final = headers.MIRROR_COPIES
AIS_MIRROR_PATHS: Final = headers.MIRROR_PATHS
AIS_CHUNKS_COUNT: Final = headers.CHUNKS_COUNT
AIS_CHUNKS_MAX_CHUNK_SIZE: Final = headers.CHUNKS_MAX_SIZE
JSON_CONTENT_TYPE: Final = headers.JSON_TYPE
MSGPACK_CONTENT_TYPE: Final = headers.MSGPACK_TYPE

# Query parameters and their values.
QPARAM_PROVIDER: Final = query.PROVIDER
QPARAM_NAMESPACE: Final = query.NAMESPACE
QPARAM_BCK_TO: Final = query.BCK_TO
QPARAM_OBJ_TO: Final = query.OBJECT_TO
QPARAM_WHAT: Final = query.WHAT
QPARAM_PROPS: Final = query.PROPS
QPARAM_FLT_PRESENCE: Final = query.PRESENCE
QPARAM_UUID: Final = query.UUID
QPARAM_BSUMM_REMOTE: Final = query.BSUMM_REMOTE
QPARAM_KEEP_REMOTE: Final = query.KEEP_BCK_MD
QPARAM_OBJ_APPEND: Final = query.APPEND_TYPE
QPARAM_OBJ_APPEND_HANDLE: Final = query.APPEND_HANDLE
QPARAM_ARCHPATH: Final = query.ARCHPATH
QPARAM_ARCHMIME: Final = query.ARCHMIME
QPARAM_ARCHREGX: Final = query.ARCHREGX
QPARAM_ARCHMODE: Final = query.ARCHMODE
QPARAM_ETL_NAME: Final = query.ETL_NAME
QPARAM_ETL_ARGS: Final = query.ETL_ARGS
QPARAM_LATEST: Final = query.LATEST_VER
QPARAM_SYNC: Final = query.SYNCHRONIZE
QPARAM_NEW_CUSTOM: Final = query.SET_NEW_CUSTOM
QPARAM_FORCE: Final = query.FORCE
QPARAM_PRIMARY_READY_REB: Final = query.PRR
QPARAM_DONT_RESILVER: Final = query.DONT_RESILVER
QPARAM_MPATH_LABEL: Final = query.MOUNTPATH_LABEL
APPEND_TYPE_APPEND: Final = query.APPEND
APPEND_TYPE_FLUSH: Final = query.FLUSH
WHAT_SMAP: Final = query.WHAT_SMAP
WHAT_MOUNTPATHS: Final = query.WHAT_MOUNTPATHS
WHAT_REMOTE_AIS: Final = query.WHAT_REMOTE_AIS
URL_PATH_ATTACH: Final = paths.ATTACH
URL_PATH_DETACH: Final = paths.DETACH
HEADER_REMOTE_AIS_ALIAS: Final = headers.REMOTE_AIS_ALIAS
HEADER_REMOTE_AIS_URL: Final = headers.REMOTE_AIS_URL
WHAT_LOG: Final = query.WHAT_LOG
WHAT_CLUSTER_CONFIG: Final = query.WHAT_CLUSTER_CONFIG
WHAT_NODE_CONFIG: Final = query.WHAT_CONFIG
URL_PATH_SET_CONFIG: Final = paths.SET_CONFIG
QPARAM_TRANSIENT: Final = query.TRANSIENT

# Actions.
ACT_CREATE_BCK: Final = actions.CREATE_BCK
ACT_DESTROY_BCK: Final = actions.DESTROY_BCK
ACT_MOVE_BCK: Final = actions.MOVE_BCK
ACT_COPY_BCK: Final = actions.COPY_BCK
ACT_ETL_BCK: Final = actions.ETL_BCK
ACT_EVICT_REMOTE_BCK: Final = actions.EVICT_REMOTE_BCK
ACT_LIST: Final = actions.LIST
ACT_SUMMARY_BCK: Final = actions.SUMMARY_BCK
ACT_SET_BPROPS: Final = actions.SET_BPROPS
ACT_RENAME_OBJ: Final = actions.RENAME_OBJ
ACT_DELETE_OBJECTS: Final = actions.DELETE_LISTRANGE
ACT_EVICT_OBJECTS: Final = actions.EVICT_LISTRANGE
ACT_PREFETCH_OBJECTS: Final = actions.PREFETCH_LISTRANGE
ACT_COPY_OBJECTS: Final = actions.COPY_LISTRANGE
ACT_TRANSFORM_OBJECTS: Final = actions.ETL_LISTRANGE
ACT_ARCHIVE_OBJECTS: Final = actions.ARCHIVE
ACT_PROMOTE: Final = actions.PROMOTE
ACT_BLOB_DOWNLOAD: Final = actions.BLOB_DOWNLOAD
ACT_SET_CUSTOM: Final = actions.SET_CUSTOM
ACT_START: Final = actions.START
ACT_XACT_STOP: Final = actions.STOP
ACT_START_MAINTENANCE: Final = actions.START_MAINTENANCE
ACT_STOP_MAINTENANCE: Final = actions.STOP_MAINTENANCE
ACT_SHUTDOWN_NODE: Final = actions.SHUTDOWN_NODE
ACT_DECOMMISSION_NODE: Final = actions.DECOMMISSION_NODE
ACT_SHUTDOWN_CLUSTER: Final = actions.SHUTDOWN_CLUSTER
ACT_MAKE_N_COPIES: Final = actions.MAKE_N_COPIES
ACT_MOUNTPATH_ATTACH: Final = actions.ATTACH_MOUNTPATH
ACT_MOUNTPATH_ENABLE: Final = actions.ENABLE_MOUNTPATH
ACT_MOUNTPATH_DISABLE: Final = actions.DISABLE_MOUNTPATH
ACT_MOUNTPATH_DETACH: Final = actions.DETACH_MOUNTPATH

# Listing.
DEFAULT_PAGE_SIZE: Final = messages.DEFAULT_PAGE_SIZE

# HTTP, as requests spells the methods.
HTTP_METHOD_GET: Final = "GET"
HTTP_METHOD_PUT: Final = "PUT"
HTTP_METHOD_POST: Final = "POST"
HTTP_METHOD_DELETE: Final = "DELETE"
HTTP_METHOD_HEAD: Final = "HEAD"
HTTP_METHOD_PATCH: Final = "PATCH"
STATUS_OK: Final = 200
STATUS_ACCEPTED: Final = 202
STATUS_NO_CONTENT: Final = 204
STATUS_PARTIAL_CONTENT: Final = 206
STATUS_REDIRECT_PERM: Final = 301
STATUS_REDIRECT_TMP: Final = 307
STATUS_NOT_FOUND: Final = 404
STATUS_CONFLICT: Final = 409
# Error type codes (`tcode`) the SDK raises no class of its own for.
TCODE_NOT_FOUND: Final = error_body.NOT_FOUND
TCODE_MOUNTPATH_NOT_FOUND: Final = error_body.MOUNTPATH_NOT_FOUND
HTTPS: Final = "https://"

# Client defaults and environment variables.
KIB: Final = 1024
MIB: Final = 1024 * KIB
DEFAULT_CHUNK_SIZE: Final = 32 * KIB
DEFAULT_WRITER_BUFFER_SIZE: Final = 4 * MIB
DEFAULT_JOB_WAIT_TIMEOUT: Final = 300
DEFAULT_CONNECT_TIMEOUT: Final = 3.0
DEFAULT_READ_TIMEOUT: Final = 20.0
DEFAULT_MAX_POOL_SIZE: Final = 10
USER_AGENT_BASE: Final = "pyaistore/python"
AIS_ENDPOINT: Final = "AIS_ENDPOINT"
AIS_AUTHN_TOKEN: Final = "AIS_AUTHN_TOKEN"
AIS_AUTHN_TOKEN_FILE: Final = "AIS_AUTHN_TOKEN_FILE"
AIS_AUTHN_URL: Final = "AIS_AUTHN_URL"
# The token file AIS's CLI writes (under ~/.config/ais/cli/) and its clients read.
TOKEN_FILE_NAME: Final = "auth.token"
AIS_CLIENT_CA: Final = "AIS_CLIENT_CA"
AIS_CLIENT_CRT: Final = "AIS_CRT"
AIS_CLIENT_KEY: Final = "AIS_CRT_KEY"
AIS_SKIP_VERIFY: Final = "AIS_SKIP_VERIFY"
AIS_SKIP_VERIFY_CRT: Final = "AIS_SKIP_VERIFY_CRT"
AIS_CONNECT_TIMEOUT: Final = "AIS_CONNECT_TIMEOUT"
AIS_READ_TIMEOUT: Final = "AIS_READ_TIMEOUT"
AIS_MAX_CONN_POOL: Final = "AIS_MAX_CONN_POOL"

HEADER_USER_AGENT: Final = headers.USER_AGENT
HEADER_CONNECTION: Final = headers.CONNECTION
HEADER_CONTENT_ENCODING: Final = headers.CONTENT_ENCODING
AIS_EC_GENERATION: Final = headers.EC_GENERATION
AIS_EC_DATA: Final = headers.EC_DATA
AIS_EC_PARITY: Final = headers.EC_PARITY
AIS_EC_REPLICATED: Final = headers.EC_REPLICATED
QPARAM_ETL_PIPELINE: Final = query.ETL_PIPELINE
WHAT_ONE_XACT_STATUS: Final = query.WHAT_ONE_XACT_STATUS
WHAT_ALL_XACT_STATUS: Final = query.WHAT_ALL_XACT_STATUS
WHAT_ALL_RUNNING_STATUS: Final = query.WHAT_ALL_RUNNING_STATUS
WHAT_QUERY_XACT_STATS: Final = query.WHAT_QUERY_XACT_STATS
URL_PATH_ETL_START: Final = paths.ETL_START
URL_PATH_ETL_STOP: Final = paths.ETL_STOP
URL_PATH_ETL_LOGS: Final = paths.ETL_LOGS
# List-objects flag bit positions (the wire holds the bit values).
LSO_BIT_MISSING: Final = messages.LSO_MISSING.bit_length() - 1
LSO_BIT_DELETED: Final = messages.LSO_DELETED.bit_length() - 1
LSO_BIT_BCK_PRESENT: Final = messages.LSO_BCK_PRESENT.bit_length() - 1
LSO_BIT_DONT_HEAD_REMOTE: Final = messages.LSO_DONT_HEAD_REMOTE.bit_length() - 1
LSO_BIT_DONT_ADD_REMOTE: Final = messages.LSO_DONT_ADD_REMOTE.bit_length() - 1
LSO_BIT_ONLY_REMOTE_PROPS: Final = messages.LSO_ONLY_REMOTE_PROPS.bit_length() - 1
LSO_BIT_DIFF: Final = messages.LSO_DIFF.bit_length() - 1
ARCH_MODE_REGEXP: Final = query.ARCH_MODE_REGEXP
ARCH_MODE_PREFIX: Final = query.ARCH_MODE_PREFIX
ARCH_MODE_SUFFIX: Final = query.ARCH_MODE_SUFFIX
ARCH_MODE_SUBSTR: Final = query.ARCH_MODE_SUBSTR
ARCH_MODE_WDSKEY: Final = query.ARCH_MODE_WDSKEY
IDLE_JOB_KINDS: Final = jobs.IDLE_JOB_KINDS
SINGLE_NODE_JOB_KINDS: Final = jobs.SINGLE_NODE_JOB_KINDS
GO_ZERO_TIME: Final = jobs.GO_ZERO_TIME
# A job snapshot's packed joggers/workers (AIS's core.Snap.Pack layout: 10 bits each).
JOB_GLOB_ID: Final = "glob.id"
JOB_GOROUTINE_BITS: Final = 10
# Property lists for selective HEAD (reference §4.3).
PROPS_NAME_SIZE: Final = "name,size"
PROPS_READER_ATTRIBUTES: Final = "checksum,atime,version,custom"
PROPS_OBJECT_PROPS: Final = "checksum,atime,version,copies,custom,location"

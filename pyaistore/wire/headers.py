"""Header names: standard ones we rely on and AIStore's ais-* family (canonical spelling)."""

from typing import Final

# Standard HTTP.
CONTENT_LENGTH: Final = "Content-Length"
CONTENT_TYPE: Final = "Content-Type"
CONTENT_RANGE: Final = "Content-Range"
ACCEPT: Final = "Accept"
ACCEPT_RANGES: Final = "Accept-Ranges"
RANGE: Final = "Range"
LOCATION: Final = "Location"
ETAG: Final = "ETag"
LAST_MODIFIED: Final = "Last-Modified"
AUTHORIZATION: Final = "Authorization"
NOSNIFF: Final = "X-Content-Type-Options"

# Content types.
JSON_TYPE: Final = "application/json"
MSGPACK_TYPE: Final = "application/msgpack"
OCTET_TYPE: Final = "application/octet-stream"
TEXT_TYPE: Final = "text/plain"
TAR_TYPE: Final = "application/x-tar"

# Object attributes.
CHECKSUM_TYPE: Final = "Ais-Checksum-Type"
CHECKSUM_VALUE: Final = "Ais-Checksum-Value"
ATIME: Final = "Ais-Atime"
VERSION: Final = "Ais-Version"
CUSTOM_MD: Final = "Ais-Custom-Md"
PRESENT: Final = "Ais-Present"
OBJ_NAME: Final = "Ais-Name"
BUCKET_NAME: Final = "Ais-Bucket-Name"
BUCKET_PROVIDER: Final = "Ais-Bucket-Provider"
BUCKET_NS_UUID: Final = "Ais-Bucket-Namespace-Uuid"
BUCKET_NS_NAME: Final = "Ais-Bucket-Namespace-Name"
LOCATION_AIS: Final = "Ais-Location"
MIRROR_COPIES: Final = "Ais-Mirror-Copies"
MIRROR_PATHS: Final = "Ais-Mirror-Paths"
CHUNKS_COUNT: Final = "Ais-Chunks-Count"
CHUNKS_MAX_SIZE: Final = "Ais-Chunks-Max-Chunk-Size"
APPEND_HANDLE: Final = "Ais-Append-Handle"
# PUT with archpath: 0 (or absent) writes a new archive, 1 appends, 2 appends or creates.
PUT_ARCH_FLAGS: Final = "Ais-Pine"
ARCH_APPEND: Final = 1
ARCH_APPEND_IF_EXIST: Final = 2

# Buckets and jobs.
BUCKET_PROPS: Final = "Ais-Bucket-Props"
BUCKET_SUMMARY: Final = "Ais-Bucket-Summ"
XACTION_ID: Final = "Ais-Xaction-Id"

# ETL: pipeline / direct-put destinations, bytes delivered by direct put, replay request.
NODE_URL: Final = "Ais-Node-Url"
DIRECT_PUT_LENGTH: Final = "Ais-Direct-Put-Length"
ETL_RETRY_REASON: Final = "Ais-Etl-Retry-Reason"

# Nodes.
NODE_ID: Final = "Ais-Node-Id"
# Node to node: the complete metadata of an object in transit, as JSON (lossless, unlike ais-* headers).
OBJECT_META: Final = "Pyaistore-Object-Meta"
# Node to node: the EC metadata (SliceMeta JSON) of a replica or slice in transit.
SLICE_META: Final = "Pyaistore-Slice-Meta"
# Node to node: the ID of the node sending an internal request.
CALLER_ID: Final = "Ais-Caller-Id"
# The cluster secret every node-to-node call carries (internal routes refuse a request without it).
CLUSTER_SECRET: Final = "Pyaistore-Cluster-Secret"
NODE_UPTIME: Final = "Ais-Node-Uptime"
CLUSTER_UPTIME: Final = "Ais-Cluster-Uptime"
ERROR_ON_HEAD: Final = "Hdr-Error"

# Remote AIS clusters (PUT /v1/cluster/attach|detach?what=remote).
REMOTE_AIS_ALIAS: Final = "Ais-Remote-Ais-Alias"
REMOTE_AIS_URL: Final = "Ais-Remote-Ais-Url"

# Request plumbing and erasure-coding attributes.
USER_AGENT: Final = "User-Agent"
CONNECTION: Final = "Connection"
CONTENT_ENCODING: Final = "Content-Encoding"
EC_GENERATION: Final = "Ais-Ec-Generation"
EC_DATA: Final = "Ais-Ec-Data"
EC_PARITY: Final = "Ais-Ec-Parity"
EC_REPLICATED: Final = "Ais-Ec-Replicated"

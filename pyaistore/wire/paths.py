"""URL path segments of the native API and the internal node-to-node endpoints."""

from typing import Final

API_VERSION: Final = "v1"

BUCKETS: Final = "buckets"
OBJECTS: Final = "objects"
DAEMON: Final = "daemon"
CLUSTER: Final = "cluster"
HEALTH: Final = "health"
REVERSE: Final = "reverse"
ETL: Final = "etl"
ETL_INIT: Final = "init"  # /v1/etl/init
METASYNC: Final = "metasync"
# A target's disks: /v1/daemon/mountpaths (through a proxy: /v1/reverse/daemon/mountpaths).
MOUNTPATHS: Final = "mountpaths"

# Cluster sub-paths used between nodes (POST /v1/cluster/<x>).
JOIN: Final = "join"
# PUT /v1/cluster/attach|detach?what=remote: remote AIS clusters.
ATTACH: Final = "attach"
# PUT /v1/cluster/set-config?KEY=VALUE... (cluster-wide), PUT /v1/daemon/set-config?... (one node).
SET_CONFIG: Final = "set-config"
DETACH: Final = "detach"
KEEPALIVE: Final = "keepalive"
# Target-only internal listing endpoint (GET /v1/<INTERNAL>/list/<bck>), used by the proxy fan-out.
INTERNAL: Final = "internal"
INTERNAL_LIST: Final = "list"
# Target-only internal job endpoint (/v1/<INTERNAL>/jobs): POST starts, GET queries, PUT stops.
INTERNAL_JOBS: Final = "jobs"
# Target-only internal object endpoint (/v1/<INTERNAL>/objects/<bck>/<obj>): objects moved between
# targets (copies, rebalance, get-from-neighbour); never redirected, always this target's own copy.
INTERNAL_OBJECTS: Final = "objects"
# Target-only (POST /v1/<INTERNAL>/objects-batch/<bck>): many small objects in one body (migrations).
INTERNAL_OBJECTS_BATCH: Final = "objects-batch"
# Target-only (POST /v1/<INTERNAL>/sync): make the writes it published without fsync durable.
INTERNAL_SYNC: Final = "sync"
# Target-only erasure-coding endpoints: /v1/<INTERNAL>/ec/<bck>/<obj> is the replica or slice this
# target keeps of an object (PUT/GET/HEAD/DELETE); POST /v1/<INTERNAL>/ec-pieces/<bck> lists which
# of a page of names it keeps pieces of; POST /v1/<INTERNAL>/ec-owned/<bck> tells an object's owner
# that pieces of the named objects exist, so it restores those it lacks.
INTERNAL_EC: Final = "ec"
INTERNAL_EC_PIECES: Final = "ec-pieces"
INTERNAL_EC_OWNED: Final = "ec-owned"
# Target-only (GET /v1/<INTERNAL>/uploads/<bck>[/<obj>?uploadId=]): the multipart uploads it holds
# (the gateway's S3 ListMultipartUploads and ListParts).
INTERNAL_UPLOADS: Final = "uploads"
# Target-only remote-bucket endpoints, asked by the proxy (the proxy never talks to a backend):
# HEAD /v1/<INTERNAL>/remote-bucket/<bck> asks the backend about the bucket (its answer in a JSON
# body on GET); GET /v1/<INTERNAL>/remote-buckets?provider=P lists the cloud's buckets; GET
# /v1/<INTERNAL>/remote-list/<bck> lists one page of the backend's objects; POST
# /v1/<INTERNAL>/cached/<bck> says which of a page of names this target holds, with their props.
INTERNAL_REMOTE_BUCKET: Final = "remote-bucket"
INTERNAL_REMOTE_BUCKETS: Final = "remote-buckets"
INTERNAL_REMOTE_LIST: Final = "remote-list"
INTERNAL_CACHED: Final = "cached"


def url_path(*segments: str) -> str:
    """Join segments into an absolute path under the API version, e.g. /v1/buckets/b."""
    return "/" + "/".join((API_VERSION, *segments))


# ETL sub-paths (/v1/etl/<name>/<x>).
ETL_START: Final = "start"
ETL_STOP: Final = "stop"
ETL_LOGS: Final = "logs"
ETL_HEALTH: Final = "health"
ETL_METRICS: Final = "metrics"
# The target's callback route for transform servers: /v1/etl/_object/<etl>/<secret>/<escaped uname>.
ETL_OBJECT: Final = "_object"

# ML endpoints: get-batch, `GET /v1/ml/moss[/<bck>]` on a proxy, redirected to the designated
# target's `GET /v1/ml/moss[/<bck>]`; each other target streams its entries to the designated one
# (`POST /v1/<INTERNAL>/moss`).
ML: Final = "ml"
MOSS: Final = "moss"
INTERNAL_MOSS: Final = "moss"
# dsort: `POST|GET|DELETE /v1/sort` (and `DELETE /v1/sort/abort`) on a proxy; between nodes,
# `/v1/<INTERNAL>/dsort/<job>/<step>` on the targets.
SORT: Final = "sort"
SORT_ABORT: Final = "abort"
INTERNAL_DSORT: Final = "dsort"

S3: Final = "s3"  # /s3/<bucket>/<object>: the S3 dialect (no /v1 prefix)

# Route families of AIS that this cluster does not serve yet (web/unimplemented.py answers 501).
DOWNLOAD: Final = "download"  # /v1/download: the downloader

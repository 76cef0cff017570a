"""The metrics every node exports at /metrics: names, kinds, help and labels (reference "Prometheus metrics").

A metric's full name is `ais_<role>_<name>` (role `proxy` or `target`); every sample carries the
constant label `node_id`. AIS's own metrics keep AIS's names and labels: counters end in `_count`,
`_bytes` or `_ns_total` and get no `_total` suffix; `bucket` (and `xkind` on PUTs) is present and
empty, as AIS renders it without detailed metrics. Latency = delta `*_ns_total` / delta `*_count`;
throughput = delta `*_bytes` / delta t.

pyaistore adds, under the same prefix (marked `ADDED` below): the node's processes' CPU time and
memory, the host's memory and CPUs, each mountpath's capacity, and job counters by kind.
"""

from dataclasses import dataclass
from typing import Final

COUNTER: Final = "counter"
GAUGE: Final = "gauge"

PREFIX: Final = "ais"
NODE_LABEL: Final = "node_id"
BUCKET_LABEL: Final = "bucket"
XKIND_LABEL: Final = "xkind"
MOUNTPATH_LABEL: Final = "mountpath"

PROXY_ROLE: Final = "proxy"
TARGET_ROLE: Final = "target"
BOTH: Final = (PROXY_ROLE, TARGET_ROLE)
TARGET_ONLY: Final = (TARGET_ROLE,)

_BCK: Final = (BUCKET_LABEL,)
_BCK_X: Final = (BUCKET_LABEL, XKIND_LABEL)


@dataclass(frozen=True, slots=True)
class MetricDef:
    """One exported metric family."""

    name: str
    kind: str
    help: str
    labels: tuple[str, ...] = ()
    roles: tuple[str, ...] = BOTH
    added: bool = False  # a pyaistore addition (AIS has no such metric)

    def full_name(self, role: str) -> str:
        """`ais_<role>_<name>`."""
        return f"{PREFIX}_{role}_{self.name}"


def full_name(role: str, name: str) -> str:
    """`ais_<role>_<name>` for a metric's short name."""
    return f"{PREFIX}_{role}_{name}"


# ---- request counters: one column each in every process's counter row (fixed order) ----

GET_COUNT: Final = MetricDef("get_count", COUNTER, "total number of executed GET(object) requests", _BCK)
GET_BYTES: Final = MetricDef("get_bytes", COUNTER, "GET: total cumulative size (bytes)", _BCK, TARGET_ONLY)
GET_NS: Final = MetricDef("get_ns_total", COUNTER, "GET: total cumulative time (nanoseconds)", _BCK)
ERR_GET: Final = MetricDef("err_get_count", COUNTER, "total number of GET(object) errors", _BCK)
ERR_IO_GET: Final = MetricDef(
    "err_io_get_count",
    COUNTER,
    "GET: number of I/O errors _not_ including remote backend and network errors",
    _BCK,
    TARGET_ONLY,
)
PUT_COUNT: Final = MetricDef("put_count", COUNTER, "total number of executed PUT(object) requests", _BCK_X)
PUT_BYTES: Final = MetricDef("put_bytes", COUNTER, "PUT: total cumulative size (bytes)", _BCK_X, TARGET_ONLY)
PUT_NS: Final = MetricDef(
    "put_ns_total", COUNTER, "PUT: total cumulative time (nanoseconds)", _BCK_X, TARGET_ONLY
)
ERR_PUT: Final = MetricDef("err_put_count", COUNTER, "total number of PUT(object) errors", _BCK_X)
ERR_PUT_CKSUM: Final = MetricDef(
    "err_put_cksum_count", COUNTER, "PUT: number of checksum errors", _BCK_X, TARGET_ONLY
)
ERR_IO_PUT: Final = MetricDef(
    "err_io_put_count",
    COUNTER,
    "PUT: number of I/O errors _not_ including remote backend and network errors",
    _BCK_X,
    TARGET_ONLY,
)
HEAD_COUNT: Final = MetricDef("head_count", COUNTER, "total number of executed HEAD(object) requests", _BCK)
HEAD_NS: Final = MetricDef(
    "head_ns_total", COUNTER, "HEAD: total cumulative time (nanoseconds)", _BCK, TARGET_ONLY
)
ERR_HEAD: Final = MetricDef("err_head_count", COUNTER, "total number of HEAD(object) errors", _BCK)
DEL_COUNT: Final = MetricDef("del_count", COUNTER, "total number of executed DELETE(object) requests", _BCK)
ERR_DEL: Final = MetricDef("err_del_count", COUNTER, "total number of DELETE(object) errors", _BCK)
ERR_IO_DEL: Final = MetricDef(
    "err_io_del_count",
    COUNTER,
    "DELETE(object): number of I/O errors _not_ including remote backend and network errors",
    _BCK,
    TARGET_ONLY,
)
APPEND_COUNT: Final = MetricDef(
    "append_count", COUNTER, "total number of executed APPEND(object) requests", _BCK
)
ERR_APPEND: Final = MetricDef("err_append_count", COUNTER, "total number of APPEND(object) errors", _BCK)
LIST_COUNT: Final = MetricDef("lst_count", COUNTER, "total number of executed list-objects requests", _BCK)
ERR_LIST: Final = MetricDef("err_lst_count", COUNTER, "total number of list-objects errors", _BCK)
RENAME_COUNT: Final = MetricDef(
    "ren_count", COUNTER, "total number of executed rename(object) requests", _BCK
)
ERR_RENAME: Final = MetricDef("err_ren_count", COUNTER, "total number of rename(object) errors", _BCK)
ERR_HTTP_WRITE: Final = MetricDef(
    "err_http_write_count", COUNTER, "total number of HTTP write-response errors"
)
ERR_KALIVE: Final = MetricDef("err_kalive_count", COUNTER, "total number of keep-alive failures")
# AIS labels it by mountpath; here it is one count per target (a row's columns are fixed).
ERR_FSHC: Final = MetricDef(
    "err_fshc_count",
    COUNTER,
    "number of times filesystem health checker (FSHC) was triggered by an I/O error or errors",
    roles=TARGET_ONLY,
)

# The order of the columns of a counter row; a process adds to its own row only.
REQUEST_COUNTERS: Final = (
    GET_COUNT,
    GET_BYTES,
    GET_NS,
    ERR_GET,
    ERR_IO_GET,
    PUT_COUNT,
    PUT_BYTES,
    PUT_NS,
    ERR_PUT,
    ERR_PUT_CKSUM,
    ERR_IO_PUT,
    HEAD_COUNT,
    HEAD_NS,
    ERR_HEAD,
    DEL_COUNT,
    ERR_DEL,
    ERR_IO_DEL,
    APPEND_COUNT,
    ERR_APPEND,
    LIST_COUNT,
    ERR_LIST,
    RENAME_COUNT,
    ERR_RENAME,
    ERR_HTTP_WRITE,
    ERR_KALIVE,
    ERR_FSHC,
)
COLUMN: Final = {metric.name: index for index, metric in enumerate(REQUEST_COUNTERS)}

# ---- gauges and counters read when scraped ----

# Bits of `state_flags` (AIS's node-state flags) that this cluster sets.
NODE_STARTED: Final = 1 << 2
CLUSTER_STARTED: Final = 1 << 1
REBALANCING: Final = 1 << 3
RESILVERING: Final = 1 << 5
MAINTENANCE_MODE: Final = 1 << 10

UPTIME: Final = MetricDef("uptime", GAUGE, "this node's uptime since its startup (seconds)")
STATE_FLAGS: Final = MetricDef(
    "state_flags",
    GAUGE,
    "bitwise 64-bit value that carries enumerated node-state flags, including warnings and alerts",
)
CPU_NS: Final = MetricDef(
    "proc_cpu_ns_total", COUNTER, "CPU time of this node's processes (nanoseconds)", added=True
)
RSS_BYTES: Final = MetricDef(
    "proc_rss_bytes", GAUGE, "resident memory of this node's processes (bytes)", added=True
)
HOST_CPUS: Final = MetricDef("sys_cpus", GAUGE, "CPUs of the host", added=True)
HOST_LOAD: Final = MetricDef("sys_load_avg_1m", GAUGE, "the host's load average over 1 minute", added=True)
HOST_MEM_TOTAL: Final = MetricDef("sys_mem_total_bytes", GAUGE, "the host's memory (bytes)", added=True)
HOST_MEM_AVAIL: Final = MetricDef(
    "sys_mem_avail_bytes", GAUGE, "the host's available memory (bytes)", added=True
)
MOUNTPATH_TOTAL: Final = MetricDef(
    "mpath_capacity_bytes",
    GAUGE,
    "capacity of the file system under an available mountpath (bytes)",
    (MOUNTPATH_LABEL,),
    TARGET_ONLY,
    added=True,
)
MOUNTPATH_USED: Final = MetricDef(
    "mpath_used_bytes",
    GAUGE,
    "used space of the file system under an available mountpath (bytes)",
    (MOUNTPATH_LABEL,),
    TARGET_ONLY,
    added=True,
)
MOUNTPATH_AVAIL: Final = MetricDef(
    "mpath_avail_bytes",
    GAUGE,
    "space available to this node under an available mountpath (bytes)",
    (MOUNTPATH_LABEL,),
    TARGET_ONLY,
    added=True,
)
JOBS_STARTED: Final = MetricDef(
    "job_started_count", COUNTER, "jobs started on this node, by kind", (XKIND_LABEL,), added=True
)
JOBS_RUNNING: Final = MetricDef(
    "job_running", GAUGE, "jobs running on this node, by kind", (XKIND_LABEL,), added=True
)
JOBS_OBJECTS: Final = MetricDef(
    "job_objects_count",
    COUNTER,
    "objects processed on this node by jobs, by kind",
    (XKIND_LABEL,),
    added=True,
)
JOBS_BYTES: Final = MetricDef(
    "job_bytes", COUNTER, "bytes processed on this node by jobs, by kind", (XKIND_LABEL,), added=True
)

ALL: Final = (
    *REQUEST_COUNTERS,
    UPTIME,
    STATE_FLAGS,
    CPU_NS,
    RSS_BYTES,
    HOST_CPUS,
    HOST_LOAD,
    HOST_MEM_TOTAL,
    HOST_MEM_AVAIL,
    MOUNTPATH_TOTAL,
    MOUNTPATH_USED,
    MOUNTPATH_AVAIL,
    JOBS_STARTED,
    JOBS_RUNNING,
    JOBS_OBJECTS,
    JOBS_BYTES,
)

"""ETL vocabulary shared by clients, the cluster and transform servers (jobs reference §4, §7.4).

Init-message keys, communication types, stages, the environment a transform server gets, the
listing and details shapes, and Go-style durations as AIS writes them.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Final

# Communication types, as carried in the init message's "communication".
COMM_SUFFIX: Final = "://"
HPUSH: Final = "hpush://"
HPULL: Final = "hpull://"
IO: Final = "io://"
WS: Final = "ws://"
HREV: Final = "hrev://"

# Stages of an ETL (legacy SDKs said "Stopped" for Aborted).
STAGE_INITIALIZING: Final = "Initializing"
STAGE_RUNNING: Final = "Running"
STAGE_ABORTED: Final = "Aborted"
STAGE_UNKNOWN: Final = "Unknown"

# Init-message keys: current (ETLSpecMsg) and legacy code form.
NAME: Final = "name"
COMMUNICATION: Final = "communication"
INIT_TIMEOUT: Final = "init_timeout"
OBJ_TIMEOUT: Final = "obj_timeout"
LEGACY_TIMEOUT: Final = "timeout"
SUPPORT_DIRECT_PUT: Final = "support_direct_put"
RUNTIME: Final = "runtime"
RUNTIME_IMAGE: Final = "image"
RUNTIME_COMMAND: Final = "command"
RUNTIME_ENV: Final = "env"
ENV_NAME: Final = "name"
ENV_VALUE: Final = "value"
SPEC: Final = "spec"
CODE: Final = "code"
DEPENDENCIES: Final = "dependencies"
FUNCS: Final = "funcs"
FUNC_TRANSFORM: Final = "transform"
CHUNK_SIZE: Final = "chunk_size"
ARGUMENT: Final = "argument"
RESOURCES: Final = "resources"

# Runtime images of `init_class` ("aistorage/runtime_python:3.11") and legacy code runtimes.
PYTHON_RUNTIME_IMAGE: Final = "aistorage/runtime_python:"
LEGACY_RUNTIME_PATTERN: Final = re.compile(r"python3\.(\d+)v2")

# Environment of a transform server.
ENV_TARGET_URL: Final = "AIS_TARGET_URL"
ENV_DIRECT_PUT: Final = "DIRECT_PUT"
ENV_DIRECT_PUT_LOWER: Final = "direct_put"
ENV_DIRECT_FQN: Final = "ETL_DIRECT_FQN"
ENV_CLASS_PAYLOAD: Final = "ETL_CLASS_PAYLOAD"
ENV_PACKAGES: Final = "PACKAGES"
ENV_OS_PACKAGES: Final = "OS_PACKAGES"
ENV_NUM_WORKERS: Final = "NUM_WORKERS"
ENV_LEGACY_CODE: Final = "AISTORE_CODE"
ENV_LEGACY_DEPS: Final = "AISTORE_DEPS"

# Transform-server paths: readiness probe, and the target's callback route for object reads.
HEALTH_PATH: Final = "/health"
HEALTH_BODY: Final = b"Running"
# ws:// communication: the transform server's websocket, and the keys of the control message sent
# (as a binary JSON message) before each object; the object's bytes follow unless `fqn` names
# its local file. The reply is a binary message (the transformed bytes) or a text one (an error).
WS_PATH: Final = "/ws"
WS_FQN: Final = "fqn"
WS_OBJECT_PATH: Final = "path"
WS_ARGS: Final = "etl_args"
# The value of Ais-Etl-Retry-Reason with which a transform server asks for the object again.
RETRY_DIRECT_PUT_TRANSIENT: Final = "direct-put-transient"

# Primary -> target: PUT /v1/etl body (start an ETL there), and the target's extra sub-path.
START_INIT_MSG: Final = "init_msg"
START_XACTION: Final = "xaction_id"
START_SECRET: Final = "secret"
DETAILS_PATH: Final = "details"
# Listing shapes of logs and health per target.
TARGET_ID: Final = "target_id"
LOGS: Final = "logs"
HEALTH_STATUS: Final = "health_status"

# `etl_pipeline` (query): the ETLs that follow `etl_name`, comma-separated.
PIPELINE_SEPARATOR: Final = ","


def pipeline_names(text: str) -> tuple[str, ...]:
    """The ETL names of an `etl_pipeline` value, in order."""
    return tuple(name.strip() for name in text.split(PIPELINE_SEPARATOR) if name.strip())


DEFAULT_INIT_TIMEOUT: Final = "45s"
DEFAULT_OBJ_TIMEOUT: Final = "10s"
XACTION_PREFIX: Final = "etl-"
# Legacy code ETLs stream at most this much per chunk.
MAX_CHUNK_SIZE: Final = 1 << 20

NAME_PATTERN: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])")
NAME_MIN: Final = 6
NAME_MAX: Final = 32

_DURATION_PART: Final = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_SECONDS: Final = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def name_problem(name: str) -> str:
    """Why `name` is not a valid ETL name ("" when it is)."""
    if len(name) < NAME_MIN:
        return f"ETL name {name!r} is too short (at least {NAME_MIN} characters)"
    if len(name) > NAME_MAX:
        return f"ETL name {name!r} is too long (at most {NAME_MAX} characters)"
    if not NAME_PATTERN.fullmatch(name):
        return (
            f"ETL name {name!r} is invalid: use a-z, 0-9 and '-', starting and ending with a letter or digit"
        )
    return ""


def parse_duration(text: str) -> float:
    """Seconds in a Go duration ("45s", "5m", "1h30m"); ValueError when it is not one."""
    text = text.strip()
    if text in ("0", ""):
        return 0.0
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"invalid duration {text!r}")
    return sum(float(number) * _SECONDS[unit] for number, unit in parts)


def normalize_comm(comm: str) -> str:
    """The communication type with its "://" suffix; empty means hpush (AIS's default)."""
    comm = comm.strip().lower()
    if not comm:
        return HPUSH
    return comm if comm.endswith(COMM_SUFFIX) else comm + COMM_SUFFIX


@dataclass(frozen=True, slots=True)
class EtlInfo:
    """One entry of `GET /v1/etl`."""

    name: str
    stage: str
    xaction_id: str = ""
    obj_count: int = 0
    in_bytes: int = 0
    out_bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        """The listing entry as AIS writes it."""
        return {
            "id": self.name,
            "stage": self.stage,
            "xaction_id": self.xaction_id,
            "obj_count": self.obj_count,
            "in_bytes": self.in_bytes,
            "out_bytes": self.out_bytes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EtlInfo":
        """Parse a listing entry."""
        return cls(
            name=str(data.get("id", "")),
            stage=str(data.get("stage", "")),
            xaction_id=str(data.get("xaction_id", "")),
            obj_count=int(data.get("obj_count") or 0),
            in_bytes=int(data.get("in_bytes") or 0),
            out_bytes=int(data.get("out_bytes") or 0),
        )


@dataclass(frozen=True, slots=True)
class ObjError:
    """One failed transform, as `GET /v1/etl/<name>` reports it."""

    obj_name: str
    message: str
    ecode: int

    def to_json(self) -> dict[str, Any]:
        """The wire shape."""
        return {"obj_name": self.obj_name, "msg": self.message, "ecode": self.ecode}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ObjError":
        """Parse the wire shape."""
        return cls(str(data.get("obj_name", "")), str(data.get("msg", "")), int(data.get("ecode") or 0))


@dataclass(frozen=True, slots=True)
class EtlDetails:
    """`GET /v1/etl/<name>`: the stored init message and recorded per-object errors."""

    init_msg: dict[str, Any]
    obj_errors: list[ObjError] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The wire shape."""
        return {"init_msg": self.init_msg, "obj_errors": [e.to_json() for e in self.obj_errors]}

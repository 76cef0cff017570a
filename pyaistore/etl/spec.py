"""EtlSpec: what an init message asks a target to run, validated (jobs reference §4.3-§4.5).

Two forms run here without containers:

- code (the 1.x `init_code`): base64 Python source defining `transform`, pip requirements,
  a runtime such as "python3.11v2", and an optional chunk size for streaming;
- class (SDK 2.0 `init_class`): image "aistorage/runtime_python:<3.x>" with the cloudpickled
  ETLServer subclass in env ETL_CLASS_PAYLOAD, extra packages in PACKAGES and Debian packages
  in OS_PACKAGES (which the target's host must have: nothing installs them without a container).

Pod specs and other container images need Kubernetes: KubernetesRequired, never a fake success.
"""

import base64
import binascii
import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from pyaistore.etl.errors import InvalidEtlSpec, KubernetesRequired
from pyaistore.wire import etl as wire_etl

__all__ = ["KIND_CLASS", "KIND_CODE", "EtlSpec", "parse"]

KIND_CODE: Final = "code"
KIND_CLASS: Final = "class"
DEFAULT_WORKERS: Final = 2
MAX_WORKERS: Final = 16
_CODE_COMMS: Final = (wire_etl.HPUSH, wire_etl.HPULL, wire_etl.IO)
_CLASS_COMMS: Final = (wire_etl.HPUSH, wire_etl.HPULL, wire_etl.WS)


@dataclass(frozen=True, slots=True)
class EtlSpec:
    """A validated ETL definition, ready for a target to start."""

    name: str
    kind: str
    comm: str
    init_timeout: float
    obj_timeout: float
    code: str = ""
    func_name: str = wire_etl.FUNC_TRANSFORM
    dependencies: tuple[str, ...] = ()
    # Debian packages the transform needs (OS_PACKAGES); checked on each target's host, since no
    # container installs them here (etl/dependencies.py).
    os_packages: tuple[str, ...] = ()
    chunk_size: int = 0
    class_payload: str = ""
    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    direct_put: bool = False
    workers: int = DEFAULT_WORKERS

    @property
    def dependencies_key(self) -> str:
        """A short hash naming the environment these dependencies need (same list, same venv)."""
        text = f"{sys.version_info.major}.{sys.version_info.minor}\n" + "\n".join(self.dependencies)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse(msg: Mapping[str, Any]) -> EtlSpec:
    """Validate an init message; InvalidEtlSpec (400) or KubernetesRequired (400) when it cannot run."""
    if not isinstance(msg, Mapping):
        raise InvalidEtlSpec("ETL init message must be a JSON object")
    name = str(msg.get(wire_etl.NAME) or "")
    problem = wire_etl.name_problem(name)
    if problem:
        raise InvalidEtlSpec(problem)
    comm = wire_etl.normalize_comm(str(msg.get(wire_etl.COMMUNICATION) or ""))
    init_timeout, obj_timeout = _timeouts(name, msg)
    common: dict[str, Any] = {"name": name, "init_timeout": init_timeout, "obj_timeout": obj_timeout}
    if msg.get(wire_etl.SPEC):
        raise KubernetesRequired(
            f"ETL {name}: a Kubernetes pod spec (init_spec) requires Kubernetes, and this cluster runs "
            "without it; define the transform with init_code or init_class instead"
        )
    if msg.get(wire_etl.CODE):
        return _code_spec(msg, comm, common)
    runtime = msg.get(wire_etl.RUNTIME)
    if isinstance(runtime, Mapping):
        return _class_spec(msg, runtime, comm, common)
    raise InvalidEtlSpec(f"ETL {name}: runtime.image must be specified")


def _timeouts(name: str, msg: Mapping[str, Any]) -> tuple[float, float]:
    """(init, per-object) seconds; the legacy single `timeout` sets both."""
    legacy = str(msg.get(wire_etl.LEGACY_TIMEOUT) or "")
    init = str(msg.get(wire_etl.INIT_TIMEOUT) or legacy or wire_etl.DEFAULT_INIT_TIMEOUT)
    obj = str(msg.get(wire_etl.OBJ_TIMEOUT) or legacy or wire_etl.DEFAULT_OBJ_TIMEOUT)
    try:
        init_s, obj_s = wire_etl.parse_duration(init), wire_etl.parse_duration(obj)
    except ValueError as exc:
        raise InvalidEtlSpec(f"ETL {name}: {exc}") from exc
    if init_s <= 0 or obj_s <= 0:
        raise InvalidEtlSpec(f"ETL {name}: timeouts must be positive")
    return init_s, obj_s


def _code_spec(msg: Mapping[str, Any], comm: str, common: dict[str, Any]) -> EtlSpec:
    """The legacy code form."""
    name = common["name"]
    if comm not in _CODE_COMMS:
        raise InvalidEtlSpec(f"ETL {name}: communication {comm!r} is not supported for code ({_CODE_COMMS})")
    runtime = str(msg.get(wire_etl.RUNTIME) or "")
    if runtime and not wire_etl.LEGACY_RUNTIME_PATTERN.fullmatch(runtime):
        raise InvalidEtlSpec(f"ETL {name}: unknown runtime {runtime!r} (expected e.g. python3.11v2)")
    funcs = msg.get(wire_etl.FUNCS) or {}
    func_name = str(funcs.get(wire_etl.FUNC_TRANSFORM) or "") if isinstance(funcs, Mapping) else ""
    if not func_name.isidentifier():
        raise InvalidEtlSpec(f"ETL {name}: funcs.transform must name the transform function")
    chunk_size = msg.get(wire_etl.CHUNK_SIZE) or 0
    if not isinstance(chunk_size, int) or not 0 <= chunk_size <= wire_etl.MAX_CHUNK_SIZE:
        raise InvalidEtlSpec(
            f"ETL {name}: chunk_size must be 0 (whole objects) up to {wire_etl.MAX_CHUNK_SIZE}"
        )
    argument = str(msg.get(wire_etl.ARGUMENT) or "")
    if argument:
        raise InvalidEtlSpec(f"ETL {name}: argument type {argument!r} is not supported (only bytes)")
    code = _b64_text(name, wire_etl.CODE, msg.get(wire_etl.CODE))
    deps_text = _b64_text(name, wire_etl.DEPENDENCIES, msg.get(wire_etl.DEPENDENCIES) or "")
    return EtlSpec(
        kind=KIND_CODE,
        comm=comm,
        code=code,
        func_name=func_name,
        dependencies=_requirement_lines(deps_text.splitlines()),
        chunk_size=chunk_size,
        **common,
    )


def _class_spec(
    msg: Mapping[str, Any], runtime: Mapping[str, Any], comm: str, common: dict[str, Any]
) -> EtlSpec:
    """The SDK 2.0 `init_class` form (the runtime_python image with a pickled class)."""
    name = common["name"]
    image = str(runtime.get(wire_etl.RUNTIME_IMAGE) or "")
    if not image:
        raise InvalidEtlSpec(f"ETL {name}: runtime.image must be specified")
    env = _env(name, runtime.get(wire_etl.RUNTIME_ENV))
    if not image.startswith(wire_etl.PYTHON_RUNTIME_IMAGE) or wire_etl.ENV_CLASS_PAYLOAD not in env:
        raise KubernetesRequired(
            f"ETL {name}: container image {image!r} requires Kubernetes, and this cluster runs without it; "
            "only Python ETL classes (init_class) and functions (init_code) run here"
        )
    if comm not in _CLASS_COMMS:
        raise InvalidEtlSpec(f"ETL {name}: communication {comm!r} is not supported here (hpush, hpull or ws)")
    packages = env.get(wire_etl.ENV_PACKAGES, "")
    try:
        workers = int(env.get(wire_etl.ENV_NUM_WORKERS) or DEFAULT_WORKERS)
    except ValueError as exc:
        raise InvalidEtlSpec(f"ETL {name}: {wire_etl.ENV_NUM_WORKERS} must be an integer") from exc
    return EtlSpec(
        kind=KIND_CLASS,
        comm=comm,
        class_payload=env[wire_etl.ENV_CLASS_PAYLOAD],
        dependencies=_requirement_lines(packages.split(",")),
        os_packages=_requirement_lines(env.get(wire_etl.ENV_OS_PACKAGES, "").split(",")),
        env=MappingProxyType({k: v for k, v in env.items() if k != wire_etl.ENV_CLASS_PAYLOAD}),
        direct_put=bool(msg.get(wire_etl.SUPPORT_DIRECT_PUT)),
        workers=max(1, min(MAX_WORKERS, workers)),
        **common,
    )


def _env(name: str, raw: Any) -> dict[str, str]:
    """runtime.env: a list of {"name", "value"}."""
    if raw is None:
        return {}
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
        raise InvalidEtlSpec(f'ETL {name}: runtime.env must be a list of {{"name", "value"}} objects')
    return {str(item.get(wire_etl.ENV_NAME, "")): str(item.get(wire_etl.ENV_VALUE, "")) for item in raw}


def _b64_text(name: str, key: str, value: Any) -> str:
    """A base64 field as text."""
    try:
        return base64.b64decode(str(value), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidEtlSpec(f"ETL {name}: {key} must be base64 of UTF-8 text") from exc


def _requirement_lines(lines: list[str]) -> tuple[str, ...]:
    """Requirement lines without blanks and comments, in order, without duplicates."""
    kept: list[str] = []
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if text and text not in kept:
            kept.append(text)
    return tuple(kept)

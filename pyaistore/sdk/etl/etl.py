"""ETLs: user transforms the cluster applies to objects, inline on GET or offline bucket to bucket.

Request shapes follow the jobs reference §4.2-§4.5: `init_spec` and `init_code` send the
message of the 1.x API (a pod spec, or Python code for a runtime); `init` sends the current
container-image message.
"""

import base64
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from pyaistore.sdk import const
from pyaistore.sdk.etl import etl_code
from pyaistore.sdk.etl.etl_const import (
    COMM_SUFFIX,
    DEFAULT_ETL_COMM,
    DEFAULT_ETL_OBJ_TIMEOUT,
    DEFAULT_ETL_RUNTIME,
    DEFAULT_ETL_TIMEOUT,
    ETL_COMM_CODE,
    ETL_COMM_SPEC,
    ETL_STAGE_RUNNING,
    ETL_SUPPORTED_PYTHON_VERSIONS,
    RUNTIME_TEMPLATE,
    TRANSFORM_FUNC_NAME,
)
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import ETLDetails, ETLInfo, ETLNodeLogs

__all__ = ["Etl", "get_default_runtime"]

_NAME: Final = re.compile(r"[a-z0-9]([a-z0-9-]{4,30})[a-z0-9]")
_DURATION_PART: Final = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_SECONDS: Final = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def get_default_runtime() -> str:
    """The code runtime for this interpreter, e.g. "python3.11v2", or "python3.8v2" if unsupported."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if version in ETL_SUPPORTED_PYTHON_VERSIONS:
        return RUNTIME_TEMPLATE.format(version=version)
    return DEFAULT_ETL_RUNTIME


class Etl:
    """ETL operations. Methods take the ETL's name (`etl_id`) or default to this object's name.

    Args:
        client: the client that sends requests.
        name: the ETL's name, if this object stands for one ETL.
    """

    def __init__(self, client: RequestClient, name: str = "") -> None:
        self._client = client
        self._name = name
        self._pipeline: list[str] = []

    @property
    def client(self) -> RequestClient:
        """The client bound to this ETL object."""
        return self._client

    @property
    def name(self) -> str:
        """The ETL's name."""
        return self._name

    @property
    def pipeline(self) -> list[str]:
        """ETLs applied after this one, when used in an ETLConfig."""
        return self._pipeline

    def __rshift__(self, other: "Etl") -> "Etl":
        """Chain ETLs: `a >> b` applies a, then b."""
        combined = Etl(self._client, self._name)
        combined._pipeline = [*self._pipeline, other.name, *other.pipeline]
        return combined

    def _etl_name(self, etl_id: str) -> str:
        """The name to act on: the argument, else this object's name."""
        name = etl_id or self._name
        if not name:
            raise ValueError("an ETL name (etl_id) is required")
        return name

    def init_spec(
        self,
        template: str,
        etl_id: str = "",
        communication_type: str = DEFAULT_ETL_COMM,
        timeout: str = DEFAULT_ETL_TIMEOUT,
    ) -> str:
        """Start an ETL from a Kubernetes pod spec.

        Args:
            template: the pod spec (YAML).
            etl_id: name of the new ETL: 6-32 characters of a-z, 0-9 and '-'.
            communication_type: how targets talk to it: hpush, hpull, hrev or ws.
            timeout: how long the cluster may take to start it, e.g. "5m".

        Returns:
            The ETL's ID.

        Raises:
            ValueError: invalid name or communication type.
            ErrETLAlreadyExists: an ETL with this name exists.
            AISError: any other error from the cluster.
        """
        name = _validated(self._etl_name(etl_id), communication_type, ETL_COMM_SPEC)
        body = {
            "name": name,
            "communication": communication_type + COMM_SUFFIX,
            "init_timeout": timeout,
            "obj_timeout": DEFAULT_ETL_OBJ_TIMEOUT,
            "spec": base64.b64encode(template.encode()).decode(),
            "argument": "",
        }
        return self._init(body, timeout)

    def init_code(
        self,
        transform: Callable[..., Any] | str,
        etl_id: str = "",
        dependencies: Sequence[str] | None = None,
        runtime: str = get_default_runtime(),
        communication_type: str = DEFAULT_ETL_COMM,
        timeout: str = DEFAULT_ETL_TIMEOUT,
        chunk_size: int | None = None,
        obj_timeout: str | None = None,
    ) -> str:
        """Start an ETL that runs a Python function on every object.

        Args:
            transform: the function; it takes an object's bytes and returns the new bytes. Or the
                source text of a module that defines such a function named `transform` (shipped
                as is, with its imports and helpers; for `io` a no-argument `transform` that reads
                stdin and writes stdout, as with a function).
            etl_id: name of the new ETL: 6-32 characters of a-z, 0-9 and '-'.
            dependencies: pip requirements to install for it.
            runtime: the runtime, e.g. "python3.11v2" (defaults to this interpreter's version).
            communication_type: how targets talk to it: hpush, hpull, hrev or io.
            timeout: the ETL's timeout, e.g. "5m": for starting it and (as in AIS before the two
                were split) for transforming one object.
            chunk_size: stream objects to the function in chunks of this size (default: whole objects).
            obj_timeout: a different per-object timeout, e.g. "30s" (default: `timeout`).

        Returns:
            The ETL's ID.

        Raises:
            ValueError: invalid name or communication type, or the function cannot be shipped.
            ErrETLAlreadyExists: an ETL with this name exists.
            AISError: any other error from the cluster.
        """
        name = _validated(self._etl_name(etl_id), communication_type, ETL_COMM_CODE)
        body = {
            "name": name,
            "runtime": runtime,
            "communication": communication_type + COMM_SUFFIX,
            "init_timeout": timeout,
            "obj_timeout": obj_timeout or timeout,
            "funcs": {TRANSFORM_FUNC_NAME: TRANSFORM_FUNC_NAME},
            "code": etl_code.encode_transform(transform, communication_type),
            "dependencies": etl_code.encode_dependencies(dependencies, pickled=callable(transform)),
            "argument": "",
            "chunk_size": chunk_size or 0,
        }
        return self._init(body, timeout)

    def init(
        self,
        image: str,
        command: Sequence[str] | str | None = None,
        comm_type: str = DEFAULT_ETL_COMM,
        init_timeout: str = DEFAULT_ETL_TIMEOUT,
        obj_timeout: str = DEFAULT_ETL_OBJ_TIMEOUT,
        direct_put: bool = False,
        **env: Any,
    ) -> str:
        """Start an ETL from a container image (the current API).

        Args:
            image: the container image.
            command: the command to run in it (a string is split at whitespace).
            comm_type: how targets talk to it: hpush, hpull or ws.
            init_timeout: how long the cluster may take to start it, e.g. "5m".
            obj_timeout: how long one object may take, e.g. "45s".
            direct_put: let the ETL deliver results straight to the destination target.
            env: environment variables for the container.

        Returns:
            The ETL's ID.

        Raises:
            ValueError: invalid name or communication type.
            ErrETLAlreadyExists: an ETL with this name exists.
            AISError: any other error from the cluster.
        """
        name = _validated(self._etl_name(""), comm_type, ETL_COMM_SPEC)
        runtime: dict[str, Any] = {"image": image}
        if command is not None:
            runtime["command"] = command.split() if isinstance(command, str) else list(command)
        if env:
            runtime["env"] = [{"name": key, "value": str(value)} for key, value in env.items()]
        body = {
            "name": name,
            "communication": comm_type + COMM_SUFFIX,
            "init_timeout": init_timeout,
            "obj_timeout": obj_timeout,
            "support_direct_put": direct_put,
            "runtime": runtime,
        }
        return self._init(body, init_timeout)

    def _init(self, body: Mapping[str, Any], init_timeout: str) -> str:
        """PUT the init message, waiting as long as the cluster may take to start the ETL."""
        connect, read = _split_timeout(self._client.timeout)
        read = max(read or 0.0, _duration_seconds(init_timeout)) or None
        response = self._client.request(
            const.HTTP_METHOD_PUT, const.URL_PATH_ETL, json=dict(body), timeout=(connect, read)
        )
        return response.text.strip('"')

    def logs(self, target_id: str = "", etl_id: str = "") -> list[ETLNodeLogs]:
        """What the ETL's transform servers wrote (stdout and stderr), per target.

        Args:
            target_id: only this target's logs (default: every target's).
            etl_id: the ETL's name (defaults to this object's).

        Returns:
            One entry per target, with the logs decoded to text.

        Raises:
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed.
        """
        path = f"{const.URL_PATH_ETL}/{self._etl_name(etl_id)}/{const.URL_PATH_ETL_LOGS}"
        if target_id:
            path = f"{path}/{target_id}"
        data = self._client.request_json(const.HTTP_METHOD_GET, path)
        return [ETLNodeLogs.from_json(item) for item in data or []]

    def list(self, stages: Sequence[str] = (ETL_STAGE_RUNNING,)) -> list[ETLInfo]:
        """List the cluster's running ETLs (stopped and deleted ones are not listed).

        Args:
            stages: the stages to list; pass () for every defined ETL, e.g. stopped ("Aborted") ones.

        Returns:
            One ETLInfo per ETL.

        Raises:
            AISError: the cluster answered with an error.
            requests.RequestException: the request failed.
        """
        data = self._client.request_json(const.HTTP_METHOD_GET, const.URL_PATH_ETL)
        infos = [ETLInfo.from_json(item) for item in data or []]
        return [info for info in infos if not stages or info.stage in stages]

    def view(self, etl_id: str = "", job_id: str = "") -> ETLDetails:
        """Show an ETL's init message and the per-object errors it recorded.

        Args:
            etl_id: the ETL's name (defaults to this object's).
            job_id: show the errors of this offline transform job instead of inline ones.

        Returns:
            The details.

        Raises:
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
        """
        path = f"{const.URL_PATH_ETL}/{self._etl_name(etl_id)}"
        data = self._client.request_json(const.HTTP_METHOD_GET, path, params={const.QPARAM_UUID: job_id})
        return ETLDetails.from_json(data or {})

    def start(self, etl_id: str = "") -> None:
        """Start a stopped ETL again (a deleted one cannot be started).

        Raises:
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
        """
        path = f"{const.URL_PATH_ETL}/{self._etl_name(etl_id)}/{const.URL_PATH_ETL_START}"
        self._client.request(const.HTTP_METHOD_POST, path)

    def stop(self, etl_id: str = "") -> None:
        """Stop an ETL, keeping its definition.

        Raises:
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
        """
        path = f"{const.URL_PATH_ETL}/{self._etl_name(etl_id)}/{const.URL_PATH_ETL_STOP}"
        self._client.request(const.HTTP_METHOD_POST, path)

    def delete(self, etl_id: str = "") -> None:
        """Stop an ETL if needed and remove its definition.

        Raises:
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
        """
        self._client.request(const.HTTP_METHOD_DELETE, f"{const.URL_PATH_ETL}/{self._etl_name(etl_id)}")


def _validated(name: str, communication_type: str, allowed: Sequence[str]) -> str:
    """Check an ETL name and communication type; return the name."""
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"invalid ETL name {name!r}: use 6-32 characters of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit"
        )
    if communication_type not in allowed:
        raise ValueError(f"communication_type should be one of: {', '.join(allowed)}")
    return name


def _duration_seconds(text: str) -> float:
    """Seconds in a Go duration such as "5m", "45s" or "1h30m" (0 if unparsable)."""
    parts = _DURATION_PART.findall(text)
    return sum(float(number) * _SECONDS[unit] for number, unit in parts)


def _split_timeout(timeout: object) -> tuple[float | None, float | None]:
    """A client timeout as a (connect, read) pair."""
    if isinstance(timeout, tuple):
        return timeout[0], timeout[1]
    if isinstance(timeout, int | float):
        return float(timeout), float(timeout)
    return None, None

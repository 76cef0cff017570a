"""Dsort: start, watch, abort a dsort job (`aistore.sdk.dsort.Dsort`)."""

import json
import time
from pathlib import Path
from typing import Any

from pyaistore.sdk import const
from pyaistore.sdk.dsort.ekm import EKM_FILE_NAME, ExternalKeyMap
from pyaistore.sdk.dsort.framework import DsortFramework, load_spec
from pyaistore.sdk.dsort.types import JobInfo
from pyaistore.sdk.errors import Timeout
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.wait_result import WaitResult
from pyaistore.wire import paths, query

__all__ = ["Dsort"]

DEFAULT_WAIT_TIMEOUT = 300
_PATH = paths.SORT


class Dsort:
    """A dsort job of the cluster (creating one sends no request).

    Args:
        client: the request client.
        dsort_id: the job's ID, when it exists already.
    """

    def __init__(self, client: RequestClient, dsort_id: str = "") -> None:
        self._client = client
        self._dsort_id = dsort_id

    @property
    def dsort_id(self) -> str:
        """The job's ID ("" before start())."""
        return self._dsort_id

    def start(self, spec: str | Path | DsortFramework) -> str:
        """Start a job from a spec file (JSON, or YAML with PyYAML) or a DsortFramework.

        Args:
            spec: the spec.

        Returns:
            The job ID.

        Raises:
            ValueError: an invalid spec file.
            AISError: the cluster refused the spec.
        """
        body: dict[str, Any]
        if isinstance(spec, str | Path):
            body = load_spec(Path(spec))
        elif isinstance(spec, DsortFramework):
            body = spec.to_spec()
            output_format = spec.output_shards.format
            if isinstance(output_format, ExternalKeyMap):
                bucket = spec.input_shards.bck
                path = f"{const.URL_PATH_OBJECTS}/{bucket.name}/{EKM_FILE_NAME}"
                content = json.dumps(output_format.as_dict()).encode()
                self._client.request(const.HTTP_METHOD_PUT, path, params=bucket.as_qparams(), data=content)
                body["ekm_file"] = self._client.get_full_url(path, bucket.as_qparams())
                body["ekm_file_sep"] = ""
        else:
            raise ValueError("spec must be a Path or a DsortFramework instance")
        self._dsort_id = self._client.request(const.HTTP_METHOD_POST, _PATH, json=body).text
        return self._dsort_id

    def abort(self) -> None:
        """Abort the job."""
        self._client.request("DELETE", f"{_PATH}/{paths.SORT_ABORT}", params={query.UUID: self._dsort_id})

    def get_job_info(self) -> dict[str, JobInfo]:
        """Every target's JobInfo of the job.

        Returns:
            {target ID: JobInfo}.
        """
        data = self._client.request_json(const.HTTP_METHOD_GET, _PATH, params={query.UUID: self._dsort_id})
        return {tid: JobInfo.from_json(info) for tid, info in (data or {}).items()}

    def wait(self, timeout: int = DEFAULT_WAIT_TIMEOUT, verbose: bool = True) -> WaitResult:
        """Wait until every target created its shards, or one aborted.

        Args:
            timeout: seconds to wait at most.
            verbose: accepted for compatibility.

        Returns:
            How the job ended.

        Raises:
            Timeout: it did not end in time.
        """
        deadline = time.monotonic() + timeout
        pause = 0.02
        while True:
            infos = list(self.get_job_info().values())
            aborted = any(i.metrics.aborted for i in infos)
            finished = bool(infos) and all(i.metrics.shard_creation.finished for i in infos)
            if finished or aborted:
                error = next((e for i in infos for e in i.metrics.errors if e), "")
                end = max((i.finish_time for i in infos if i.finish_time), default="")
                return WaitResult(self._dsort_id, finished and not aborted, error, end)
            if time.monotonic() > deadline:
                raise Timeout(f"dsort job '{self._dsort_id}'", f"after {timeout}s")
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

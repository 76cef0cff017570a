"""Provider name -> Backend, built on first use, and the threads every backend call runs in.

The client libraries block, so a target runs each backend call in this registry's own thread
pool (`run`), never on its event loop, and never in the loop's default executor (which its disk
I/O uses: a slow cloud must not starve the disks). `hdfs` and `oci` have no backend: any request
for their buckets answers 501 with a message saying so.
"""

import asyncio
import functools
import importlib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Final, TypeVar

from pyaistore.backends.base import Backend, BackendNotImplemented, Redactor
from pyaistore.wire.bucket_id import AIS, AWS, AZURE, GCP, HDFS, HT, OCI

__all__ = ["BACKEND_THREADS", "NOT_IMPLEMENTED", "BackendRegistry"]

# Backend calls at once per process (each blocks one thread while the cloud answers).
BACKEND_THREADS: Final = 64
# Providers AIS knows that have no backend here, and why.
NOT_IMPLEMENTED: Final = {
    HDFS: "hdfs:// buckets are not supported: no HDFS backend is implemented (AIS removed its own)",
    OCI: "oci:// buckets are not supported: no OCI backend is implemented",
}
# provider -> (module, class); the module is imported on first use (its client library with it).
_MODULES: Final = {
    AWS: ("pyaistore.backends.aws", "AwsBackend"),
    GCP: ("pyaistore.backends.gcp", "GcpBackend"),
    AZURE: ("pyaistore.backends.azure", "AzureBackend"),
    HT: ("pyaistore.backends.http_origin", "HttpOriginBackend"),
    AIS: ("pyaistore.backends.remote_ais", "RemoteAisBackend"),
}
_WITH_ENV: Final = frozenset({AWS, GCP, AZURE})

_T = TypeVar("_T")


class BackendRegistry:
    """One node's backends (built when first asked for) and their thread pool."""

    def __init__(self, env: Mapping[str, str] | None = None, threads: int = BACKEND_THREADS) -> None:
        self._env = dict(os.environ if env is None else env)
        self.redactor = Redactor.from_environment(self._env)
        self._backends: dict[str, Backend] = {}
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="backend")
        self._threads = threads

    def backend(self, provider: str) -> Backend:
        """The backend of `provider` (`ais` means remote AIS clusters); BackendNotImplemented if none."""
        found = self._backends.get(provider)
        if found is not None:
            return found
        if provider in NOT_IMPLEMENTED:
            raise BackendNotImplemented(NOT_IMPLEMENTED[provider])
        module_name, class_name = _MODULES[provider]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise BackendNotImplemented(
                f"{provider} backend unavailable: its client library is not installed ({exc.name}); "
                "install pyaistore[server]"
            ) from exc
        factory: Callable[..., Backend] = getattr(module, class_name)
        if provider in _WITH_ENV:
            made = factory(self.redactor, self._env)
        else:
            made = factory(self.redactor)
        self._backends[provider] = made
        return made

    async def run(self, call: Callable[..., _T], *args: object) -> _T:
        """`call(*args)` in the backends' thread pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(call, *args))

    @property
    def threads(self) -> int:
        """How many backend calls may run at once."""
        return self._threads

    def close(self) -> None:
        """Stop the thread pool (calls under way finish)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

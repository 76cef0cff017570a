"""The clouds' stand-ins for the backend tests: processes started on free ports, a counting proxy in
front of each (the cluster reaches a stand-in only through it), and a local HTTP origin.

The proxy records every request the cluster makes of a stand-in, so a test can count the fetches
of one object; stopping the proxy makes the stand-in unreachable for the cluster while its data
stays. Everything is stopped even when a test fails.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import aiohttp
from aiohttp import web

from pyaistore.server.local_cluster import free_port

HOST: Final = "127.0.0.1"
START_TIMEOUT: Final = 30.0
REPO: Final = Path(__file__).resolve().parents[3]
AZURITE_BIN: Final = REPO / ".azurite" / "node_modules" / ".bin" / "azurite-blob"
# Azurite's published development account (not a secret: the same for every Azurite).
AZURITE_ACCOUNT: Final = "devstoreaccount1"
AZURITE_KEY: Final = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
_HOP_HEADERS: Final = frozenset({"transfer-encoding", "connection", "keep-alive", "content-length"})
# A request keeps its Content-Length (some stand-ins refuse chunked uploads).
_REQUEST_HOP_HEADERS: Final = _HOP_HEADERS - {"content-length"}


def wait_for_port(
    port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = START_TIMEOUT
) -> None:
    """Until something accepts on the port (RuntimeError if `proc` exits first, TimeoutError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"stand-in exited with status {proc.returncode}")
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


class StandInProcess:
    """A stand-in started as a child process in its own session; stop() ends it (and its children)."""

    def __init__(self, command: list[str], port: int, cwd: Path, log: Path) -> None:
        self.port = port
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_for_port(port, self.proc)
        except BaseException:
            self.stop()
            raise

    @property
    def url(self) -> str:
        """Its own endpoint (the tests' native clients use it directly)."""
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        """Terminate the process group this stand-in leads, then reap it."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 15)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()


def start_moto(work: Path) -> StandInProcess:
    """moto's S3 server."""
    port = free_port(HOST)
    binary = str(Path(sys.executable).with_name("moto_server"))
    return StandInProcess([binary, "-H", HOST, "-p", str(port)], port, work, work / "moto.log")


def start_gcs(work: Path) -> StandInProcess:
    """gcp-storage-emulator, in memory."""
    port = free_port(HOST)
    binary = str(Path(sys.executable).with_name("gcp-storage-emulator"))
    return StandInProcess(
        [binary, "start", "--host", HOST, "--port", str(port), "--in-memory", "--quiet"],
        port,
        work,
        work / "gcs.log",
    )


def azurite_missing() -> str:
    """Why Azurite cannot run here ("" when it can)."""
    if not AZURITE_BIN.exists():
        return "Azurite is not installed: `make install` runs scripts/install-azurite.sh (needs npm)"
    if shutil.which("node") is None:
        return "Azurite needs node, which is not on PATH"
    return ""


def start_azurite(work: Path) -> StandInProcess:
    """Azurite's blob service (its data in `work`)."""
    port = free_port(HOST)
    data = work / "azurite"
    data.mkdir(exist_ok=True)
    command = [
        str(AZURITE_BIN),
        "--blobHost",
        HOST,
        "--blobPort",
        str(port),
        "--location",
        str(data),
        "--silent",
        "--skipApiVersionCheck",
        "--loose",
    ]
    return StandInProcess(command, port, work, work / "azurite.log")


def azure_connection_string(endpoint: str, key: str = AZURITE_KEY) -> str:
    """A connection string for Azurite's development account at `endpoint`."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={key};"
        f"BlobEndpoint={endpoint}/{AZURITE_ACCOUNT};"
    )


class LoopThread:
    """An asyncio loop in a daemon thread, for small servers the tests run beside the cluster."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coro: "asyncio.Future[object] | object") -> object:
        """Run a coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)  # type: ignore[arg-type]

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


class _Site:
    """An aiohttp app served on a fixed port, which can be stopped and started again."""

    def __init__(self, loops: LoopThread, app: web.Application, port: int) -> None:
        self._loops = loops
        self._app = app
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Its endpoint."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Listen (again) on the port."""

        async def up() -> None:
            runner = web.AppRunner(self._app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, HOST, self.port, reuse_address=True)
            await site.start()
            self._runner = runner

        self._loops.call(up())

    def stop(self) -> None:
        """Stop listening and drop open connections."""
        runner, self._runner = self._runner, None
        if runner is not None:
            self._loops.call(runner.cleanup())


class CountingProxy(_Site):
    """A reverse proxy recording each request (method, path with query) it answered in full
    (an attempt the client gave up on, and retried, is not a second fetch).

    The client's Host header is passed on, so a stand-in that writes its own address into its
    replies (GCS media links) writes the proxy's.
    """

    def __init__(self, loops: LoopThread, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.requests: list[tuple[str, str]] = []
        self._session: aiohttp.ClientSession | None = None
        app = web.Application(client_max_size=1 << 40)
        app.router.add_route("*", "/{tail:.*}", self._relay)
        super().__init__(loops, app, free_port(HOST))
        self.start()

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                auto_decompress=False, timeout=aiohttp.ClientTimeout(total=None)
            )
        return self._session

    async def _relay(self, request: web.Request) -> web.StreamResponse:
        session = await self._client()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _REQUEST_HOP_HEADERS}
        body = request.content if request.body_exists else None
        async with session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=body,
            allow_redirects=False,
        ) as reply:
            out = web.StreamResponse(status=reply.status, reason=reply.reason)
            for key, value in reply.headers.items():
                if key.lower() not in _HOP_HEADERS:
                    out.headers.add(key, value)
            if reply.content_length is not None:
                out.content_length = reply.content_length
            await out.prepare(request)
            async for chunk in reply.content.iter_chunked(1 << 20):
                await out.write(chunk)
            await out.write_eof()
            self.requests.append((request.method, request.path_qs))
            return out

    def count(self, match: Callable[[str, str], bool]) -> int:
        """How many recorded requests `match(method, path_qs)` accepts."""
        return sum(1 for method, path in list(self.requests) if match(method, path))

    @contextmanager
    def unreachable(self) -> Iterator[None]:
        """The stand-in cannot be reached through this proxy inside the block (its port is closed)."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def close(self) -> None:
        """Stop serving and close the upstream session."""
        self.stop()
        if self._session is not None:
            self._loops.call(self._session.close())


class HttpOrigin(_Site):
    """A plain HTTP origin serving the files under `root` (ETag, Last-Modified, ranges), counting GETs."""

    def __init__(self, loops: LoopThread, root: Path) -> None:
        self.root = root
        self.gets: list[str] = []
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._serve)
        super().__init__(loops, app, free_port(HOST))
        self.start()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET":
            self.gets.append(request.path)
        path = (self.root / request.match_info["tail"]).resolve()
        if request.path in ("", "/") and request.method == "HEAD":
            return web.Response()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    @contextmanager
    def unreachable(self) -> Iterator[None]:
        """The origin is stopped inside the block."""
        self.stop()
        try:
            yield
        finally:
            self.start()

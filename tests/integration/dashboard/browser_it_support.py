"""Headless Debian chromium driven over the DevTools protocol (CDP), and its screenshots read with Pillow.

No browser library: chromium is started with a DevTools port, and one page is driven over a
websocket (aiohttp's client). Console errors, uncaught exceptions and failed loads are collected
from the moment the page starts loading.
"""

import asyncio
import base64
import io
import itertools
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import aiohttp
from PIL import Image

# The flags that work on this kind of machine (as root, no GPU, no network but loopback).
FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)


def find_chromium() -> str | None:
    """Debian's chromium, if installed (scripts/ensure_chromium.sh installs it)."""
    return shutil.which("chromium")


class Browser:
    """One headless chromium with one page; use `async with Browser(path, (w, h)) as page:`."""

    def __init__(self, executable: str, size: tuple[int, int]) -> None:
        self._executable = executable
        self._size = size
        self._profile = Path(tempfile.mkdtemp(prefix="pyaistore-chromium-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.errors: list[str] = []

    async def __aenter__(self) -> "Browser":
        width, height = self._size
        self._process = subprocess.Popen(
            [self._executable, *FLAGS, f"--window-size={width},{height}", f"--user-data-dir={self._profile}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = await self._devtools_port()
        self._session = aiohttp.ClientSession()
        async with self._session.put(f"http://127.0.0.1:{port}/json/new?about:blank") as reply:
            page = await reply.json(content_type=None)
        self._socket = await self._session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        for domain in ("Runtime", "Log", "Page"):
            await self.call(f"{domain}.enable")
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._socket is not None:
            await self._socket.close()
        if self._session is not None:
            await self._session.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    async def _devtools_port(self, timeout: float = 30.0) -> int:
        marker = self._profile / "DevToolsActivePort"
        deadline = asyncio.get_running_loop().time() + timeout
        while not marker.exists() or not marker.read_text().strip():
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self._process.returncode}")
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("chromium did not open its DevTools port")
            await asyncio.sleep(0.05)
        return int(marker.read_text().split()[0])

    async def _read(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            data = json.loads(message.data)
            if "id" in data:
                future = self._pending.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
            else:
                self._event(data.get("method", ""), data.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        """Keep what a person would see as an error in the console."""
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])]
            self.errors.append("console: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append("exception: " + json.dumps(details)[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}")

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one CDP command and wait for its result."""
        assert self._socket is not None
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self._socket.send_str(json.dumps({"id": message_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, timeout=30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll until the expression is truthy; its value."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (value := await self.evaluate(expression)):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"never true in the page: {expression}")
            await asyncio.sleep(0.1)
        return value

    async def screenshot(self) -> bytes:
        """A PNG of the viewport."""
        result = await self.call("Page.captureScreenshot", format="png")
        return base64.b64decode(result["data"])


def png_pixels(data: bytes) -> tuple[int, int, Callable[[int, int], tuple[int, int, int]]]:
    """(width, height, pixel(x, y) -> RGB) of a PNG."""
    image = Image.open(io.BytesIO(data)).convert("RGB")

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        red, green, blue = image.getpixel((x, y))  # type: ignore[misc]
        return int(red), int(green), int(blue)

    return image.width, image.height, pixel

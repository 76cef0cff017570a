"""The least a Python server does for a durable PUT: what bench_put_minimum.py measures beside nginx.

    python benchmarks/minimum_put_server.py --port PORT --root DIR [--processes 2] [--log]

No object store: per PUT it keeps only the guarantees a target gives a small object (checksum,
metadata beside the data, an atomic rename, data and name durable before the reply) with as
little Python as will do them. One asyncio loop per process parses with httptools (what the
target's lean front uses) and makes the file-system calls inline: create a work file, write the
body, set a metadata xattr (size, xxhash, version, atime), close; wait for a flush; rename onto the
object's path; wait for a flush; reply. The flushes are a group commit: one thread per process
runs one syncfs(2) for every PUT that asked since the last one began, woken once per pass of
the loop, and wakes the loop. Each process accepts on a socket of its own. No executor, no
thread per request. `GET /ready` answers 200 (for start-up); nothing else is served.

With `--log`, a PUT waits for one flush instead of two, as behind a write-ahead log: the work
file is written as before, then the object's path, metadata and body are appended to a log of
the process's own (`<root>/log-<pid>`), the log alone is flushed (fdatasync, group-committed the
same way), and the work file is renamed into place with no flush after it. The reply then
means the object can be rebuilt from the log after a power loss. This server measures that
request path only: it never reads its log back (a store built on it would replay the log after
a crash and retire it once a syncfs has made the renamed files durable).
"""

import argparse
import asyncio
import itertools
import os
import signal
import socket
import threading
import time
from pathlib import Path

import httptools
import xxhash

from pyaistore.storage.disk_sync import syncfs_fd
from pyaistore.storage.meta_store import XATTR_NAME

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
READY = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
REFUSED = b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
LOG_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC


class GroupCommit:
    """One flush thread: every waiter is woken by a syncfs that began after it asked.

    Requests made in one pass of the loop join one batch: the loop wakes the flush thread once,
    in a callback queued behind the pass (woken per request, a 1 KiB PUT's flush ends before
    the loop's next PUT, and every PUT pays a flush and a wake-up of its own).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, root: Path, log: bool) -> None:
        self._loop = loop
        self.log = log
        if log:  # appended to by the loop, flushed by the thread
            self._fd = os.open(root / f"log-{os.getpid()}", LOG_FLAGS, 0o644)
        else:
            self._fd = os.open(root, os.O_RDONLY | os.O_CLOEXEC)
        self._waiting: list[asyncio.Future[None]] = []
        self._kick_queued = False
        self._wake = threading.Condition()
        threading.Thread(target=self._run, daemon=True).start()

    def append(self, record: bytes) -> None:
        """Append `record` to the log (flushed by the next `flush`)."""
        os.write(self._fd, record)

    def flush(self) -> "asyncio.Future[None]":
        """A future done once everything written before this call is on disk."""
        future: asyncio.Future[None] = self._loop.create_future()
        with self._wake:
            self._waiting.append(future)
        if not self._kick_queued:
            self._kick_queued = True
            self._loop.call_soon(self._kick)
        return future

    def _kick(self) -> None:
        self._kick_queued = False
        with self._wake:
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._waiting:
                    self._wake.wait()
                batch, self._waiting = self._waiting, []
            if self.log:
                os.fdatasync(self._fd)
            else:
                syncfs_fd(self._fd)
            self._loop.call_soon_threadsafe(_release, batch)


def _release(batch: list["asyncio.Future[None]"]) -> None:
    for future in batch:
        if not future.done():
            future.set_result(None)


class Store:
    """Where objects go: <root>/objects/<path>, work files in <root>/work."""

    def __init__(self, root: Path, commit: GroupCommit) -> None:
        self.objects = root / "objects"
        self.work = root / "work"
        self.objects.mkdir(parents=True, exist_ok=True)
        self.work.mkdir(parents=True, exist_ok=True)
        self.commit = commit
        self._names = (f"{self.work}/w{os.getpid()}-{number}" for number in itertools.count())

    async def put(self, path: str, body: bytes) -> None:
        """Store `body` at `path`, durable (data, metadata and name) when this returns."""
        work = next(self._names)
        meta = b'{"size":%d,"cksum":"xxhash2","value":"%s","version":"1","atime":%d}' % (
            len(body),
            xxhash.xxh64(body).hexdigest().encode(),
            time.time_ns(),
        )
        fd = os.open(work, FLAGS, 0o644)
        try:
            os.write(fd, body)
            os.setxattr(fd, XATTR_NAME, meta)
        finally:
            os.close(fd)
        commit = self.commit
        if commit.log:  # path, metadata, body: what a replay would need
            commit.append(b"%d %d %d\n%s%s%s" % (len(path), len(meta), len(body), path.encode(), meta, body))
        await commit.flush()
        target = f"{self.objects}/{path}"
        try:
            os.replace(work, target)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(work, target)
        if not commit.log:
            await commit.flush()


class PutProtocol(asyncio.Protocol):
    """One connection: requests answered in order, one at a time."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url = b""
        self._body: list[bytes] = []
        self._last: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            assert self._transport is not None
            self._transport.close()

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        method, url, body = self._parser.get_method(), self._url, b"".join(self._body)
        self._url, self._body = b"", []
        previous, self._last = self._last, asyncio.ensure_future(self._answer(method, url, body, self._last))
        del previous

    async def _answer(
        self, method: bytes, url: bytes, body: bytes, before: "asyncio.Future[None] | None"
    ) -> None:
        if before is not None:
            await before  # replies in request order
        transport = self._transport
        if method == b"GET" and url == b"/ready":
            reply = READY
        elif method == b"PUT":
            path = url.partition(b"?")[0].decode().lstrip("/")
            if not path or ".." in path:
                reply = REFUSED
            else:
                await self._store.put(path, body)
                reply = OK
        else:
            reply = REFUSED
        if transport is not None and not transport.is_closing():
            transport.write(reply)
            if reply is REFUSED:
                transport.close()


def serve(sock: socket.socket, root: Path, log: bool) -> None:
    """Run one process's loop on its listening socket until SIGTERM."""
    loop = asyncio.new_event_loop()
    store = Store(root, GroupCommit(loop, root, log))
    server = loop.run_until_complete(loop.create_server(lambda: PutProtocol(store), sock=sock, backlog=1024))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()


def main() -> None:
    """Bind, fork the serving processes, wait for them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--log", action="store_true", help="one flush per PUT: a write-ahead log's")
    args = parser.parse_args()
    # A socket per process on the same port (SO_REUSEPORT): the kernel spreads connections over
    # them. One shared socket sends a pool of connections opened at once to whichever process
    # wakes first (asyncio accepts every pending connection per wake-up).
    socks = []
    for _ in range(args.processes):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", args.port))
        sock.listen(1024)
        sock.setblocking(False)
        socks.append(sock)
    children = []
    for sock in socks:
        pid = os.fork()
        if pid == 0:
            serve(sock, args.root, args.log)
            os._exit(0)
        children.append(pid)

    def stop_children(*_: object) -> None:
        for child in children:
            os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop_children)
    for child in children:
        os.waitpid(child, 0)


if __name__ == "__main__":
    main()

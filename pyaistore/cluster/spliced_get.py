"""A GET from a peer whose body is passed on to another socket by splice(2), without entering Python.

The gateway relays S3 GETs (S3 clients cannot be redirected). Reading the owner's reply through
aiohttp and writing it to the client costs the gateway about half a CPU-second per GiB in
copies; splice moves the pages from one socket to the other through a pipe inside the kernel
(docs/performance.md has both figures). So this client speaks just enough HTTP/1.1 for one GET
on a connection of its own (`Connection: close`): send the request, read the status line and
headers, then either read a small body or `pump` the rest into the client's socket.

Blocking calls, meant for a worker thread (`asyncio.to_thread`); os.splice releases the GIL.
"""

import fcntl
import os
import select
import socket
import ssl
import struct
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from multidict import CIMultiDict

__all__ = ["SpliceFailed", "SplicedReply", "open_get"]

# Bytes moved per splice call; the pipe between the two sockets is asked to hold as much.
PIPE_SIZE: Final = 1 << 20
# The reply's status line and headers must fit in this.
MAX_HEAD: Final = 64 << 10
_F_SETPIPE_SZ: Final = 1031  # fcntl.F_SETPIPE_SZ (Linux), not exported by every Python build


class SpliceFailed(ConnectionError):
    """The peer's reply or the relay broke off (a reset, a stall, a malformed reply)."""


@dataclass
class SplicedReply:
    """A peer's reply whose body has not been read yet (apart from `early`, read with the headers)."""

    status: int
    headers: CIMultiDict[str]
    sock: socket.socket
    early: bytes
    length: int
    stall_s: float
    # The whole body, when open_get was asked to read small ones at once.
    body: bytes | None = None
    _closed: bool = field(default=False, init=False)

    def read_all(self) -> bytes:
        """The whole (small) body."""
        if self.body is not None:
            return self.body
        parts, size = [self.early[: self.length]], len(self.early)
        while size < self.length:
            chunk = self.sock.recv(min(self.length - size, 1 << 20))
            if not chunk:
                raise SpliceFailed(f"the peer sent {size} of {self.length} bytes")
            parts.append(chunk)
            size += len(chunk)
        self.close()
        return b"".join(parts)

    def pump(self, out_fd: int) -> None:
        """Move the body into `out_fd` (a non-blocking socket); SpliceFailed if either side fails."""
        if isinstance(self.sock, ssl.SSLSocket):
            self._copy(out_fd)
            return
        try:
            remaining = self.length - _write_all(out_fd, self.early[: self.length], self.stall_s)
            read_end, write_end = os.pipe2(os.O_CLOEXEC)
            try:
                try:
                    fcntl.fcntl(write_end, _F_SETPIPE_SZ, PIPE_SIZE)
                except OSError:
                    pass  # the default pipe size still works, in more calls
                while remaining > 0:
                    wanted = min(remaining, PIPE_SIZE)
                    moved = os.splice(self.sock.fileno(), write_end, wanted, flags=os.SPLICE_F_MOVE)
                    if moved == 0:
                        raise SpliceFailed(f"the peer closed with {remaining} bytes still to send")
                    _drain_pipe(read_end, out_fd, moved, self.stall_s)
                    remaining -= moved
            finally:
                os.close(read_end)
                os.close(write_end)
        except OSError as exc:
            raise SpliceFailed(f"relay broke off: {exc}") from exc
        finally:
            self.close()

    def _copy(self, out_fd: int) -> None:
        """pump() for a TLS peer: decrypted here, then written (splice cannot decrypt)."""
        try:
            remaining = self.length - _write_all(out_fd, self.early[: self.length], self.stall_s)
            while remaining > 0:
                chunk = self.sock.recv(min(remaining, PIPE_SIZE))
                if not chunk:
                    raise SpliceFailed(f"the peer closed with {remaining} bytes still to send")
                remaining -= _write_all(out_fd, chunk, self.stall_s)
        except OSError as exc:
            raise SpliceFailed(f"relay broke off: {exc}") from exc
        finally:
            self.close()

    def close(self) -> None:
        """Close the connection to the peer."""
        if not self._closed:
            self._closed = True
            self.sock.close()


def _wait_writable(fd: int, stall_s: float) -> None:
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    if not poller.poll(stall_s * 1000):
        raise SpliceFailed(f"the receiver took nothing for {stall_s:g}s")


def _drain_pipe(read_end: int, out_fd: int, count: int, stall_s: float) -> None:
    """Splice `count` bytes from the pipe into the non-blocking socket `out_fd`."""
    while count > 0:
        try:
            count -= os.splice(read_end, out_fd, count, flags=os.SPLICE_F_MOVE | os.SPLICE_F_NONBLOCK)
        except BlockingIOError:
            _wait_writable(out_fd, stall_s)


def _write_all(out_fd: int, data: bytes, stall_s: float) -> int:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(out_fd, view) :]
        except BlockingIOError:
            _wait_writable(out_fd, stall_s)
    return len(data)


def open_get(
    url: str,
    headers: dict[str, str],
    stall_s: float,
    read_below: int = 0,
    connect_s: float = 5.0,
    ssl_context: ssl.SSLContext | None = None,
) -> SplicedReply:
    """Send a GET for `url` and read the reply's head; the body is left on the socket, unless it
    is at most `read_below` bytes: then it is read too (`body`), in the same call. An https URL
    is read over TLS (verified with `ssl_context`, else the system's trust store); its body is
    then copied, not spliced (the bytes on the socket are encrypted)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        sock = socket.create_connection((host, port), timeout=connect_s)
        if parts.scheme == "https":
            sock = (ssl_context or ssl.create_default_context()).wrap_socket(sock, server_hostname=host)
    except OSError as exc:
        raise SpliceFailed(f"cannot connect to {host}:{port}: {exc}") from exc
    try:
        sock.settimeout(None)  # blocking: splice honours the receive timeout below
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", int(stall_s), 0))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        target = parts.path + ("?" + parts.query if parts.query else "")
        lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reply = _read_head(sock, stall_s)
        if reply.length <= read_below:
            reply.body = reply.read_all()
        return reply
    except OSError as exc:
        sock.close()
        raise SpliceFailed(f"GET {url}: {exc}") from exc
    except SpliceFailed:
        sock.close()
        raise


def _read_head(sock: socket.socket, stall_s: float) -> SplicedReply:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(MAX_HEAD)
        if not chunk or len(buffer) > MAX_HEAD:
            raise SpliceFailed("the peer's reply has no complete head")
        buffer += chunk
    head, _, early = buffer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(status_line.split(" ", 2)[1])
    except (IndexError, ValueError) as exc:
        raise SpliceFailed(f"malformed status line {status_line!r}") from exc
    headers: CIMultiDict[str] = CIMultiDict()
    for line in header_lines:
        name, _, value = line.partition(":")
        headers.add(name.strip(), value.strip())
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        raise SpliceFailed("a chunked reply cannot be spliced")
    length = int(headers.get("Content-Length", "0") or 0)
    return SplicedReply(status, headers, sock, early, length, stall_s)

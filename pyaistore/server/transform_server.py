"""A transform server: one child process of an ETL, speaking AIS's target <-> ETL contract (§4.7).

`python -m pyaistore.server.transform_server --spec FILE --port N --parent PID`. Class ETLs
(`init_class`) serve through their own ETLServer (its host and port set to ours); code ETLs
(`init_code`) are served here with the standard library:

- `GET /health` -> 200 "Running";
- hpush: `PUT|POST /<bucket>/<object>[?etl_fqn=<path>]`: the body (or the local file) in,
  the transformed bytes out;
- hpull: `GET /<escaped uname>[?etl_fqn=...]`: the server reads the file, or pulls the object
  from `${AIS_TARGET_URL}/<escaped uname>`;
- io: like hpush, but each object runs the module with the object on stdin.

Whole-object transforms answer with Content-Length; chunked ones stream (chunked encoding), so
output leaves before the input is read. A failure before the first byte is a 500 with a
one-line reason; after it the connection is cut, so the target never takes a partial object.
The process exits when its parent (the target) is gone.
"""

import argparse
import json
import os
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from pyaistore.etl import worker_main
from pyaistore.wire import etl as wire_etl
from pyaistore.wire import headers, query

LOOPBACK: Final = "127.0.0.1"
READ_CHUNK: Final = 1 << 20


class _Source:
    """The request's object: a local file, the request body (sized or chunked), or a pulled URL."""

    def __init__(self, stream: Any, length: int | None, chunked: bool) -> None:
        self._stream, self._left, self._chunked, self._chunk_left = stream, length, chunked, 0
        self._done = False

    def read(self, size: int) -> bytes:
        """Up to `size` bytes; b"" at the end."""
        if self._done:
            return b""
        if self._chunked:
            return self._read_chunked(size)
        if self._left is not None:
            size = min(size, self._left)
            if size == 0:
                return b""
        data: bytes = self._stream.read(size)
        if self._left is not None:
            self._left -= len(data)
        return data

    def _read_chunked(self, size: int) -> bytes:
        if self._chunk_left == 0:
            line = self._stream.readline().split(b";", 1)[0].strip()
            self._chunk_left = int(line or b"0", 16)
            if self._chunk_left == 0:
                while self._stream.readline() not in (b"\r\n", b"\n", b""):
                    pass
                self._done = True
                return b""
        data: bytes = self._stream.read(min(size, self._chunk_left))
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._stream.readline()
        return data


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Replies go out as headers then body: with Nagle on, the body waits for the target's
    # delayed ACK of the headers (up to 40 ms per object on a kept-alive connection).
    disable_nagle_algorithm = True
    server: "_CodeServer"

    def log_message(self, format: str, *args: Any) -> None:
        """Only errors are logged (by send_error), not every request."""

    def do_GET(self) -> None:
        """Health, or hpull."""
        if urlsplit(self.path).path == wire_etl.HEALTH_PATH:
            self._reply(200, wire_etl.HEALTH_BODY)
            return
        self._transform(pull=True)

    def do_PUT(self) -> None:
        """hpush (and io)."""
        self._transform(pull=False)

    do_POST = do_PUT

    def _transform(self, pull: bool) -> None:
        parts = urlsplit(self.path)
        fqn = (parse_qs(parts.query).get(query.ETL_FQN) or [""])[0]
        try:
            source = self._open_source(parts.path, unquote(fqn), pull)
        except OSError as exc:
            self.close_connection = True
            self._reply(404, f"cannot read the object: {exc}".encode())
            return
        if source is None:
            return
        if self.server.io_script:
            self._stream_out(self._io_output(source))
        else:
            self._stream_out(worker_main.apply(self.server.function, source.read, self.server.chunk_size))

    def _open_source(self, path: str, fqn: str, pull: bool) -> _Source | None:
        if fqn:
            return _Source(open(fqn, "rb"), None, chunked=False)
        if pull:
            url = os.environ.get(wire_etl.ENV_TARGET_URL, "") + path
            try:
                reply = urllib.request.urlopen(url, timeout=self.server.obj_timeout)
            except urllib.error.HTTPError as exc:
                self._reply(exc.code, f"hpull: GET {url} failed: {exc.read()[:500]!r}".encode())
                return None
            return _Source(reply, None, chunked=False)
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        length = int(self.headers.get(headers.CONTENT_LENGTH) or 0)
        return _Source(self.rfile, None if chunked else length, chunked)

    def _io_output(self, source: _Source) -> Iterator[bytes]:
        """Run the io module for this object, yielding its stdout as it comes (bounded queue)."""
        pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        failure: list[BaseException] = []
        script, timeout = self.server.io_script, self.server.obj_timeout

        def run() -> None:
            try:
                worker_main.run_io(sys.executable, script, source.read, pieces.put, timeout)
            except BaseException as exc:
                failure.append(exc)
            finally:
                pieces.put(None)

        threading.Thread(target=run, daemon=True).start()
        while (piece := pieces.get()) is not None:
            yield piece
        if failure:
            raise failure[0]

    def _stream_out(self, pieces: Iterator[bytes]) -> None:
        """Send the transform's output: a 500 if it fails before the first piece, else stream it."""
        try:
            first = next(pieces, None)
        except Exception as exc:
            self.close_connection = True
            self._reply(500, worker_main.describe_exception(exc).encode())
            return
        if self.server.chunk_size <= 0 and not self.server.io_script:
            self._reply(200, first or b"")
            return
        self.send_response(200)
        self.send_header(headers.CONTENT_TYPE, headers.OCTET_TYPE)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            if first:
                self._write_chunk(first)
            for piece in pieces:
                if piece:
                    self._write_chunk(piece)
        except Exception as exc:
            # Headers are out: cut the connection so the target sees an incomplete reply.
            sys.stderr.write(f"transform failed mid-stream: {worker_main.describe_exception(exc)}\n")
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        content_type = headers.OCTET_TYPE if status < 400 else headers.TEXT_TYPE
        self.send_header(headers.CONTENT_TYPE, content_type)
        self.send_header(headers.CONTENT_LENGTH, str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class _CodeServer(ThreadingHTTPServer):
    daemon_threads = True
    function: Callable[..., Any]
    chunk_size: int = 0
    obj_timeout: float = 10.0
    io_script: str = ""


def _watch_parent(parent: int) -> None:
    """Exit as soon as the target that started us is gone (we were re-parented)."""
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(1.0)


def serve(spec: dict[str, Any], port: int) -> None:
    """Serve one ETL on 127.0.0.1:`port` until terminated."""
    if spec["kind"] == "class":
        server = worker_main.load_class_server(spec["class_payload"])
        server.host, server.port = LOOPBACK, port
        server.start()
        return
    httpd = _CodeServer((LOOPBACK, port), _Handler)
    httpd.chunk_size = int(spec.get("chunk_size") or 0)
    httpd.obj_timeout = float(spec.get("obj_timeout") or 10.0)
    if spec["comm"] == wire_etl.IO:
        compile(spec["code"], "<etl transform>", "exec")
        httpd.io_script = spec["io_script"]
    else:
        httpd.function = worker_main.load_function(spec["code"], spec["func_name"])
    httpd.serve_forever()


def main(argv: list[str] | None = None) -> None:
    """Entry point of a transform-server child process."""
    parser = argparse.ArgumentParser(prog="pyaistore-transform-server")
    parser.add_argument("--spec", required=True, help="JSON file describing the ETL")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True, help="PID of the target; exit when it is gone")
    args = parser.parse_args(argv)
    threading.Thread(target=_watch_parent, args=(args.parent,), daemon=True).start()
    with open(args.spec) as stream:
        spec = json.load(stream)
    serve(spec, args.port)


if __name__ == "__main__":
    main()

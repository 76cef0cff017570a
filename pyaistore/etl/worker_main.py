"""The child's side of an ETL, without HTTP: load the user's code and apply it to one object.

A transform-server process (pyaistore.server.transform_server) calls these. User code runs
only in such child processes, never in a storage process.

- code ETLs: the base64 module defines `transform`; whole objects (chunk_size 0) go in one
  call, otherwise each chunk of chunk_size bytes goes in its own call and every returned
  piece is sent on at once (streaming). A function taking two parameters also gets a context
  dict per object, and `context["result"]` is sent at the end, as AIS's python runtime did.
- io ETLs: the module reads stdin and writes stdout; each object runs it in a fresh process.
- class ETLs: the cloudpickled ETLServer subclass is loaded and serves HTTP itself.
"""

import base64
import functools
import inspect
import os
import subprocess
import threading
import traceback
import types
from collections.abc import Callable, Iterator
from typing import IO, Any, Final

__all__ = ["TransformError", "apply", "describe_exception", "load_class_server", "load_function", "run_io"]

BYTES_LIKE: Final = (bytes, bytearray, memoryview)
IO_PIPE_CHUNK: Final = 64 * 1024
# Legacy runtime contract: a two-parameter transform may leave its output in context["result"].
CONTEXT_RESULT: Final = "result"

Reader = Callable[[int], bytes]


class TransformError(Exception):
    """The user's transform failed or returned something other than bytes."""


def load_function(code: str, func_name: str) -> Callable[..., Any]:
    """Run the module text and return its transform function."""
    module = types.ModuleType("etl_transform")
    exec(compile(code, "<etl transform>", "exec"), module.__dict__)
    function = module.__dict__.get(func_name)
    if not callable(function):
        raise TransformError(f"the ETL code defines no function {func_name!r}")
    return function  # type: ignore[no-any-return]


def load_class_server(payload: str) -> Any:
    """Unpickle the ETLServer subclass shipped by `init_class` and instantiate it."""
    import cloudpickle

    cls = cloudpickle.loads(base64.b64decode(payload))
    return cls()


def apply(function: Callable[..., Any], read: Reader, chunk_size: int) -> Iterator[bytes]:
    """Yield the transformed object; `read(n)` gives up to n input bytes, b"" at the end."""
    with_context = _positional_params(function) >= 2
    context: dict[str, Any] = {}
    if chunk_size <= 0:
        data = _read_all(read)
        result = function(data, context) if with_context else function(data)
        yield _checked(context.get(CONTEXT_RESULT) if result is None and with_context else result)
        return
    while True:
        chunk = _read_exactly(read, chunk_size)
        if not chunk:
            break
        piece = function(chunk, context) if with_context else function(chunk)
        if piece is not None:
            yield _checked(piece)
    if with_context and context.get(CONTEXT_RESULT) is not None:
        yield _checked(context[CONTEXT_RESULT])


def run_io(python: str, script: str, read: Reader, write: Callable[[bytes], None], timeout: float) -> None:
    """Run the io-style module file in a fresh process: the object on stdin, its stdout to `write`."""
    proc = subprocess.Popen(
        [python, script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    feeder = threading.Thread(target=_feed, args=(read, proc.stdin), daemon=True)
    feeder.start()
    errors: list[bytes] = []
    drainer = threading.Thread(target=lambda: errors.append(proc.stderr.read() if proc.stderr else b""))
    drainer.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        while chunk := os.read(proc.stdout.fileno(), IO_PIPE_CHUNK):
            write(chunk)
        code_ = proc.wait()
    finally:
        timer.cancel()
        proc.kill()
        drainer.join()
    if code_ != 0:
        tail = b"".join(errors).decode(errors="replace").strip().splitlines()[-3:]
        raise TransformError(f"the io transform exited with code {code_}: {' | '.join(tail)}")


def describe_exception(exc: BaseException) -> str:
    """One line: the exception and where in the user's code it was raised."""
    if isinstance(exc, TransformError):
        return str(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"transform raised {type(exc).__name__}: {exc}{where}"


def _feed(read: Reader, sink: IO[bytes]) -> None:
    """Copy the input into the io process's stdin, then close it."""
    try:
        while chunk := read(IO_PIPE_CHUNK):
            sink.write(chunk)
    except (BrokenPipeError, OSError):
        pass
    finally:
        try:
            sink.close()
        except OSError:
            pass


def _checked(value: Any) -> bytes:
    """The transform's output as bytes; TransformError for any other type."""
    if isinstance(value, BYTES_LIKE):
        return bytes(value)
    raise TransformError(f"transform returned {type(value).__name__}, expected bytes")


def _read_all(read: Reader) -> bytes:
    parts = []
    while chunk := read(1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def _read_exactly(read: Reader, size: int) -> bytes:
    """Up to `size` bytes: fewer only at the end of the input."""
    parts, have = [], 0
    while have < size:
        chunk = read(size - have)
        if not chunk:
            break
        parts.append(chunk)
        have += len(chunk)
    return b"".join(parts)


def _positional_params(function: Callable[..., Any]) -> int:
    """How many positional parameters the function takes (1 when unknown), worked out once per function."""
    try:
        return _cached_positional_params(function)
    except TypeError:  # an unhashable callable object
        return _count_positional_params(function)


@functools.lru_cache(maxsize=16)
def _cached_positional_params(function: Callable[..., Any]) -> int:
    return _count_positional_params(function)


def _count_positional_params(function: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 1
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return 1
    return sum(1 for p in params if p.kind in kinds)

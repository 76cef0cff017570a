"""Applying user transforms in a child: whole objects, chunks, legacy context, type checks, io."""

import io
import sys
from pathlib import Path

import pytest

from pyaistore.etl import worker_main


def _reader(data: bytes, piece: int = 3) -> worker_main.Reader:
    stream = io.BytesIO(data)
    return lambda n: stream.read(min(n, piece))


def test_whole_object() -> None:
    out = worker_main.apply(lambda data: data.upper(), _reader(b"hello world"), 0)
    assert list(out) == [b"HELLO WORLD"]


def test_chunks_of_exactly_chunk_size_even_from_short_reads() -> None:
    out = worker_main.apply(lambda chunk: b"<" + chunk + b">", _reader(b"abcdefghij", piece=3), 4)
    assert list(out) == [b"<abcd>", b"<efgh>", b"<ij>"]


def test_legacy_context_result() -> None:
    def count(chunk: bytes, context: dict[str, object]) -> None:
        seen = int(context.get("seen", 0)) + len(chunk)  # type: ignore[call-overload]
        context["seen"], context["result"] = seen, str(seen).encode()

    assert list(worker_main.apply(count, _reader(b"x" * 10), 4)) == [b"10"]


def test_wrong_output_type_is_a_transform_error() -> None:
    with pytest.raises(worker_main.TransformError, match="returned str, expected bytes"):
        list(worker_main.apply(lambda data: data.decode(), _reader(b"abc"), 0))


def test_describe_exception_names_the_error_and_place() -> None:
    def boom(data: bytes) -> bytes:
        raise ValueError("no thanks")

    try:
        list(worker_main.apply(boom, _reader(b"abc"), 0))
    except ValueError as exc:
        text = worker_main.describe_exception(exc)
    assert text.startswith("transform raised ValueError: no thanks (at ")
    assert "in boom" in text


def test_load_function_from_module_text() -> None:
    function = worker_main.load_function("def shout(data):\n    return data.upper()\n", "shout")
    assert function(b"hi") == b"HI"
    with pytest.raises(worker_main.TransformError):
        worker_main.load_function("x = 1\n", "transform")


def test_io_runs_the_module_with_the_object_on_stdin(tmp_path: Path) -> None:
    script = tmp_path / "io.py"
    script.write_text("import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read()[::-1])\n")
    out: list[bytes] = []
    worker_main.run_io(sys.executable, str(script), _reader(b"abcdef"), out.append, timeout=10)
    assert b"".join(out) == b"fedcba"
    script.write_text("import sys\nsys.exit('broken io transform')\n")
    with pytest.raises(worker_main.TransformError, match="broken io transform"):
        worker_main.run_io(sys.executable, str(script), _reader(b""), out.append, timeout=10)

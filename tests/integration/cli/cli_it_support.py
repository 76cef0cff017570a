"""Helpers for the CLI integration tests (a module with a unique name, so tests can import it)."""

import secrets
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from pyaistore.cli.main import cli
from pyaistore.sdk import Bucket


def unique_name(tag: str = "b") -> str:
    """A bucket name no other test uses."""
    return f"cli-{tag}-{secrets.token_hex(5)}"


def etl_name(tag: str) -> str:
    """An ETL name no other test uses (6-32 characters of a-z, 0-9 and '-')."""
    return f"cli-{tag}-{secrets.token_hex(3)}"


def fill(bucket: Bucket, names: list[str], max_size: int = 5000) -> dict[str, bytes]:
    """Store random content (0 to max_size bytes) under each name; return name -> bytes."""
    contents = {name: secrets.token_bytes(secrets.randbelow(max_size + 1)) for name in names}
    for name, content in contents.items():
        bucket.object(name).get_writer().put_content(content)
    return contents


def contents_of(bucket: Bucket, prefix: str = "") -> dict[str, bytes]:
    """Every object under a prefix as name -> bytes."""
    return {
        entry.name: bucket.object(entry.name).get_reader().read_all()
        for entry in bucket.list_objects_iter(prefix=prefix)
    }


class CliRun:
    """Runs `pyaistore --endpoint URL ...` in-process and returns click's Result.

    An exception that is not a clean exit (a bug, not a handled error) is re-raised, so a
    test never mistakes a traceback for an error message.

    Args:
        endpoint: the cluster's proxy URL passed as --endpoint.
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def __call__(self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None) -> Result:
        """Run the command line `args` against the endpoint."""
        return self.raw("--endpoint", self.endpoint, *args, stdin=stdin, env=env)

    def raw(self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None) -> Result:
        """Run the command line `args` without adding --endpoint."""
        result = CliRunner().invoke(cli, list(args), input=stdin, env=dict(env or {}), prog_name="pyaistore")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


def make_tree(root: Path) -> dict[str, bytes]:
    """A small directory tree with nested, empty, binary and oddly named files; returns path -> bytes."""
    files = {
        "top.txt": b"top level\n",
        "empty.bin": b"",
        "a/one.txt": b"one\n" * 100,
        "a/b/deep.bin": secrets.token_bytes(300_000),
        "a/b/c/deeper.txt": "ünïcode ✓\n".encode(),
        "odd names/[x] :y: #1.txt": b"brackets, colons, spaces\n",
    }
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / "empty-dir").mkdir()
    return files


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under root as relative path (with `/`) -> bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }

"""`pyaistore etl ...`: define ETLs from a Python file, list and inspect them, read logs, stop, start, remove.

ETLs are applied with `pyaistore object get --etl NAME` (inline) and `pyaistore bucket transform`
(bucket to bucket, as a job).
"""

import ast
import base64
import binascii
import contextlib
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup, about
from pyaistore.cli.refs import ETL, EtlRef
from pyaistore.cli.render import Column, human_size, print_json, print_properties, print_records
from pyaistore.sdk.errors import AISError, ErrETLNotFound
from pyaistore.sdk.etl.etl_const import ETL_STAGE_RUNNING
from pyaistore.sdk.types import ETLInfo

__all__ = ["etl", "require_running"]

_COMMUNICATIONS: Final = ("hpush", "hpull", "io")
_FUNCTION: Final = "transform"
# io ETLs run the module as a script, object on stdin, result on stdout; the SDK then calls a
# no-argument transform(). This keeps the file's contract the same for every communication type.
_IO_ADAPTER: Final = """

def _pyaistore_io_main(_transform=transform):
    import sys

    sys.stdout.buffer.write(_transform(sys.stdin.buffer.read()))
    sys.stdout.buffer.flush()


transform = _pyaistore_io_main
"""
# Statuses of a cluster without the logs route: not found, method not allowed, not implemented.
_NO_ROUTE: Final = frozenset(
    {HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.NOT_IMPLEMENTED}
)
_ETL_COLUMNS: Final = (
    Column("name", "NAME"),
    Column("stage", "STAGE"),
    Column("job", "JOB ID"),
    Column("objects", "OBJECTS", justify="right"),
    Column("in_bytes", "IN", human_size, "right"),
    Column("out_bytes", "OUT", human_size, "right"),
)
_ERROR_COLUMNS: Final = (
    Column("obj_name", "OBJECT"),
    Column("ecode", "STATUS", justify="right"),
    Column("msg", "ERROR"),
)


@click.group(cls=SdkGroup)
def etl() -> None:
    """Define ETLs (Python transforms the cluster runs), inspect, stop, start and remove them.

    Apply one with `pyaistore object get --etl NAME ...` or `pyaistore bucket transform`.
    """


def require_running(app: CliContext, ref: EtlRef) -> None:
    """Check that an ETL exists and runs, before a read or job names it.

    Otherwise the cluster's 404 would read as a missing object or bucket.

    Raises:
        ErrETLNotFound: the ETL does not exist.
        click.ClickException: it exists but is stopped.
    """
    app.client.etl(ref.name).view()
    stage = next((info.stage for info in app.client.etl().list(stages=()) if info.id == ref.name), "")
    if stage != ETL_STAGE_RUNNING:
        raise click.ClickException(
            f"ETL {ref} is not running ({stage or 'no stage'}): start it with `pyaistore etl start {ref}`"
        )


def _load_source(path: Path) -> str:
    """The transform file's text, after checking that it parses and defines `transform`."""
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise click.BadParameter(f"{path}:{exc.lineno}: {exc.msg}", param_hint="--from-file") from None
    if not any(_defines_transform(node) for node in tree.body):
        raise click.BadParameter(
            f"{path} defines no top-level function `{_FUNCTION}(data: bytes) -> bytes`",
            param_hint="--from-file",
        )
    return source


def _defines_transform(node: ast.stmt) -> bool:
    """True for `def transform(...)` or `transform = ...` at module level."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name == _FUNCTION
    if isinstance(node, ast.Assign):
        return any(isinstance(target, ast.Name) and target.id == _FUNCTION for target in node.targets)
    if isinstance(node, ast.ImportFrom):
        return any((alias.asname or alias.name) == _FUNCTION for alias in node.names)
    return False


def _requirements(path: Path | None) -> list[str]:
    """The requirement lines of a requirements file (comments and blank lines dropped)."""
    if path is None:
        return []
    lines = (line.split(" #", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _default_name(path: Path) -> str:
    """An ETL name from the file name: `upper_case.py` -> `upper-case`."""
    return path.stem.lower().replace("_", "-").replace(".", "-")


@etl.command("init")
@click.option(
    "--from-file",
    "source_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Python file defining transform(data: bytes) -> bytes.",
)
@click.option("--name", default=None, help="The ETL's name: 6-32 of a-z, 0-9, '-' (default: from the file).")
@click.option(
    "--comm",
    type=click.Choice(_COMMUNICATIONS),
    default="hpush",
    show_default=True,
    help="How targets hand objects to the transform: HTTP push, HTTP pull, or stdin/stdout (io).",
)
@click.option(
    "--deps",
    "deps_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="requirements.txt of pip packages the transform needs (installed on the cluster).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help="Call transform on pieces of this many bytes, streaming (default: whole objects).",
)
@click.option("--timeout", default="5m", show_default=True, help="Time allowed to start the ETL.")
@click.option("--obj-timeout", default="45s", show_default=True, help="Time allowed per object.")
@click.pass_obj
def init(
    app: CliContext,
    source_path: Path,
    name: str | None,
    comm: str,
    deps_path: Path | None,
    chunk_size: int | None,
    timeout: str,
    obj_timeout: str,
) -> None:
    """Define and start an ETL from a Python file that defines `transform`.

    The file is shipped to the cluster as is (with its imports and helper functions) and must
    define `transform(data: bytes) -> bytes`: it gets an object's content and returns the
    new content, whatever --comm is. Imports of packages the cluster lacks go in --deps.

    \b
    Example transform.py:
      import hashlib

    \b
      def transform(data: bytes) -> bytes:
          return hashlib.md5(data).hexdigest().encode()

    With `--chunk-size N` the function is called once per piece of N bytes and each piece it
    returns is sent on at once (streaming).

    \b
    Example:
      pyaistore etl init --from-file transform.py --name md5-etl
      pyaistore etl init --from-file upper_case.py --comm io --deps requirements.txt
    """
    source = _load_source(source_path)
    if comm == "io":
        source += _IO_ADAPTER
    etl_name = name or _default_name(source_path)
    about(EtlRef(etl_name))
    with _spinner(app, f"starting ETL {etl_name} on every target ..."):
        try:
            app.client.etl(etl_name).init_code(
                source,
                dependencies=_requirements(deps_path),
                communication_type=comm,
                timeout=timeout,
                chunk_size=chunk_size,
                obj_timeout=obj_timeout,
            )
        except ValueError as exc:  # the SDK's name check
            raise click.BadParameter(str(exc), param_hint="--name") from None
    app.out.print(f"ETL {etl_name} is running ({comm}, from {source_path})")


@contextlib.contextmanager
def _spinner(app: CliContext, text: str) -> Iterator[None]:
    """A spinner on a terminal's stderr while the cluster works; nothing otherwise."""
    if not app.err.is_terminal:
        yield
        return
    with app.err.status(text):
        yield


@etl.command("ls")
@click.pass_obj
def list_etls(app: CliContext) -> None:
    """List every defined ETL with its stage (Running, or Aborted once stopped) and counters.

    \b
    Example:
      pyaistore etl ls
    """
    records = [_etl_record(info) for info in app.client.etl().list(stages=())]
    print_records(app.out, _ETL_COLUMNS, records, as_json=app.as_json, caption=f"{len(records)} ETL(s)")


def _etl_record(info: ETLInfo) -> dict[str, Any]:
    """One ETL as a table row / JSON object."""
    return {
        "name": info.id,
        "stage": info.stage,
        "job": info.xaction_id,
        "objects": info.obj_count,
        "in_bytes": info.in_bytes,
        "out_bytes": info.out_bytes,
    }


@etl.command("show")
@click.argument("ref", metavar="NAME", type=ETL)
@click.pass_obj
def show(app: CliContext, ref: EtlRef) -> None:
    """Show an ETL's definition, its stage and the errors it recorded on objects.

    \b
    Example:
      pyaistore etl show md5-etl
    """
    details = app.client.etl(ref.name).view()
    stage = next((info.stage for info in app.client.etl().list(stages=()) if info.id == ref.name), "")
    message = details.init_msg
    if app.as_json:
        print_json(
            app.out,
            {"name": ref.name, "stage": stage, **_readable(message), "obj_errors": details.obj_errors},
        )
        return
    print_properties(app.out, _definition_rows(ref.name, stage, message), raw=message)
    if details.obj_errors:
        print_records(
            app.out, _ERROR_COLUMNS, details.obj_errors, caption=f"{len(details.obj_errors)} error(s)"
        )


def _decoded(text: Any) -> str:
    """A base64 field of the init message as text ("" if it is not base64 text)."""
    try:
        return base64.b64decode(str(text or ""), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _readable(message: Mapping[str, Any]) -> dict[str, Any]:
    """The init message with dependencies decoded and the code replaced by its size."""
    readable = dict(message)
    if "dependencies" in readable:
        readable["dependencies"] = _decoded(readable["dependencies"]).splitlines()
    if "code" in readable:
        readable["code"] = f"{len(_decoded(readable['code']))} characters"
    return readable


def _definition_rows(name: str, stage: str, message: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The PROPERTY/VALUE rows of `etl show`."""
    readable = _readable(message)
    runtime = readable.get("runtime", "")
    rows = [
        ("name", name),
        ("stage", stage),
        ("communication", str(readable.get("communication", ""))),
        ("runtime", str(runtime.get("image", "")) if isinstance(runtime, Mapping) else str(runtime)),
        ("init timeout", str(readable.get("init_timeout", ""))),
        ("object timeout", str(readable.get("obj_timeout", ""))),
        ("chunk size", str(readable.get("chunk_size") or "whole objects")),
        ("dependencies", ", ".join(readable.get("dependencies", []))),
    ]
    if "code" in readable:
        rows.append(("code", str(readable["code"])))
    return rows


@etl.command("logs")
@click.argument("ref", metavar="NAME", type=ETL)
@click.option(
    "--target", "target_id", default="", help="Only this target's logs (IDs: `pyaistore cluster show`)."
)
@click.pass_obj
def logs(app: CliContext, ref: EtlRef, target_id: str) -> None:
    """Show what an ETL's transform processes wrote (stdout, stderr), per target.

    \b
    Example:
      pyaistore etl logs md5-etl
      pyaistore etl logs md5-etl --target t1
    """
    try:
        entries = app.client.etl(ref.name).logs(target_id=target_id)
    except AISError as exc:
        if not isinstance(exc, ErrETLNotFound) and exc.status_code not in _NO_ROUTE:
            raise
        app.client.etl(ref.name).view()  # the ETL itself is missing: that error says so
        raise click.ClickException(
            f"the cluster at {app.endpoint} does not serve ETL logs (GET /v1/etl/{ref}/logs)"
        ) from exc
    if app.as_json:
        print_json(app.out, [{"target_id": entry.target_id, "logs": entry.logs} for entry in entries])
        return
    for entry in entries:
        app.out.print(f"=== target {entry.target_id} ===")
        app.out.print(entry.logs.rstrip("\n") or "(no output)")


@etl.command("stop")
@click.argument("ref", metavar="NAME", type=ETL)
@click.pass_obj
def stop(app: CliContext, ref: EtlRef) -> None:
    """Stop an ETL's processes; its definition stays, so `etl start` runs it again.

    \b
    Example:
      pyaistore etl stop md5-etl
    """
    app.client.etl(ref.name).stop()
    app.out.print(f"stopped ETL {ref}")


@etl.command("start")
@click.argument("ref", metavar="NAME", type=ETL)
@click.pass_obj
def start(app: CliContext, ref: EtlRef) -> None:
    """Start a stopped ETL again.

    \b
    Example:
      pyaistore etl start md5-etl
    """
    with _spinner(app, f"starting ETL {ref} on every target ..."):
        app.client.etl(ref.name).start()
    app.out.print(f"ETL {ref} is running")


@etl.command("rm")
@click.argument("ref", metavar="NAME", type=ETL)
@click.option("--force", is_flag=True, help="Stop the ETL first if it is running.")
@click.pass_obj
def remove(app: CliContext, ref: EtlRef, force: bool) -> None:
    """Remove a stopped ETL's definition (with --force, stop it first if it runs).

    \b
    Example:
      pyaistore etl rm md5-etl --force
    """
    handle = app.client.etl(ref.name)
    if force:
        handle.view()  # a missing ETL is an error, with or without --force
        if any(info.id == ref.name for info in handle.list()):
            handle.stop()
    handle.delete()
    app.out.print(f"removed ETL {ref}")

"""`pyaistore object ...`: put, get, list, inspect, print and delete objects."""

import os
from collections.abc import Callable, Mapping
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any, Final

import click

from pyaistore.cli import selection
from pyaistore.cli.archive_cmds import get as archive_get
from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup, describe
from pyaistore.cli.etl_cmds import require_running
from pyaistore.cli.job_watch import follow, report, wait_options
from pyaistore.cli.refs import ETL, OBJECT, BucketRef, EtlRef, ObjectRef
from pyaistore.cli.render import (
    Column,
    TransferProgress,
    human_size,
    print_properties,
    print_records,
    unix_ns_to_date,
)
from pyaistore.cli.transfer import (
    Download,
    Upload,
    download_to_file,
    plan_download,
    plan_upload,
    run_all,
    stream_to_stdout,
    upload_file,
)
from pyaistore.sdk import ETLConfig
from pyaistore.sdk.errors import AISError
from pyaistore.sdk.types import BucketEntry

__all__ = ["object_group"]

_LIST_COLUMNS: Final[Mapping[str, Column]] = {
    "name": Column("name", "NAME"),
    "size": Column("size", "SIZE", human_size, "right"),
    "atime": Column("atime", "ATIME"),
    "checksum": Column("checksum", "CHECKSUM"),
    "version": Column("version", "VERSION", justify="right"),
    "copies": Column("copies", "COPIES", justify="right"),
    "custom": Column("custom", "CUSTOM"),
    "location": Column("location", "LOCATION"),
}
_ETL_OPTION: Final = click.option(
    "--etl",
    "etl",
    metavar="NAME",
    type=ETL,
    default=None,
    help="Transform the content on the way out with this ETL (see `pyaistore etl`).",
)
_TEMPLATE_OPTION: Final = click.option(
    "--template", metavar="TEMPLATE", default=None, help="Names to transfer, e.g. 'shard-{000..099}.tar'."
)
_LIST_OPTION: Final = click.option(
    "--list", "listed", metavar="NAMES", default=None, help="Comma-separated names to transfer."
)
_JOBS_OPTION: Final = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Files transferred at the same time (recursive transfers).",
)


@click.group("object", cls=SdkGroup)
def object_group() -> None:
    """Put, get, list, inspect, print and delete objects.

    An object is named `BUCKET/NAME` or `ais://BUCKET/NAME`; a name ending in `/` is a
    virtual directory (a prefix).
    """


def _require_name(ref: ObjectRef) -> ObjectRef:
    """Refuse a bucket or prefix where one object is needed (a usage error)."""
    if ref.is_prefix:
        raise click.BadParameter(f"{ref} names no object; expected BUCKET/NAME", param_hint="'BUCKET/NAME'")
    return ref


@object_group.command("put")
@click.argument("source", metavar="SRC", type=click.Path(exists=True, path_type=Path))
@click.argument("destination", metavar="BUCKET[/NAME]", type=OBJECT)
@click.option("-r", "--recursive", is_flag=True, help="Upload a directory and everything under it.")
@_TEMPLATE_OPTION
@_LIST_OPTION
@_JOBS_OPTION
@click.pass_obj
def put(
    app: CliContext,
    source: Path,
    destination: ObjectRef,
    recursive: bool,
    template: str | None,
    listed: str | None,
    jobs: int,
) -> None:
    """Upload a file, or a directory with --recursive, or the files of SRC that --template/--list name.

    A file is stored as NAME; without NAME (or with NAME ending in `/`) it keeps its file name.
    A directory's files are named by their paths relative to SRC, under NAME as a prefix.

    \b
    Example:
      pyaistore object put cat.jpg photos                 # -> ais://photos/cat.jpg
      pyaistore object put cat.jpg ais://photos/pets/tom.jpg
      pyaistore object put -r ./dataset ais://train/v1/    # -> ais://train/v1/<relative path>
      pyaistore put ./shards ais://train/ --template 'shard-{000..099}.tar'
      pyaistore put ./docs ais://docs/ --list 'a.txt,b.txt'
    """
    names = selection.selected_names(template, listed)
    if names is not None:
        selection.upload_selected(app, source, destination, names, jobs, _no_such_file(source))
        return
    if source.is_dir():
        if not recursive:
            raise click.UsageError(f"{source} is a directory: add --recursive to upload everything in it")
        prefix = destination.name if destination.is_prefix else destination.name + "/"
        uploads = plan_upload(source, prefix)
        where = ObjectRef(destination.bucket, prefix)
    elif not source.is_file():
        raise click.UsageError(f"{source} is neither a regular file nor a directory")
    else:
        name = destination.name + source.name if destination.is_prefix else destination.name
        uploads = [Upload(source, name, source.stat().st_size)]
        where = ObjectRef(destination.bucket, name)
    if not uploads:
        app.err.print(f"{source} holds no files; nothing to upload")
        return
    _upload(app, destination.bucket, uploads, jobs)
    total = sum(upload.size for upload in uploads)
    app.out.print(f"uploaded {_count(len(uploads), 'file')} ({human_size(total)}) to {where}")


def _no_such_file(source: Path) -> Callable[[str], None]:
    def missing(name: str) -> None:
        raise click.ClickException(f"{source / name}: no such file")

    return missing


def _upload(app: CliContext, bucket_ref: BucketRef, uploads: list[Upload], jobs: int) -> None:
    """Upload files, with a progress bar over files and bytes."""
    bucket = app.get_bucket(bucket_ref)
    total = sum(upload.size for upload in uploads)
    with TransferProgress(app.err, "uploading", len(uploads), total) as progress:

        def work(upload: Upload) -> None:
            upload_file(bucket.object(upload.name), upload.path, progress.advance)
            progress.advance(files=1)

        run_all(uploads, work, jobs)


@object_group.command("get")
@click.argument("source", metavar="BUCKET/NAME", type=OBJECT)
@click.argument("destination", metavar="[DEST]", required=False)
@click.option(
    "--prefix", "as_prefix", is_flag=True, help="Download every object whose name starts with NAME."
)
@click.option("--archpath", metavar="PATH", default=None, help="Read the file PATH out of the shard NAME.")
@_TEMPLATE_OPTION
@_LIST_OPTION
@_ETL_OPTION
@_JOBS_OPTION
@click.pass_context
def get(
    ctx: click.Context,
    source: ObjectRef,
    destination: str | None,
    as_prefix: bool,
    archpath: str | None,
    template: str | None,
    listed: str | None,
    etl: EtlRef | None,
    jobs: int,
) -> None:
    """Download an object to a file, or every object under a prefix to a directory.

    One object goes to DEST (a file, or an existing directory), by default to its base name in
    the current directory; DEST `-` writes it to standard output. With --prefix, or a NAME ending
    in `/`, the objects under the prefix go to the directory DEST (default: `.`), named by their
    paths relative to the prefix's directory. Files appear only when complete. With --etl NAME
    each object arrives transformed by that ETL.

    \b
    Example:
      pyaistore object get photos/cat.jpg                  # -> ./cat.jpg
      pyaistore object get ais://photos/cat.jpg - | file -
      pyaistore object get ais://train/v1/ ./dataset        # the whole prefix
      pyaistore object get ais://docs/a.txt a.upper.txt --etl upper-case
      pyaistore get ais://shards/train-000.tar --archpath img-007.jpg
      pyaistore get ais://train --template 'shard-{000..009}.tar' ./shards
    """
    app: CliContext = ctx.obj
    if archpath is not None:
        ctx.invoke(archive_get, ref=source, path=archpath, destination=destination)
        return
    names = selection.selected_names(template, listed)
    if names is not None:
        selection.download_selected(app, source, names, Path(destination or "."), jobs)
        return
    etl_config = _etl_config(app, etl)
    if as_prefix or source.is_prefix:
        if destination == "-":
            raise click.UsageError("many objects cannot go to standard output: name a directory as DEST")
        _download_prefix(app, source, Path(destination or "."), jobs, etl_config)
    elif destination == "-":
        stream_to_stdout(app.get_object(source), etl=etl_config)
    else:
        _download_one(app, source, _local_path(source, destination), etl_config)


def _etl_config(app: CliContext, etl: EtlRef | None) -> ETLConfig | None:
    """The ETL to read through, after checking that it runs."""
    if etl is None:
        return None
    require_running(app, etl)
    return ETLConfig(etl.name)


def _local_path(source: ObjectRef, destination: str | None) -> Path:
    """Where one object goes: DEST, DEST/<base name> for a directory, or ./<base name>."""
    base_name = PurePosixPath(source.name).name
    if destination is not None and not Path(destination).is_dir() and not destination.endswith(os.sep):
        return Path(destination)
    if base_name in ("", ".", ".."):
        raise click.ClickException(f"{source} has no usable file name: give DEST as a file path")
    return Path(destination or ".") / base_name


def _download_one(app: CliContext, source: ObjectRef, path: Path, etl: ETLConfig | None = None) -> None:
    """Download one object to a file, with a progress bar on a terminal."""
    obj = app.get_object(source)
    # An ETL changes the size: then the bar counts bytes without a total.
    size = obj.head().size if app.err.is_terminal and etl is None else 0
    with TransferProgress(app.err, "downloading", 1, size) as progress:
        written = download_to_file(obj, path, progress.advance, etl=etl)
        progress.advance(files=1)
    app.out.print(f"downloaded {source} ({human_size(written)}) to {path}")


def _download_prefix(
    app: CliContext, source: ObjectRef, directory: Path, jobs: int, etl: ETLConfig | None = None
) -> None:
    """Download every object under a prefix into a directory."""
    bucket = app.get_bucket(source.bucket)
    downloads = plan_download(bucket.list_objects_iter(prefix=source.name), source.name, directory)
    if not downloads:
        raise click.ClickException(f"no objects under {source}")
    total = sum(download.size for download in downloads)
    with TransferProgress(app.err, "downloading", len(downloads), total) as progress:

        def work(download: Download) -> None:
            download_to_file(bucket.object(download.name), download.path, progress.advance, etl=etl)
            progress.advance(files=1)

        run_all(downloads, work, jobs)
    app.out.print(f"downloaded {_count(len(downloads), 'object')} ({human_size(total)}) to {directory}")


@object_group.command("cat")
@click.argument("ref", metavar="BUCKET/NAME", type=OBJECT)
@_ETL_OPTION
@click.pass_obj
def cat(app: CliContext, ref: ObjectRef, etl: EtlRef | None) -> None:
    """Write an object's content to standard output, streamed (transformed with --etl NAME).

    \b
    Example:
      pyaistore object cat ais://logs/app.log | grep ERROR
      pyaistore object cat ais://docs/a.txt --etl upper-case
    """
    stream_to_stdout(app.get_object(_require_name(ref)), etl=_etl_config(app, etl))


@object_group.command("ls")
@click.argument("ref", metavar="BUCKET[/PREFIX]", type=OBJECT)
@click.option("--prefix", default="", help="Only objects whose names start with this.")
@click.option(
    "--props",
    default="name,size",
    show_default=True,
    help=f"Comma-separated columns: {', '.join(_LIST_COLUMNS)}, or `all`.",
)
@click.option(
    "--limit", type=click.IntRange(min=0), default=0, help="Show at most this many objects (0: all)."
)
@click.pass_obj
def list_objects(app: CliContext, ref: ObjectRef, prefix: str, props: str, limit: int) -> None:
    """List a bucket's objects, optionally under a prefix.

    \b
    Example:
      pyaistore object ls photos
      pyaistore object ls ais://train/v1/ --props name,size,atime --limit 20
    """
    if ref.name and prefix:
        raise click.UsageError("give the prefix either in BUCKET/PREFIX or with --prefix, not both")
    columns = _list_columns(props)
    entries = app.get_bucket(ref.bucket).list_objects_iter(
        prefix=ref.name or prefix, props=",".join(column.key for column in columns), page_size=limit
    )
    records = [_entry_record(entry) for entry in islice(entries, limit or None)]
    caption = _count(len(records), "object")
    if _LIST_COLUMNS["size"] in columns:
        caption += f", {human_size(sum(record['size'] for record in records))}"
    if limit and len(records) == limit:
        caption += f" (the first {limit}: --limit)"
    print_records(app.out, columns, records, as_json=app.as_json, caption=caption)


def _list_columns(props: str) -> list[Column]:
    """The columns for --props; the name always comes first."""
    wanted = (
        list(_LIST_COLUMNS) if props.strip() == "all" else [p.strip() for p in props.split(",") if p.strip()]
    )
    unknown = [prop for prop in wanted if prop not in _LIST_COLUMNS]
    if unknown:
        raise click.BadParameter(
            f"unknown {', '.join(unknown)}; choose from {', '.join(_LIST_COLUMNS)} or all",
            param_hint="--props",
        )
    return [_LIST_COLUMNS["name"]] + [_LIST_COLUMNS[prop] for prop in wanted if prop != "name"]


def _entry_record(entry: BucketEntry) -> dict[str, Any]:
    """One listing entry as a table row / JSON object."""
    return {
        "name": entry.name,
        "size": entry.size,
        "atime": entry.atime,
        "checksum": entry.checksum,
        "version": entry.version,
        "copies": entry.copies,
        "custom": entry.custom,
        "location": entry.location,
    }


@object_group.command("head")
@click.argument("ref", metavar="BUCKET/NAME", type=OBJECT)
@click.pass_obj
def head(app: CliContext, ref: ObjectRef) -> None:
    """Show an object's attributes: size, checksum, version, access time, custom metadata.

    \b
    Example:
      pyaistore object head ais://photos/cat.jpg
    """
    props = app.get_object(_require_name(ref)).head()
    atime = unix_ns_to_date(props.access_time) if props.access_time else ""
    raw = {
        "name": ref.name,
        "bucket": str(ref.bucket),
        "size": props.size,
        "checksum_type": props.checksum_type,
        "checksum_value": props.checksum_value,
        "version": props.obj_version,
        "atime": atime,
        "custom": props.custom_metadata,
        "copies": props.mirror_copies,
        "location": props.location,
        "present": props.present,
    }
    custom = ", ".join(f"{key}={value}" for key, value in sorted(props.custom_metadata.items()))
    checksum = f"{props.checksum_type}:{props.checksum_value}" if props.checksum_value else ""
    rows = [
        ("object", str(ref)),
        ("size", f"{human_size(props.size)} ({props.size} bytes)"),
        ("checksum", checksum),
        ("version", props.obj_version),
        ("atime", atime),
        ("custom", custom),
        ("copies", str(props.mirror_copies)),
        ("location", props.location),
    ]
    print_properties(app.out, rows, raw=raw, as_json=app.as_json)


@object_group.command("rm")
@click.argument("refs", metavar="BUCKET/NAME...", nargs=-1, required=True, type=OBJECT)
@click.option(
    "--template",
    default=None,
    help="Delete the objects of BUCKET this names, e.g. 'shard-{0000..0999}.tar', as a job.",
)
@wait_options
@click.pass_obj
def remove(
    app: CliContext, refs: tuple[ObjectRef, ...], template: str | None, wait: bool, timeout: float | None
) -> None:
    """Delete objects; a missing one is reported and the rest are still deleted.

    With --template, one BUCKET argument and a cluster job: `{START..END}` and
    `{START..END..STEP}` ranges expand to names (zero-padded like START), names that do not
    exist are skipped, and a template without a range is a prefix: every object starting with
    it is deleted.

    \b
    Example:
      pyaistore object rm photos/cat.jpg ais://photos/dog.jpg
      pyaistore object rm ais://shards --template 'shard-{0000..0999}.tar'
    """
    if template is not None:
        _remove_template(app, refs, template, wait, timeout)
        return
    for ref in refs:
        _require_name(ref)
    failed = 0
    for ref in refs:
        try:
            app.get_object(ref).delete()
        except AISError as exc:
            if len(refs) == 1:
                raise
            failed += 1
            app.err.print(f"Error: {describe(exc, app.endpoint, ref)}")
            continue
        app.out.print(f"deleted {ref}")
    if failed:
        raise click.ClickException(f"{failed} of {len(refs)} objects not deleted")


def _remove_template(
    app: CliContext, refs: tuple[ObjectRef, ...], template: str, wait: bool, timeout: float | None
) -> None:
    """Delete the objects a template names, as a delete-listrange job."""
    if len(refs) != 1 or refs[0].name:
        raise click.BadParameter("with --template give one BUCKET and no object names", param_hint="'BUCKET'")
    if not template:
        raise click.BadParameter("an empty template would name the whole bucket", param_hint="--template")
    where = refs[0].bucket
    job_id = app.get_bucket(where).objects(obj_template=template).delete()
    summaries = follow(app, [job_id], "deleting", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"deleted {template} from {where}")


def _count(number: int, noun: str) -> str:
    """`1 file`, `3 files`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"

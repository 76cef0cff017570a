"""`pyaistore archive ...`: pack objects into shards (tar, tgz, tar.lz4, zip), list and read their files."""

from pathlib import Path, PurePosixPath
from typing import Final

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup, about
from pyaistore.cli.job_watch import follow, report, split_job_ids, wait_options
from pyaistore.cli.refs import BUCKET, OBJECT, ArchivedFileRef, BucketRef, ObjectRef
from pyaistore.cli.render import Column, TransferProgress, human_size, print_records
from pyaistore.cli.transfer import download_to_file, stream_to_stdout
from pyaistore.sdk import ArchiveConfig

__all__ = ["archive"]

_FORMATS: Final = ".tar, .tgz, .tar.gz, .tar.lz4 or .zip"
_MEMBER_COLUMNS: Final = (Column("name", "NAME"), Column("size", "SIZE", human_size, "right"))


@click.group(cls=SdkGroup)
def archive() -> None:
    """Pack objects into archives (shards), list their files and read one out.

    A shard is an object in tar, tgz (tar.gz), tar.lz4 or zip format, named with that
    extension; the cluster reads files inside it without downloading the whole shard.
    """


def _require_shard(ref: ObjectRef, hint: str = "'BUCKET/SHARD'") -> ObjectRef:
    """Refuse a bucket or prefix where a shard is needed (a usage error)."""
    if ref.is_prefix:
        raise click.BadParameter(f"{ref} names no object; expected BUCKET/SHARD.tar", param_hint=hint)
    return ref


def _names(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """--list values: comma-separated and/or repeated names."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


@archive.command("create")
@click.argument("destination", metavar="BUCKET/ARCHIVE", type=OBJECT)
@click.option(
    "--template", default=None, help="Objects to pack, e.g. 'img-{000..099}.jpg' (missing skipped)."
)
@click.option(
    "--list",
    "names",
    multiple=True,
    callback=_names,
    help="Objects to pack: comma-separated names, or repeat the option (a missing one fails the job).",
)
@click.option(
    "--from",
    "source",
    metavar="BUCKET",
    type=BUCKET,
    default=None,
    help="Bucket of the objects to pack (default: the archive's bucket).",
)
@click.option("--append", is_flag=True, help="Add to the archive if it exists instead of replacing it.")
@click.option("--continue-on-error", is_flag=True, help="Skip objects that cannot be read.")
@wait_options
@click.pass_obj
def create(
    app: CliContext,
    destination: ObjectRef,
    template: str | None,
    names: list[str],
    source: BucketRef | None,
    append: bool,
    continue_on_error: bool,
    wait: bool,
    timeout: float | None,
) -> None:
    """Pack objects into a new archive object, as a cluster job.

    The archive's extension sets its format (.tar, .tgz, .tar.gz, .tar.lz4 or .zip). Files in
    it are named like the objects they were made from. Waits with a progress bar unless
    --no-wait; exits 1 if the job fails (e.g. a --list name does not exist).

    \b
    Example:
      pyaistore archive create ais://shards/a.tar --template 'img-{000..099}.jpg' --from ais://imgs
      pyaistore archive create photos/pets.zip --list cat.jpg,dog.jpg
    """
    _require_shard(destination, "'BUCKET/ARCHIVE'")
    if (template is None) == (not names):
        raise click.UsageError("name the objects to pack with either --template or --list")
    source = source or destination.bucket
    if source != destination.bucket:
        about(source)
        app.get_bucket(source).head()  # so that a missing bucket is named right: source or destination
    about(destination.bucket)
    group = app.get_bucket(source).objects(obj_names=names or None, obj_template=template)
    text = ",".join(
        group.archive(
            archive_name=destination.name,
            to_bck=app.get_bucket(destination.bucket),
            allow_append=append,
            continue_on_error=continue_on_error,
        )
    )
    summaries = follow(app, split_job_ids(text), "archiving", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"archived into {destination}")


@archive.command("ls")
@click.argument("ref", metavar="BUCKET/SHARD", type=OBJECT)
@click.pass_obj
def list_members(app: CliContext, ref: ObjectRef) -> None:
    """List the files inside an archived object, with their sizes.

    \b
    Example:
      pyaistore archive ls ais://shards/train-000.tar
    """
    _require_shard(ref)
    bucket = app.get_bucket(ref.bucket)
    bucket.object(ref.name).head()  # a missing shard (or bucket) is reported as such
    entries = bucket.list_archive(ref.name, include_archive_obj=True, props="name,size")
    if not entries or not entries[0].is_archive():
        raise click.ClickException(f"{ref} is not an archive the cluster can read ({_FORMATS})")
    prefix = f"{ref.name}/"
    records = [{"name": entry.name[len(prefix) :], "size": entry.size} for entry in entries[1:]]
    total = human_size(sum(entry.size for entry in entries[1:]))
    caption = f"{len(records)} file(s), {total}"
    print_records(app.out, _MEMBER_COLUMNS, records, as_json=app.as_json, caption=caption)


@archive.command("get")
@click.argument("ref", metavar="BUCKET/SHARD", type=OBJECT)
@click.argument("path", metavar="PATH")
@click.argument("destination", metavar="[DEST]", required=False)
@click.pass_obj
def get(app: CliContext, ref: ObjectRef, path: str, destination: str | None) -> None:
    """Read one file out of an archived object, without downloading the shard.

    PATH is the file's path inside the archive (as `archive ls` shows it). It goes to DEST (a
    file, or an existing directory), by default to its base name in the current directory;
    DEST `-` writes it to standard output.

    \b
    Example:
      pyaistore archive get ais://shards/train-000.tar img-007.jpg
      pyaistore archive get shards/train-000.tar labels/007.json - | jq .
    """
    _require_shard(ref)
    obj = app.get_object(ref)
    obj.head()  # a missing shard (or bucket) is reported as such
    about(ArchivedFileRef(ref, path))
    config = ArchiveConfig(archpath=path)
    if destination == "-":
        stream_to_stdout(obj, archive=config)
        return
    target = _local_path(path, destination)
    with TransferProgress(app.err, "extracting", 1, 0) as progress:
        written = download_to_file(obj, target, progress.advance, archive=config)
        progress.advance(files=1)
    app.out.print(f"extracted {path} from {ref} ({human_size(written)}) to {target}")


def _local_path(path: str, destination: str | None) -> Path:
    """Where an archived file goes: DEST, DEST/<base name> for a directory, or ./<base name>."""
    base_name = PurePosixPath(path).name
    if destination is not None and not Path(destination).is_dir():
        return Path(destination)
    if base_name in ("", ".", ".."):
        raise click.ClickException(f"{path!r} has no usable file name: give DEST as a file path")
    return Path(destination or ".") / base_name

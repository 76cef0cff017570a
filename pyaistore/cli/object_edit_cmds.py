"""`pyaistore object cp|mv|set-custom|promote`: copy an object, rename it in its bucket, set its custom
metadata, turn files on the cluster's hosts into objects."""

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkCommand, about
from pyaistore.cli.job_watch import follow, report, split_job_ids, wait_options
from pyaistore.cli.refs import OBJECT, ObjectRef
from pyaistore.sdk.errors import ErrBckNotFound

__all__ = ["copy", "move", "promote", "set_custom"]


def _named(ref: ObjectRef, what: str) -> ObjectRef:
    if ref.is_prefix:
        raise click.UsageError(f"{what} {ref} names no object: expected BUCKET/NAME")
    return ref


@click.command("cp", cls=SdkCommand)
@click.argument("source", metavar="BUCKET/NAME", type=OBJECT)
@click.argument("destination", metavar="BUCKET[/NAME]", type=OBJECT)
@click.pass_obj
def copy(app: CliContext, source: ObjectRef, destination: ObjectRef) -> None:
    """Copy one object to another bucket and/or name (inside the cluster: no bytes through here).

    Without a NAME, or with one ending in `/`, the copy keeps the source's base name.

    \b
    Example:
      pyaistore object cp ais://photos/cat.jpg ais://backup/
      pyaistore object cp photos/cat.jpg photos/cat-copy.jpg
    """
    _named(source, "source")
    base = source.name.rsplit("/", 1)[-1]
    name = destination.name + base if destination.is_prefix else destination.name
    target = ObjectRef(destination.bucket, name)
    about(source)
    try:
        app.get_object(source).copy(app.get_object(target))
    except ErrBckNotFound as exc:
        if f'"{target.bucket}"' in exc.message:  # the destination is missing, not the source
            about(target)
        raise
    app.out.print(f"copied {source} -> {target}")


@click.command("mv", cls=SdkCommand)
@click.argument("source", metavar="BUCKET/NAME", type=OBJECT)
@click.argument("new_name", metavar="NEW_NAME")
@click.pass_obj
def move(app: CliContext, source: ObjectRef, new_name: str) -> None:
    """Rename an object within its bucket (as `ais object mv`: across buckets, copy then remove).

    \b
    Example:
      pyaistore object mv ais://photos/cat.jpg pets/cat.jpg
    """
    _named(source, "source")
    scheme_free = new_name.split("://", 1)[-1]
    if "://" in new_name or scheme_free.startswith(f"{source.bucket.name}/"):
        # `ais://photos/new` names the same bucket: take the name part.
        bucket, _, scheme_free = scheme_free.partition("/")
        if bucket != source.bucket.name:
            raise click.UsageError(f"{new_name} is in another bucket: an object is renamed within its bucket")
    if not scheme_free or scheme_free.endswith("/"):
        raise click.UsageError(f"{new_name!r} is not an object name")
    app.get_object(source).rename(scheme_free)
    app.out.print(f"renamed {source} -> {ObjectRef(source.bucket, scheme_free)}")


def _pairs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sign, text = value.partition("=")
        if not sign or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", ctx, param)
        pairs[key] = text
    return pairs


@click.command("set-custom", cls=SdkCommand)
@click.argument("ref", metavar="BUCKET/NAME", type=OBJECT)
@click.argument("pairs", metavar="KEY=VALUE...", nargs=-1, required=True, callback=_pairs)
@click.option("--replace", is_flag=True, help="Drop the custom metadata not given here (default: merge).")
@click.pass_obj
def set_custom(app: CliContext, ref: ObjectRef, pairs: dict[str, str], replace: bool) -> None:
    """Set custom metadata of an object (merged into what it has, or replacing it with --replace).

    \b
    Example:
      pyaistore object set-custom ais://photos/cat.jpg owner=ann label=pet
      pyaistore object set-custom photos/cat.jpg reviewed=yes --replace
    """
    _named(ref, "object")
    app.get_object(ref).get_writer().set_custom_props(pairs, replace_existing=replace)
    app.out.print(f"set {len(pairs)} custom key(s) of {ref}" + (" (replacing the others)" if replace else ""))


@click.command("promote", cls=SdkCommand)
@click.argument("path", metavar="PATH")
@click.argument("destination", metavar="BUCKET[/NAME]", type=OBJECT)
@click.option("-r", "--recursive", is_flag=True, help="Include the files of subdirectories.")
@click.option(
    "--overwrite-dst", is_flag=True, help="Replace objects that exist already (default: they stay)."
)
@click.option("--delete-src", is_flag=True, help="Delete each file once its object is stored.")
@click.option("--target", "target_id", default="", help="Only this target promotes (every file it finds).")
@click.option(
    "--not-file-share", is_flag=True, help="PATH is each target's own, not one share all targets see."
)
@wait_options
@click.pass_obj
def promote(
    app: CliContext,
    path: str,
    destination: ObjectRef,
    recursive: bool,
    overwrite_dst: bool,
    delete_src: bool,
    target_id: str,
    not_file_share: bool,
    wait: bool,
    timeout: float | None,
) -> None:
    """Turn a file or directory on the targets' hosts into objects (under the cluster's promote root).

    A file becomes BUCKET/NAME (its own name without NAME); a directory's files go under NAME as a prefix.

    \b
    Example:
      pyaistore object promote /var/lib/ais/promote/photos ais://photos/2026/ --recursive
    """
    about(destination.bucket)
    job_id = app.get_object(destination).promote(
        path,
        target_id=target_id,
        recursive=recursive,
        overwrite_dest=overwrite_dst,
        delete_source=delete_src,
        src_not_file_share=not_file_share,
    )
    if not job_id:
        app.out.print(f"promoted {path} -> {destination}")
        return
    summaries = follow(app, split_job_ids(job_id), "promoting", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"promoted {path} into {destination}")

"""`pyaistore bucket ...`: create, list, destroy, copy, rename and transform buckets; show properties."""

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from pyaistore.cli import bucket_props, remote_cmds
from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup, about
from pyaistore.cli.etl_cmds import require_running
from pyaistore.cli.job_watch import follow, report, split_job_ids, wait_options
from pyaistore.cli.refs import BUCKET, ETL, BucketRef, EtlRef, parse_object_ref
from pyaistore.cli.render import Column, print_json, print_records
from pyaistore.sdk import Provider, const
from pyaistore.sdk.errors import InvalidBckProvider
from pyaistore.sdk.types import BucketModel

__all__ = ["bucket"]

_F = TypeVar("_F", bound=Callable[..., Any])

_BUCKET_COLUMNS = (
    Column("bucket", "BUCKET"),
    Column("provider", "PROVIDER"),
    Column("namespace", "NAMESPACE"),
)


@click.group(cls=SdkGroup)
def bucket() -> None:
    """Create, list, destroy, copy, rename, transform and mirror buckets; show their properties.

    A bucket is named `NAME` or `ais://NAME` (remote buckets: `s3://NAME`, `gs://NAME` ...).
    """


@bucket.command("create")
@click.argument("buckets", metavar="BUCKET...", nargs=-1, required=True, type=BUCKET)
@click.option("--exist-ok", is_flag=True, help="Do not fail if a bucket already exists.")
@click.pass_obj
def create(app: CliContext, buckets: tuple[BucketRef, ...], exist_ok: bool) -> None:
    """Create one or more ais buckets.

    \b
    Example:
      pyaistore bucket create photos
      pyaistore bucket create ais://train ais://val --exist-ok
    """
    for ref in buckets:
        if ref.provider != Provider.AIS.value or ref.namespace:
            raise click.UsageError(
                f"{ref} is a remote bucket: it exists at its provider and the cluster adds it on first "
                f"use, e.g. `pyaistore bucket ls {ref}`; there is nothing to create"
            )
        app.get_bucket(ref).create(exist_ok=exist_ok)
        app.out.print(f"created bucket {ref}")


def _provider_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Validate --provider (aliases such as s3 and gs are accepted); empty means every provider."""
    try:
        return Provider.parse(value).value if value else ""
    except InvalidBckProvider as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


@bucket.command("ls")
@click.argument("what", metavar="[PROVIDER:// | BUCKET[/PREFIX]]", required=False, default="")
@click.option(
    "--provider",
    default="",
    callback=_provider_option,
    help="Only buckets of this provider (ais, aws/s3, gcp/gs, azure/az, ht, oci); default: all.",
)
@click.option("--cached", is_flag=True, help="With a bucket: only objects the cluster holds.")
@click.option("--not-cached", is_flag=True, help="With a remote bucket: only objects the cluster lacks.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=0, help="Show at most this many objects (0: all)."
)
@click.pass_obj
def list_buckets(
    app: CliContext, what: str, provider: str, cached: bool, not_cached: bool, limit: int
) -> None:
    """List buckets, a provider's buckets (PROVIDER://), or a bucket's objects and what is cached.

    A cloud provider's buckets are those its backend sees as well as those the cluster knows.
    A remote bucket's objects are the backend's, each marked cached or not.

    \b
    Example:
      pyaistore bucket ls
      pyaistore bucket ls s3://
      pyaistore bucket ls s3://train --not-cached
      pyaistore bucket ls ais://@teamz/photos/2024/
    """
    if what and not what.endswith("://"):
        try:
            ref = parse_object_ref(what)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'BUCKET'") from exc
        remote_cmds.list_objects(app, ref, cached, not_cached, limit)
        return
    if what:
        provider = _provider_option(click.get_current_context(), click.Argument(["what"]), what[:-3])
    records = [_bucket_record(model) for model in app.client.cluster().list_buckets(provider)]
    print_records(app.out, _BUCKET_COLUMNS, records, as_json=app.as_json, caption=f"{len(records)} bucket(s)")


def _bucket_record(model: BucketModel) -> dict[str, Any]:
    """One bucket as a table row / JSON object."""
    namespace = model.namespace.get_path() if model.namespace and not model.namespace.is_global else ""
    return {
        "bucket": str(BucketRef(model.name, model.provider, model.namespace.uuid if model.namespace else "")),
        "name": model.name,
        "provider": model.provider,
        "namespace": namespace,
    }


@bucket.command("rm")
@click.argument("buckets", metavar="BUCKET...", nargs=-1, required=True, type=BUCKET)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def remove(app: CliContext, buckets: tuple[BucketRef, ...], yes: bool) -> None:
    """Destroy ais buckets together with every object in them.

    Asks first unless --yes is given.

    \b
    Example:
      pyaistore bucket rm scratch --yes
    """
    names = ", ".join(str(ref) for ref in buckets)
    if not yes:
        whose = "its" if len(buckets) == 1 else "their"
        click.confirm(f"Destroy {names} and all {whose} objects?", abort=True, err=True)
    for ref in buckets:
        app.get_bucket(ref).delete()
        app.out.print(f"destroyed bucket {ref}")


class _PropsGroup(SdkGroup):
    """`bucket props BUCKET` shows (as before); `bucket props show|set ...` name the subcommand."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A first argument that is no subcommand is the bucket of `show`."""
        if args and args[0] not in self.commands:
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


@bucket.group("props", cls=_PropsGroup)
def props() -> None:
    """Show or change a bucket's properties: `bucket props [show] BUCKET`, `bucket props set BUCKET K=V`."""


@props.command("set")
@click.argument("ref", metavar="BUCKET", type=BUCKET)
@click.argument("pairs", metavar="KEY=VALUE...", nargs=-1, required=True)
@click.pass_obj
def props_set(app: CliContext, ref: BucketRef, pairs: tuple[str, ...]) -> None:
    """Change properties, named by their JSON paths as `bucket props` shows them.

    Values are JSON where they parse as JSON (true, 2, "text"), else strings; one JSON object
    may be given instead of pairs.

    \b
    Example:
      pyaistore bucket props set ais://photos mirror.enabled=true mirror.copies=2
      pyaistore bucket props set ais://photos versioning.enabled=false
      pyaistore bucket props set ais://photos '{"checksum": {"type": "md5"}}'
    """
    changes = bucket_props.parse_changes(pairs)
    job_id = app.get_bucket(ref).set_props(changes)
    if job_id:
        app.out.print(f"changed properties of {ref}; job {job_id} applies them")
    else:
        app.out.print(f"changed properties of {ref}")


@props.command("show")
@click.argument("ref", metavar="BUCKET", type=BUCKET)
@click.pass_obj
def props_show(app: CliContext, ref: BucketRef) -> None:
    """Show a bucket's properties (checksum, versioning, mirroring ...) as JSON.

    \b
    Example:
      pyaistore bucket props show ais://photos
      pyaistore bucket props ais://photos
    """
    headers = app.get_bucket(ref).head()
    text = headers.get(const.HEADER_BUCKET_PROPS)
    if not text:
        raise click.ClickException(f"the cluster sent no properties for {ref}")
    print_json(app.out, json.loads(text))


@bucket.command("mirror")
@click.argument("ref", metavar="BUCKET", type=BUCKET)
@click.option(
    "--copies",
    type=click.IntRange(1, 16),
    required=True,
    help="Copies of every object, itself included, on distinct mountpaths of its target (1: no mirroring).",
)
@wait_options
@click.pass_obj
def mirror(app: CliContext, ref: BucketRef, copies: int, wait: bool, timeout: float | None) -> None:
    """Keep N copies of every object of a bucket on each target's mountpaths (local mirroring).

    Objects then survive the loss of N-1 disks of a target. Sets the bucket's mirror properties
    and runs the make-n-copies job, which writes or removes copies; waits with a progress bar
    unless --no-wait. Every target needs at least N available mountpaths.

    \b
    Example:
      pyaistore bucket mirror ais://train --copies 2
      pyaistore bucket mirror train --copies 1 --no-wait
    """
    text = app.get_bucket(ref).make_n_copies(copies)
    summaries = follow(app, split_job_ids(text), "mirroring", wait=wait, timeout=timeout)
    if summaries is not None:
        noun = "copy" if copies == 1 else "copies"
        report(app, summaries, f"mirrored {ref} ({copies} {noun} per object)")


def _copy_options(command: _F) -> _F:
    """The options bucket copy and transform share (--prefix, --dry-run, --force)."""
    command = click.option("--force", is_flag=True, help="Run even if conflicting jobs are running.")(command)
    command = click.option("--dry-run", is_flag=True, help="Visit and count the objects, write nothing.")(
        command
    )
    return click.option("--prefix", default="", help="Only objects whose names start with this.")(command)


@bucket.command("cp")
@click.argument("source", metavar="SRC_BUCKET", type=BUCKET)
@click.argument("destination", metavar="DST_BUCKET", type=BUCKET)
@_copy_options
@wait_options
@click.pass_obj
def copy(
    app: CliContext,
    source: BucketRef,
    destination: BucketRef,
    prefix: str,
    dry_run: bool,
    force: bool,
    wait: bool,
    timeout: float | None,
) -> None:
    """Copy a bucket's objects (or those under --prefix) to another bucket, as a cluster job.

    An ais destination is created if missing. Waits with a progress bar unless --no-wait;
    exits 1 if the job fails or is aborted.

    \b
    Example:
      pyaistore bucket cp ais://train ais://train-backup
      pyaistore bucket cp train scratch --prefix imgs/ --no-wait
    """
    about(source)
    text = app.get_bucket(source).copy(
        to_bck=app.get_bucket(destination), prefix_filter=prefix, dry_run=dry_run, force=force
    )
    summaries = follow(app, split_job_ids(text), "copying", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"copied {source} -> {destination}{' (dry run)' if dry_run else ''}")


@bucket.command("mv")
@click.argument("source", metavar="SRC_BUCKET", type=BUCKET)
@click.argument("destination", metavar="DST_BUCKET", type=BUCKET)
@wait_options
@click.pass_obj
def move(
    app: CliContext, source: BucketRef, destination: BucketRef, wait: bool, timeout: float | None
) -> None:
    """Rename an ais bucket: every object moves to DST_BUCKET, which must not exist yet.

    \b
    Example:
      pyaistore bucket mv ais://staging ais://release
    """
    for ref, hint in ((source, "'SRC_BUCKET'"), (destination, "'DST_BUCKET'")):
        if ref.is_remote:
            raise click.BadParameter(
                f"{ref} is not an ais bucket: only ais buckets can be renamed", param_hint=hint
            )
    about(source)
    origin = app.get_bucket(source)
    origin.head()  # a missing source is named as such, not taken for the destination
    about(destination)
    text = origin.rename(to_bck_name=destination.name)
    summaries = follow(app, split_job_ids(text), "renaming", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"renamed {source} -> {destination}")


def _ext_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """Parse repeated `--ext SRC:DST` into {"SRC": "DST"} (a leading dot is dropped)."""
    mapping = {}
    for value in values:
        old, separator, new = value.partition(":")
        if not separator or not old.strip(".") or not new.strip("."):
            raise click.BadParameter(f"{value!r}: expected OLD:NEW, e.g. jpg:png", ctx, param)
        mapping[old.lstrip(".")] = new.lstrip(".")
    return mapping


@bucket.command("transform")
@click.argument("source", metavar="SRC_BUCKET", type=BUCKET)
@click.argument("destination", metavar="DST_BUCKET", type=BUCKET)
@click.option("--etl", "etl", metavar="NAME", required=True, type=ETL, help="The ETL to apply.")
@_copy_options
@click.option(
    "--ext", "ext", multiple=True, callback=_ext_option, help="Rename extensions: OLD:NEW (repeatable)."
)
@click.option("--prepend", default="", help="Put this in front of every new object's name.")
@click.option("--continue-on-error", is_flag=True, help="Skip objects the ETL fails on.")
@wait_options
@click.pass_obj
def transform(
    app: CliContext,
    source: BucketRef,
    destination: BucketRef,
    etl: EtlRef,
    prefix: str,
    dry_run: bool,
    force: bool,
    ext: dict[str, str],
    prepend: str,
    continue_on_error: bool,
    wait: bool,
    timeout: float | None,
) -> None:
    """Run every object (or those under --prefix) through an ETL into another bucket, as a job.

    \b
    Example:
      pyaistore bucket transform ais://raw ais://clean --etl upper-case
      pyaistore bucket transform raw clean --etl to-text --ext jpg:txt --prefix 2024/
    """
    require_running(app, etl)
    about(source)
    origin = app.get_bucket(source)
    origin.head()
    text = origin.transform(
        etl.name,
        app.get_bucket(destination),
        ext=ext or None,
        force=force,
        dry_run=dry_run,
        prefix_filter=prefix,
        prepend=prepend,
        cont_on_err=continue_on_error,
    )
    summaries = follow(app, split_job_ids(text), "transforming", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"transformed {source} -> {destination} with {etl}")

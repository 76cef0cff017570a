"""Remote buckets on the command line: list a cloud bucket with what is cached, prefetch and evict
objects, evict a whole bucket, and attach, detach and list remote AIS clusters.

`object prefetch|evict` and `bucket evict` join the object and bucket groups; `cluster remote`
joins the cluster group (see main.py). Remote buckets are named by provider: `s3://b`, `gs://b`,
`az://b`, `ht://b`, or `ais://@ALIAS/b` for a bucket of an attached cluster.
"""

from itertools import islice
from typing import Any, Final

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup
from pyaistore.cli.job_watch import follow, report, wait_options
from pyaistore.cli.refs import BUCKET, OBJECT, BucketRef, ObjectRef
from pyaistore.cli.render import Column, human_size, print_records
from pyaistore.sdk import ListObjectFlag
from pyaistore.sdk.multiobj.object_group import ObjectGroup

__all__ = ["bucket_evict", "evict", "list_objects", "prefetch", "remote"]

_OBJECT_COLUMNS: Final = (
    Column("name", "NAME"),
    Column("size", "SIZE", human_size, "right"),
    Column("cached", "CACHED"),
    Column("version", "VERSION", justify="right"),
)


def list_objects(app: CliContext, ref: ObjectRef, cached: bool, not_cached: bool, limit: int) -> None:
    """Print a bucket's objects with whether each is cached (a remote bucket lists its backend)."""
    if cached and not_cached:
        raise click.UsageError("give --cached or --not-cached, not both")
    flags = [ListObjectFlag.CACHED] if cached else [ListObjectFlag.NOT_CACHED] if not_cached else []
    entries = app.get_bucket(ref.bucket).list_objects_iter(
        prefix=ref.name, props="name,size,version,cached", page_size=limit, flags=flags
    )
    records = [
        {"name": e.name, "size": e.size, "cached": "yes" if e.is_cached() else "no", "version": e.version}
        for e in islice(entries, limit or None)
    ]
    in_cluster = sum(1 for record in records if record["cached"] == "yes")
    caption = f"{len(records)} object(s), {in_cluster} cached"
    print_records(app.out, _OBJECT_COLUMNS, records, as_json=app.as_json, caption=caption)


def _selection(
    app: CliContext, refs: tuple[ObjectRef, ...], template: str | None
) -> tuple[BucketRef, ObjectGroup]:
    """The objects a command names: BUCKET/NAME... (one bucket), or one BUCKET[/PREFIX] with
    --template (a prefix alone means every object under it)."""
    buckets = {ref.bucket for ref in refs}
    if len(buckets) != 1:
        raise click.BadParameter("name objects of one bucket", param_hint="'BUCKET/NAME...'")
    where = refs[0].bucket
    bucket = app.get_bucket(where)
    if template is not None:
        if len(refs) != 1 or (refs[0].name and not refs[0].is_prefix):
            raise click.BadParameter("with --template give one BUCKET", param_hint="'BUCKET'")
        return where, bucket.objects(obj_template=refs[0].name + template or "*")
    names = [ref.name for ref in refs if ref.name]
    if len(names) == len(refs) and not any(ref.is_prefix for ref in refs):
        return where, bucket.objects(obj_names=names)
    if len(refs) == 1:
        return where, bucket.objects(obj_template=refs[0].name or "*")  # a prefix, or the whole bucket
    raise click.BadParameter("name objects, or one BUCKET[/PREFIX]", param_hint="'BUCKET/NAME...'")


_TEMPLATE_OPTION: Final = click.option(
    "--template",
    default=None,
    help="Objects of BUCKET this names, e.g. 'shard-{0000..0999}.tar' (a range, or a prefix).",
)


@click.command("prefetch")
@click.argument("refs", metavar="BUCKET/NAME... | BUCKET[/PREFIX]", nargs=-1, required=True, type=OBJECT)
@_TEMPLATE_OPTION
@click.option("--latest", is_flag=True, help="Fetch again objects whose backend version changed.")
@click.option("--num-workers", type=int, default=0, help="Objects fetched at once per target (0: default).")
@wait_options
@click.pass_obj
def prefetch(
    app: CliContext,
    refs: tuple[ObjectRef, ...],
    template: str | None,
    latest: bool,
    num_workers: int,
    wait: bool,
    timeout: float | None,
) -> None:
    """Fetch remote objects into the cluster ahead of reading them, as a job.

    \b
    Example:
      pyaistore object prefetch s3://train/shard-0001.tar s3://train/shard-0002.tar
      pyaistore object prefetch s3://train --template 'shard-{0000..0999}.tar'
      pyaistore object prefetch gs://train/images/
    """
    where, group = _selection(app, refs, template)
    job_id = group.prefetch(num_workers=num_workers or None, latest=latest)
    summaries = follow(app, [job_id], "prefetching", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"prefetched into the cluster from {where}")


@click.command("evict")
@click.argument("refs", metavar="BUCKET/NAME... | BUCKET[/PREFIX]", nargs=-1, required=True, type=OBJECT)
@_TEMPLATE_OPTION
@wait_options
@click.pass_obj
def evict(
    app: CliContext, refs: tuple[ObjectRef, ...], template: str | None, wait: bool, timeout: float | None
) -> None:
    """Drop the cluster's cached copies of remote objects (the backend keeps them), as a job.

    \b
    Example:
      pyaistore object evict s3://train/shard-0001.tar
      pyaistore object evict s3://train --template 'shard-{0000..0499}.tar'
    """
    where, group = _selection(app, refs, template)
    job_id = group.evict()
    summaries = follow(app, [job_id], "evicting", wait=wait, timeout=timeout)
    if summaries is not None:
        report(app, summaries, f"evicted from the cluster's copy of {where}")


@click.command("evict")
@click.argument("ref", metavar="BUCKET", type=BUCKET)
@click.option("--keep-md", is_flag=True, help="Keep the bucket (and its properties) in the cluster.")
@click.pass_obj
def bucket_evict(app: CliContext, ref: BucketRef, keep_md: bool) -> None:
    """Drop every cached object of a remote bucket (and, without --keep-md, the bucket's entry).

    \b
    Example:
      pyaistore bucket evict s3://train --keep-md
    """
    app.get_bucket(ref).evict(keep_md=keep_md)
    app.out.print(f"evicted {ref}" + (" (bucket kept)" if keep_md else ""))


@click.group("remote", cls=SdkGroup)
def remote() -> None:
    """Attach, detach and list other AIS clusters; their buckets are ais://@ALIAS/BUCKET.

    \b
    Example:
      pyaistore cluster remote attach teamz=http://10.0.0.5:51080
    """


@remote.command("attach")
@click.argument("spec", metavar="ALIAS=URL")
@click.pass_obj
def attach(app: CliContext, spec: str) -> None:
    """Attach the AIS cluster at URL as ALIAS.

    \b
    Example:
      pyaistore cluster remote attach teamz=http://10.0.0.5:51080
      pyaistore object ls ais://@teamz/photos
    """
    alias, sep, url = spec.partition("=")
    if not sep or not alias or not url:
        raise click.BadParameter(f"{spec!r}: expected ALIAS=URL", param_hint="'ALIAS=URL'")
    app.client.cluster().attach_remote(alias, url)
    app.out.print(f"attached {alias} ({url})")


@remote.command("detach")
@click.argument("alias", metavar="ALIAS")
@click.pass_obj
def detach(app: CliContext, alias: str) -> None:
    """Detach the AIS cluster attached as ALIAS (its buckets stay known, unreachable until re-attached).

    \b
    Example:
      pyaistore cluster remote detach teamz
    """
    app.client.cluster().detach_remote(alias)
    app.out.print(f"detached {alias}")


_REMOTE_COLUMNS: Final = (
    Column("alias", "ALIAS"),
    Column("url", "URL"),
    Column("uuid", "UUID"),
    Column("nodes", "NODES", justify="right"),
    Column("state", "STATE"),
)


@remote.command("ls")
@click.pass_obj
def list_remote(app: CliContext) -> None:
    """List the attached AIS clusters and whether they answer.

    \b
    Example:
      pyaistore cluster remote ls
    """
    records: list[dict[str, Any]] = []
    for item in app.client.cluster().list_remote_clusters():
        smap = item.smap or {}
        nodes = len(smap.get("tmap") or {}) + len(smap.get("pmap") or {})
        records.append(
            {
                "alias": item.alias,
                "url": item.url,
                "uuid": item.uuid,
                "nodes": nodes,
                "state": "online" if item.smap is not None else "offline",
            }
        )
    print_records(
        app.out, _REMOTE_COLUMNS, records, as_json=app.as_json, caption=f"{len(records)} cluster(s)"
    )

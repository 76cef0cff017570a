"""Top-level shortcuts, as `ais` has them: `ls` (buckets, or a bucket's objects, or its summary);
`get` and `put` are `object get` and `object put` under shorter names (main.py adds them)."""

from typing import Any

import click

from pyaistore.cli import bucket_cmds, object_cmds
from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkCommand
from pyaistore.cli.refs import OBJECT, ObjectRef
from pyaistore.cli.render import human_size, print_properties

__all__ = ["list_anything"]


@click.command("ls", cls=SdkCommand)
@click.argument("ref", metavar="[BUCKET[/PREFIX]]", type=OBJECT, required=False)
@click.option("--summary", is_flag=True, help="The bucket's object count and sizes instead of its objects.")
@click.option("--props", default="name,size", show_default=True, help="Columns of an object listing.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=0, help="Show at most this many objects (0: all)."
)
@click.pass_context
def list_anything(ctx: click.Context, ref: ObjectRef | None, summary: bool, props: str, limit: int) -> None:
    """List the buckets, or a bucket's objects (under a prefix), or with --summary a bucket's summary.

    \b
    Example:
      pyaistore ls
      pyaistore ls ais://photos
      pyaistore ls ais://photos/2024/ --limit 20
      pyaistore ls ais://photos --summary
    """
    if ref is None:
        if summary:
            raise click.UsageError("--summary needs a BUCKET")
        ctx.invoke(bucket_cmds.list_buckets, provider="")
        return
    if not summary:
        ctx.invoke(object_cmds.list_objects, ref=ref, prefix="", props=props, limit=limit)
        return
    app: CliContext = ctx.obj
    result = app.get_bucket(ref.bucket).summary(prefix=ref.name)
    rows = _summary_rows(result)
    print_properties(app.out, rows, raw=result, as_json=app.as_json)


def _summary_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """AIS's BsummResult as PROPERTY/VALUE rows."""
    count = result.get("ObjCount") or {}
    sizes = result.get("ObjSize") or {}
    total = result.get("TotalSize") or {}

    def size(mapping: dict[str, Any], key: str) -> str:
        return human_size(int(mapping.get(key) or 0))

    return [
        ("objects", str(int(count.get("obj_count_present") or 0))),
        ("size of all objects", size(total, "size_all_present_objs")),
        ("size on disk", size(total, "size_on_disk")),
        ("smallest object", size(sizes, "obj_min_size")),
        ("average object", size(sizes, "obj_avg_size")),
        ("largest object", size(sizes, "obj_max_size")),
        ("share of the disks", f"{float(result.get('used_pct') or 0):.2f}%"),
    ]

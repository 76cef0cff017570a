"""`pyaistore object cp|mv|set-custom`: copy an object, rename it in its bucket, set its custom metadata."""

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkCommand, about
from pyaistore.cli.refs import OBJECT, ObjectRef
from pyaistore.sdk.errors import ErrBckNotFound

__all__ = ["copy", "move", "set_custom"]


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

"""`pyaistore bucket ...`: create, list, destroy buckets and show their properties."""

import json
from typing import Any

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup
from pyaistore.cli.refs import BUCKET, BucketRef
from pyaistore.cli.render import Column, print_json, print_records
from pyaistore.sdk import Provider, const
from pyaistore.sdk.errors import InvalidBckProvider
from pyaistore.sdk.types import BucketModel

__all__ = ["bucket"]

_BUCKET_COLUMNS = (
    Column("bucket", "BUCKET"),
    Column("provider", "PROVIDER"),
    Column("namespace", "NAMESPACE"),
)


@click.group(cls=SdkGroup)
def bucket() -> None:
    """Create, list and destroy buckets; show their properties.

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
        app.get_bucket(ref).create(exist_ok=exist_ok)
        app.out.print(f"created bucket {ref}")


def _provider_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Validate --provider (aliases such as s3 and gs are accepted); empty means every provider."""
    try:
        return Provider.parse(value).value if value else ""
    except InvalidBckProvider as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


@bucket.command("ls")
@click.option(
    "--provider",
    default="",
    callback=_provider_option,
    help="Only buckets of this provider (ais, aws/s3, gcp/gs, azure/az, oci); default: all.",
)
@click.pass_obj
def list_buckets(app: CliContext, provider: str) -> None:
    """List the buckets the cluster knows.

    \b
    Example:
      pyaistore bucket ls
      pyaistore bucket ls --provider ais
    """
    records = [_bucket_record(model) for model in app.client.cluster().list_buckets(provider)]
    print_records(app.out, _BUCKET_COLUMNS, records, as_json=app.as_json, caption=f"{len(records)} bucket(s)")


def _bucket_record(model: BucketModel) -> dict[str, Any]:
    """One bucket as a table row / JSON object."""
    namespace = model.namespace.get_path() if model.namespace and not model.namespace.is_global else ""
    return {
        "bucket": str(BucketRef(model.name, model.provider)),
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


@bucket.command("props")
@click.argument("ref", metavar="BUCKET", type=BUCKET)
@click.pass_obj
def props(app: CliContext, ref: BucketRef) -> None:
    """Show a bucket's properties (checksum, versioning, mirroring ...) as JSON.

    \b
    Example:
      pyaistore bucket props ais://photos
    """
    headers = app.get_bucket(ref).head()
    text = headers.get(const.HEADER_BUCKET_PROPS)
    if not text:
        raise click.ClickException(f"the cluster sent no properties for {ref}")
    print_json(app.out, json.loads(text))

"""Take newer cluster tables on a node; on a target, make its disks match the bucket table."""

import asyncio
import logging
from typing import Final

from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.node_context import NodeContext
from pyaistore.storage import bucket_meta
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.slice_store import SliceStore
from pyaistore.wire.messages import Smap
from pyaistore.wire.rebalance import RebalanceMeta

log = logging.getLogger(__name__)

BMD_FILE: Final = "bmd.json"
# The property that tells two buckets of the same name apart (a new one gets a new ID).
BUCKET_ID: Final = "bid"


def apply(store: ObjectStore, old: BucketTable, new: BucketTable, slices: SliceStore | None = None) -> None:
    """Blocking: destroy the buckets `new` dropped (EC pieces too), then ensure every bucket in `new`.

    A bucket in both whose ID changed was destroyed and created again (or renamed away and its
    name taken again) in versions this node never saw: its old files go too, so the new bucket
    starts empty.
    """
    for uname, props in old.buckets.items():
        kept = new.buckets.get(uname)
        if kept is not None and kept.get(BUCKET_ID) == props.get(BUCKET_ID):
            continue
        bucket = bucket_meta.bucket_from_uname(uname)
        log.info("destroying %s", bucket.cname)
        store.destroy_bucket(bucket)
        if slices is not None:
            slices.destroy_bucket(bucket)
    for uname in new.buckets:
        store.ensure_bucket(bucket_meta.bucket_from_uname(uname))


async def accept(
    ctx: NodeContext,
    smap: Smap | None,
    buckets: BucketTable | None,
    etls: EtlTable | None = None,
    rmd: RebalanceMeta | None = None,
    config: ConfigTable | None = None,
) -> None:
    """Take whichever table is newer; a target then persists it and syncs its disks (and ETLs)."""
    if ctx.meta.accept_config(config):
        ctx.reload_config()
    old = ctx.meta.buckets
    smap_changed, buckets_changed = ctx.meta.accept(smap, buckets)
    rmd_changed = ctx.meta.accept_rmd(rmd)
    if smap_changed or buckets_changed or rmd_changed:
        for listener in ctx.meta_listeners:
            listener(ctx.meta)
        for applied in ctx.meta_applied:
            await applied()
    if ctx.meta.accept_etls(etls):
        for etl_listener in ctx.etl_listeners:
            etl_listener(ctx.meta.etls)
    if not buckets_changed or ctx.store is None:
        return
    new = ctx.meta.buckets
    await asyncio.to_thread(apply, ctx.store, old, new, ctx.slices)
    await asyncio.to_thread(new.save, ctx.config.data_dir / BMD_FILE)

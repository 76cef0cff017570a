"""Push versioned cluster metadata (smap, bucket table, ETL table, config) from the primary to every node."""

import asyncio
import logging
from typing import Any, Final

from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.etl_table import EtlTable
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.storage.bucket_meta import BucketTable
from pyaistore.storage.errors import CorruptMeta
from pyaistore.wire import fields
from pyaistore.wire.messages import Smap
from pyaistore.wire.rebalance import RebalanceMeta

log = logging.getLogger(__name__)

SMAP_KEY: Final = "smap"
BMD_KEY: Final = "bmd"
ETL_KEY: Final = "etlmd"
RMD_KEY: Final = "rmd"
CONFIG_KEY: Final = "config"


def payload(
    smap: Smap | None,
    buckets: BucketTable | None,
    etls: EtlTable | None = None,
    rmd: RebalanceMeta | None = None,
    config: ConfigTable | None = None,
) -> dict[str, Any]:
    """The metasync body: whichever of the tables is given."""
    body: dict[str, Any] = {}
    if config is not None:
        body[CONFIG_KEY] = config.to_json()
    if rmd is not None:
        body[RMD_KEY] = rmd.to_json()
    if smap is not None:
        body[SMAP_KEY] = smap.to_json()
    if buckets is not None:
        body[BMD_KEY] = buckets.to_json()
    if etls is not None:
        body[ETL_KEY] = etls.to_json()
    return body


def parse(body: dict[str, Any]) -> tuple[Smap | None, BucketTable | None]:
    """Read a metasync body."""
    smap = Smap.from_json(body[SMAP_KEY]) if SMAP_KEY in body else None
    buckets = BucketTable.from_json(body[BMD_KEY]) if BMD_KEY in body else None
    return smap, buckets


def parse_all(
    body: Any,
) -> tuple[Smap | None, BucketTable | None, EtlTable | None, RebalanceMeta | None, ConfigTable | None]:
    """Every table of a metasync body (ValueError, TypeError or KeyError when one is malformed)."""
    body = fields.as_dict(body, "metasync")
    try:
        smap, buckets = parse(body)
    except CorruptMeta as exc:  # a bucket table that cannot be decoded: the sender's, not ours
        raise ValueError(str(exc)) from exc
    return smap, buckets, parse_etls(body), parse_rmd(body), parse_config(body)


def parse_etls(body: dict[str, Any]) -> EtlTable | None:
    """The ETL table in a metasync body, if any."""
    return EtlTable.from_json(body[ETL_KEY]) if ETL_KEY in body else None


def parse_config(body: dict[str, Any]) -> ConfigTable | None:
    """The cluster config table in a metasync body, if any (ValueError when malformed)."""
    return ConfigTable.from_json(body[CONFIG_KEY]) if CONFIG_KEY in body else None


def parse_rmd(body: dict[str, Any]) -> RebalanceMeta | None:
    """The rebalance record in a metasync body, if any (ValueError when malformed)."""
    return RebalanceMeta.from_json(body[RMD_KEY]) if RMD_KEY in body else None


async def push(
    peers: PeerApi, smap: Smap, body: dict[str, Any], self_id: str, skip: frozenset[str] = frozenset()
) -> list[str]:
    """Send `body` to every node but this one (and those in `skip`), concurrently; return the IDs
    that failed."""
    every = (*smap.targets.values(), *smap.proxies.values())
    nodes = [n for n in every if n.daemon_id != self_id and n.daemon_id not in skip]
    results = await asyncio.gather(*(peers.push_meta(node, body) for node in nodes))
    for node, ok in zip(nodes, results, strict=True):
        if not ok:
            log.warning("metasync: %s did not take the update", node.display_name)
    return [n.daemon_id for n, ok in zip(nodes, results, strict=True) if not ok]

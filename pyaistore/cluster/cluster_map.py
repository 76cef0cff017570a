"""The versioned cluster map (smap): pure updates plus atomic persistence."""

import json
import os
import secrets
import string
import time
from dataclasses import replace
from pathlib import Path

from pyaistore.wire import error_body
from pyaistore.wire.membership import FLAG_DECOMMISSION, FLAG_MAINTENANCE, FLAG_MAINTENANCE_DONE
from pyaistore.wire.messages import TARGET, Smap, Snode


def new_smap(primary: Snode, uuid: str = "") -> Smap:
    """A first map holding only the primary proxy, of the cluster `uuid` (a new one when empty)."""
    uuid = uuid or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(9))
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    return Smap(1, uuid, created, primary, {primary.daemon_id: primary}, {})


def with_node(smap: Smap, node: Snode) -> Smap:
    """The map with `node` added or updated; the version moves only when something changed."""
    table = smap.targets if node.daemon_type == TARGET else smap.proxies
    if table.get(node.daemon_id) == node:
        return smap
    updated = {**table, node.daemon_id: node}
    if node.daemon_type == TARGET:
        return replace(smap, version=smap.version + 1, targets=updated)
    return replace(smap, version=smap.version + 1, proxies=updated)


def without_node(smap: Smap, node_id: str) -> Smap:
    """The map with the node removed (no change if absent)."""
    if node_id in smap.targets:
        targets = {k: v for k, v in smap.targets.items() if k != node_id}
        return replace(smap, version=smap.version + 1, targets=targets)
    if node_id in smap.proxies and node_id != smap.primary.daemon_id:
        proxies = {k: v for k, v in smap.proxies.items() if k != node_id}
        return replace(smap, version=smap.version + 1, proxies=proxies)
    return smap


def find_node(smap: Smap, node_id: str) -> Snode | None:
    """Look a node up by ID in either table."""
    return smap.targets.get(node_id) or smap.proxies.get(node_id)


def save(smap: Smap, path: Path) -> None:
    """Persist atomically: temp file, fsync, rename."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as handle:
        json.dump(smap.to_json(), handle)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def load(path: Path) -> Smap | None:
    """Read a persisted map, or None when there is none."""
    if not path.exists():
        return None
    with open(path) as handle:
        return Smap.from_json(json.load(handle))


def working_targets(smap: Smap) -> list[Snode]:
    """Targets that run jobs and answer listings: all but those whose maintenance or shutdown has
    completed (flag 16: drained of objects, possibly stopped)."""
    return [node for node in smap.targets.values() if not node.flags & FLAG_MAINTENANCE_DONE]


def is_leaving(node: Snode) -> bool:
    """True for a target in maintenance or being decommissioned (it may stop answering)."""
    return bool(node.flags & (FLAG_MAINTENANCE | FLAG_DECOMMISSION))


def has_left(node: Snode, refusal_code: str) -> bool:
    """True when a node being decommissioned refused a member's call as from a non-member
    (ErrForbidden, web/cluster_auth.py).

    Its final step (told by the primary, node_lifecycle.settle) makes it forget the cluster, its
    secret included, a moment before the primary publishes the map without it: in between it
    refuses every internal call. Like a leaving node that stopped, it has nothing left to report.
    """
    return bool(node.flags & FLAG_DECOMMISSION) and refusal_code == error_body.FORBIDDEN

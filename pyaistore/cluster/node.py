"""Node identity: IDs persisted in the node's data dir and its Snode."""

import secrets
import string
from pathlib import Path
from typing import Final

from pyaistore.wire.messages import NetInfo, Snode

_ALPHABET: Final = string.ascii_letters + string.digits
ID_FILE: Final = "node_id"


def new_node_id(role: str) -> str:
    """A fresh ID: the role's letter then 8 random letters and digits."""
    return role[0] + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def load_or_create_id(data_dir: Path, role: str) -> str:
    """Read the node ID from the data dir, creating it on first start so restarts keep it."""
    path = data_dir / ID_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    node_id = new_node_id(role)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(node_id)
    tmp.replace(path)
    return node_id


def make_snode(
    node_id: str, role: str, host: str, port: int, control_port: int = 0, scheme: str = "http"
) -> Snode:
    """The Snode a node advertises: clients use `port`, nodes use `control_port` when it is set."""
    control = NetInfo(host, control_port, scheme) if control_port else None
    public = NetInfo(host, port, scheme)
    return Snode(daemon_id=node_id, daemon_type=role, public_net=public, control_net=control)

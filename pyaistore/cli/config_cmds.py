"""`pyaistore config show|set`: the cluster's config, or one node's, as `ais config` and `ais show config`.

A scope is `cluster` (the default) or a node (its ID, or t[ID] / p[ID] as `cluster show` prints
them). Keys are dotted (`log.level`); `show` takes a section (`timeout`) or a key to narrow the
table. The cluster checks what is set: an unknown key, one read only at start or a bad value is
refused with the key named, and nothing changes.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Final

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.errors import SdkGroup, about
from pyaistore.cli.refs import NodeRef
from pyaistore.cli.render import Column, print_json, print_records
from pyaistore.sdk.types import Smap

__all__ = ["config", "flatten", "parse_pairs", "select"]

CLUSTER: Final = "cluster"
_COLUMNS: Final = (Column("key", "KEY"), Column("value", "VALUE"))


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """A config's sections as dotted keys and printable values (lists joined by commas)."""
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, key + ".") if value else {key: ""})
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            flat[key] = ", ".join(str(item) for item in value)
        else:
            flat[key] = str(value)
    return flat


def select(flat: Mapping[str, str], wanted: str) -> dict[str, str]:
    """The keys equal to `wanted` or in its section; UsageError naming the sections when none is."""
    if not wanted:
        return dict(flat)
    found = {key: value for key, value in flat.items() if key == wanted or key.startswith(wanted + ".")}
    if not found:
        sections = sorted({key.split(".", 1)[0] for key in flat})
        raise click.UsageError(f"no config key or section {wanted!r} (sections: {', '.join(sections)})")
    return found


def parse_pairs(tokens: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` tokens as a mapping; UsageError for a token without `=`, an empty key, or a repeat."""
    if not tokens:
        raise click.UsageError("give at least one KEY=VALUE (e.g. log.level=DEBUG)")
    pairs: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.UsageError(f"expected KEY=VALUE, got {token!r}")
        if key in pairs:
            raise click.UsageError(f"{key} is given twice")
        pairs[key] = value
    return pairs


def _as_node_id(text: str) -> str:
    """The ID in `t[ID]` / `p[ID]`, or the text as it is."""
    return text[2:-1] if len(text) > 3 and text[1] == "[" and text.endswith("]") else text


def _node_in(smap: Smap, text: str) -> str | None:
    node_id = _as_node_id(text)
    return node_id if node_id in smap.tmap or node_id in smap.pmap else None


def _unknown_node(smap: Smap, text: str) -> click.UsageError:
    known = ", ".join(sorted([*smap.tmap, *smap.pmap]))
    return click.UsageError(
        f"no node {_as_node_id(text)!r} in the cluster (nodes: {known}), and not `cluster`"
    )


@click.group("config", cls=SdkGroup)
def config() -> None:
    """Show or set the cluster's config, or one node's."""


@config.command("show")
@click.argument("scope", required=False, default="")
@click.argument("section_or_key", required=False, default="")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON, not a table.")
@click.pass_obj
def show(app: CliContext, scope: str, section_or_key: str, as_json: bool) -> None:
    """Print the config of SCOPE (`cluster`, the default, or a node), or only SECTION_OR_KEY of it.

    \b
    Example:
      pyaistore config show
      pyaistore config show cluster timeout
      pyaistore config show t[tA1b2C3d4] log.level
      pyaistore config show log --json
    """
    cluster = app.client.cluster()
    node_id: str | None = None
    if scope and scope != CLUSTER:
        smap = cluster.get_info()
        node_id = _node_in(smap, scope)
        if node_id is None:
            if section_or_key:
                raise _unknown_node(smap, scope)
            section_or_key = scope  # `config show timeout`: a section of the cluster's
    if node_id is not None:
        about(NodeRef(node_id))
    data = cluster.get_config() if node_id is None else cluster.get_node_config(node_id)
    rows = select(flatten(data), section_or_key)
    if as_json or app.as_json:
        print_json(app.out, data if not section_or_key else rows)
        return
    print_records(app.out, _COLUMNS, [{"key": key, "value": value} for key, value in sorted(rows.items())])


@config.command("set")
@click.argument("scope_and_pairs", nargs=-1, required=True, metavar="[cluster|NODE] KEY=VALUE...")
@click.option("--transient", is_flag=True, help="A node's only: keep the values until it restarts.")
@click.pass_obj
def set_values(app: CliContext, scope_and_pairs: tuple[str, ...], transient: bool) -> None:
    """Set KEY=VALUE pairs cluster-wide (the default) or on one node, where they win over the cluster's.

    \b
    Example:
      pyaistore config set log.level=DEBUG
      pyaistore config set cluster timeout.body_idle=2m rebalance.workers=4
      pyaistore config set t[tA1b2C3d4] log.level=WARNING
    """
    cluster = app.client.cluster()
    tokens = list(scope_and_pairs)
    node_id: str | None = None
    if tokens and "=" not in tokens[0]:
        scope = tokens.pop(0)
        if scope != CLUSTER:
            smap = cluster.get_info()
            node_id = _node_in(smap, scope)
            if node_id is None:
                raise _unknown_node(smap, scope)
            about(NodeRef(node_id))
    pairs = parse_pairs(tokens)
    if node_id is None:
        if transient:
            raise click.UsageError("--transient applies to a node's config only (name the node)")
        cluster.set_config(pairs)
        now = flatten(cluster.get_config())
    else:
        cluster.set_node_config(node_id, pairs, transient=transient)
        now = flatten(cluster.get_node_config(node_id))
    where = "the cluster" if node_id is None else f"node {node_id}"
    for key in pairs:
        # As the cluster stores it (`2m` reads back as 2m0s, `debug` as DEBUG).
        shown = now.get(key.strip().lower(), pairs[key])
        app.out.print(f"{key.strip().lower()} = {shown} on {where}", soft_wrap=True)

"""`KEY=VALUE` property changes (`mirror.copies=2`) -> the nested JSON of AIS's set-bprops."""

import json
from collections.abc import Iterable
from typing import Any

import click

__all__ = ["parse_changes"]


def _value(text: str) -> Any:
    """JSON when it parses (true, 2, null, "x", {...}), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_changes(pairs: Iterable[str]) -> dict[str, Any]:
    """Nested changes from `a.b=v` pairs, or one JSON object; a usage error for anything else."""
    listed = list(pairs)
    if len(listed) == 1 and listed[0].lstrip().startswith("{"):
        try:
            whole = json.loads(listed[0])
        except ValueError as exc:
            raise click.UsageError(f"invalid JSON properties: {exc}") from exc
        if not isinstance(whole, dict):
            raise click.UsageError("the JSON properties must be an object")
        return whole
    changes: dict[str, Any] = {}
    for pair in listed:
        key, sign, text = pair.partition("=")
        parts = key.strip().split(".")
        if not sign or not all(parts):
            raise click.UsageError(f"{pair!r} is not KEY=VALUE (e.g. mirror.copies=2)")
        node = changes
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise click.UsageError(f"{key} sets a field inside {part}, which is given a value too")
            node = child
        node[parts[-1]] = _value(text)
    return changes

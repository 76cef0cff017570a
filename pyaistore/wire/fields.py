"""Typed, bounded readers of parsed JSON and of numeric text.

Every value a node takes from a client or a peer is read through these, so a wrong type, an
out-of-range or over-long number, an over-long string or JSON nested too deeply is a ValueError
naming the field (answered 400), never a TypeError or RecursionError deep inside a handler.
Standard library only: the SDK imports wire.
"""

import json
from typing import Any, Final

from pyaistore.wire.limits import MAX_INT, MAX_INT_DIGITS, MAX_JSON_DEPTH, MAX_TEXT_FIELD

__all__ = [
    "as_dict",
    "as_int",
    "as_text",
    "check_depth",
    "field_bool",
    "field_int",
    "field_text",
    "int_text",
    "loads",
]

_SIGNS: Final = "+-"


def int_text(text: str, what: str, low: int = 0, high: int = MAX_INT) -> int:
    """A decimal integer in [low, high]; ValueError naming `what` (the text is never converted
    when it has more digits than a 64-bit value: Python's int() is quadratic in them)."""
    digits = text.strip()
    body = digits[1:] if digits[:1] in _SIGNS else digits
    if not body.isascii() or not body.isdigit():
        raise ValueError(f"{what}: {_show(text)} is not a decimal integer")
    if len(body.lstrip("0")) > MAX_INT_DIGITS:
        raise ValueError(f"{what}: {_show(text)} has more than {MAX_INT_DIGITS} digits")
    value = int(digits)
    if not low <= value <= high:
        raise ValueError(f"{what}: {value} is out of range [{low}, {high}]")
    return value


def as_int(value: object, what: str, low: int = 0, high: int = MAX_INT) -> int:
    """A JSON integer, or a decimal string (Go's `,string`), in [low, high]; never a bool or float."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{what}: expected an integer, got {type(value).__name__}")
    if isinstance(value, str):
        return int_text(value, what, low, high)
    if not low <= value <= high:
        raise ValueError(f"{what}: {value if abs(value) < 10**30 else 'a huge number'} is out of range")
    return value


def as_text(value: object, what: str, max_length: int = MAX_TEXT_FIELD) -> str:
    """A JSON string of at most `max_length` characters."""
    if not isinstance(value, str):
        raise ValueError(f"{what}: expected a string, got {type(value).__name__}")
    if len(value) > max_length:
        raise ValueError(f"{what}: longer than {max_length} characters")
    return value


def as_dict(value: object, what: str) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise ValueError(f"{what}: expected a JSON object, got {type(value).__name__}")
    return value


def field_text(data: dict[str, Any], key: str, default: str = "", max_length: int = MAX_TEXT_FIELD) -> str:
    """`data[key]` as a string; `default` when absent or null."""
    value = data.get(key)
    return default if value is None else as_text(value, key, max_length)


def field_int(data: dict[str, Any], key: str, default: int = 0, low: int = 0, high: int = MAX_INT) -> int:
    """`data[key]` as a bounded integer (number or decimal string); `default` when absent, null or ""."""
    value = data.get(key)
    return default if value is None or value == "" else as_int(value, key, low, high)


def field_bool(data: dict[str, Any], key: str, default: bool = False) -> bool:
    """`data[key]` as a JSON boolean; `default` when absent or null."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false, got {type(value).__name__}")
    return value


def check_depth(value: object, limit: int = MAX_JSON_DEPTH) -> None:
    """ValueError when arrays and objects nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            raise ValueError(f"JSON nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def loads(data: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text of bounded nesting (for headers and small bodies); ValueError otherwise."""
    try:
        value = json.loads(data)
    except RecursionError as exc:
        raise ValueError(f"JSON nested deeper than {limit} levels") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"invalid JSON: {exc}") from exc
    check_depth(value, limit)
    return value


def _show(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:40]) + f"... ({len(text)} characters)"

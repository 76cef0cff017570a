"""Expand object-name templates: `shard-{0000..0999}.tar`, `a-{1..9..2}`, `{train,val}/x`.

Numeric ranges follow the server's rule (jobs reference §2.1), so that iterating a template
on the client yields the names a multi-object job touches: `{START..END[..STEP]}`, zero-padded
to the shorter of the START and END texts. Comma lists are expanded on the client only.
Text that is not a well-formed group is kept literally.

Expansion is lazy (a range of a billion names costs nothing until iterated) and bounded: at most
MAX_GROUPS groups and numbers of at most 19 digits, as the server allows (wire/limits.py).
"""

from collections.abc import Iterable, Iterator
from typing import Final

from pyaistore.wire.limits import MAX_INT_DIGITS

__all__ = ["MAX_GROUPS", "expand_braces"]

_OPEN, _CLOSE, _COMMA, _DOTS = "{", "}", ",", ".."
# Groups expanded in one template (each is one level of recursion while iterating).
MAX_GROUPS: Final = 64


def expand_braces(template: str) -> Iterator[str]:
    """Yield every name the template describes, in order.

    Args:
        template: the template.

    Returns:
        An iterator over the expanded names.

    Raises:
        ValueError: a range's step is zero or negative, a number has more than 19 digits, or the
            template has more than MAX_GROUPS groups.
    """
    return _expand(template, 0)


def _expand(template: str, depth: int) -> Iterator[str]:
    if depth > MAX_GROUPS:
        raise ValueError(f"template has more than {MAX_GROUPS} brace groups")
    group = _first_group(template)
    if group is None:
        yield template
        return
    start, end, alternatives = group
    head, tail = template[:start], template[end + 1 :]
    for alternative in alternatives:
        for rest in _expand(alternative + tail, depth + 1):
            yield head + rest


def _first_group(template: str) -> tuple[int, int, Iterable[str]] | None:
    """Position and alternatives of the first expandable `{...}` group, else None."""
    search_from = 0
    while True:
        start = template.find(_OPEN, search_from)
        if start < 0:
            return None
        end = _matching_close(template, start)
        if end < 0:
            return None
        alternatives = _alternatives(template[start + 1 : end])
        if alternatives is not None:
            return start, end, alternatives
        search_from = start + 1


def _matching_close(text: str, start: int) -> int:
    """Index of the brace closing the one at `start`, or -1."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == _OPEN:
            depth += 1
        elif text[index] == _CLOSE:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _alternatives(body: str) -> Iterable[str] | None:
    """The expansions of a group's body: a numeric range or a top-level comma list; None if neither."""
    numbers = _numeric_range(body)
    if numbers is not None:
        return numbers
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in body:
        depth += (char == _OPEN) - (char == _CLOSE)
        if char == _COMMA and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts if len(parts) > 1 else None


def _numeric_range(body: str) -> Iterable[str] | None:
    """Expand `START..END[..STEP]` lazily, or None when the body is not of that form."""
    fields = body.split(_DOTS)
    if len(fields) not in (2, 3) or not all(field.isascii() and field.isdigit() for field in fields):
        return None
    if any(len(field) > MAX_INT_DIGITS for field in fields):
        raise ValueError(f"a number of more than {MAX_INT_DIGITS} digits in template range {{{body[:64]}}}")
    first, last = int(fields[0]), int(fields[1])
    step = int(fields[2]) if len(fields) == 3 else 1
    if step <= 0:
        raise ValueError(f"invalid step in template range {{{body}}}")
    width = min(len(fields[0]), len(fields[1]))
    if first <= last:
        numbers = range(first, last + 1, step)
    else:
        numbers = range(first, last - 1, -step)
    return (str(number).zfill(width) for number in numbers)

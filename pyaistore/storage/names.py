"""Validate bucket and object names before they become paths.

An object name becomes a relative path under its bucket's object directory, so the rules below
exist to make sure every name that passes maps to exactly one file inside that directory:
no empty, "." or ".." components, no absolute names, no NUL. `layout` checks containment once
more, defensively.
"""

import functools
import re
from typing import Final

from pyaistore.storage.errors import InvalidName
from pyaistore.wire.bucket_id import BucketId

__all__ = [
    "MAX_BUCKET_NAME",
    "MAX_COMPONENT_BYTES",
    "MAX_OBJECT_NAME",
    "validate_bucket_name",
    "validate_object_name",
]

MAX_OBJECT_NAME: Final = 1024
MAX_BUCKET_NAME: Final = 64
# NAME_MAX of Linux file systems: each "/"-separated part becomes one directory entry.
MAX_COMPONENT_BYTES: Final = 255
_BUCKET_CHARS: Final = re.compile(r"[A-Za-z0-9_.\-]+")


@functools.lru_cache(maxsize=4096)
def validate_bucket_name(name: str) -> None:
    """Raise InvalidName unless `name` is 1..64 of [A-Za-z0-9_.-], without ".." or a leading "."."""
    if not 0 < len(name) <= MAX_BUCKET_NAME:
        raise InvalidName(
            f'bucket name "{_printable(name)}" is invalid: must be 1 to {MAX_BUCKET_NAME} characters'
        )
    if not _BUCKET_CHARS.fullmatch(name):
        raise InvalidName(
            f'bucket name "{_printable(name)}" is invalid: may only contain letters, digits, "_", "." and "-"'
        )
    if ".." in name or name.startswith("."):
        raise InvalidName(f'bucket name "{name}" is invalid: may not contain ".." or start with "."')


def validate_object_name(bucket: BucketId, name: str) -> None:
    """Raise InvalidName unless `name` maps to a single file inside the bucket."""
    problem = _object_name_problem(name)
    if problem:
        raise InvalidName(f'object name "{bucket.object_cname(_printable(name))}" is invalid: {problem}')


def _object_name_problem(name: str) -> str:
    """Why `name` is not a valid object name, or "" if it is."""
    if not name:
        return "empty"
    if len(name) > MAX_OBJECT_NAME:
        return f"longer than {MAX_OBJECT_NAME} characters"
    if "\x00" in name:
        return "contains NUL"
    if name.startswith("/") or name.endswith("/"):
        return 'may not start or end with "/"'
    if name.startswith("~/"):
        return 'may not start with "~/"'
    for part in name.split("/"):
        if part in ("", ".", ".."):
            return 'may not contain "//", "." or ".." path components'
        try:
            size = len(part.encode("utf-8"))
        except UnicodeEncodeError:
            return "not valid UTF-8"
        if size > MAX_COMPONENT_BYTES:
            return f"a path component is longer than {MAX_COMPONENT_BYTES} bytes"
    return ""


def _printable(text: str) -> str:
    """`text` as is when printable, else with escapes (NUL and friends never reach a message)."""
    if text.isprintable():
        return text
    return text.encode("unicode_escape", errors="backslashreplace").decode("ascii")

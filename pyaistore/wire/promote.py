"""Promote: files on the targets' file system become objects (`POST /v1/objects/<bck>`, "promote").

The action value names the source (a file, or a directory whose files are taken, its
subdirectories too when recursive), the destination (the object name of a file, or the prefix
the files' paths relative to the directory go under), the one target to do it (else every
target) and what to do with existing objects and with the sources. As in AIS, a source must be
an absolute path under the promote root, without `.` or `..` parts; symbolic links are not
followed.
"""

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["PROMOTE_ROOT", "PromoteMsg", "source_problem"]

# The only tree sources may come from (AIS's apc.PromoteRoot); a node may be configured with another.
PROMOTE_ROOT: Final = "/var/lib/ais/promote"

TARGET_ID: Final = "tid"
SOURCE: Final = "src"
OBJECT_NAME: Final = "obj"
RECURSIVE: Final = "rcr"
OVERWRITE: Final = "ovw"
DELETE_SOURCE: Final = "dls"
NOT_FILE_SHARE: Final = "notshr"


@dataclass(frozen=True, slots=True)
class PromoteMsg:
    """The value of a promote action (AIS apc.PromoteArgs)."""

    source: str
    object_name: str = ""
    target_id: str = ""
    recursive: bool = False
    overwrite: bool = False
    delete_source: bool = False
    # The source is each target's own (not one share every target sees): every target takes every file.
    not_file_share: bool = False

    @classmethod
    def from_json(cls, value: Any) -> "PromoteMsg":
        """Parse the action value; ValueError on a wrong shape."""
        if not isinstance(value, Mapping):
            raise ValueError("promote: the action value must be an object")
        texts = {key: value.get(key) or "" for key in (TARGET_ID, SOURCE, OBJECT_NAME)}
        flags = {
            key: value.get(key) or False for key in (RECURSIVE, OVERWRITE, DELETE_SOURCE, NOT_FILE_SHARE)
        }
        for key, text in texts.items():
            if not isinstance(text, str):
                raise ValueError(f'promote: "{key}" must be a string')
        for key, flag in flags.items():
            if not isinstance(flag, bool):
                raise ValueError(f'promote: "{key}" must be true or false')
        return cls(
            source=texts[SOURCE],
            object_name=texts[OBJECT_NAME],
            target_id=texts[TARGET_ID],
            recursive=flags[RECURSIVE],
            overwrite=flags[OVERWRITE],
            delete_source=flags[DELETE_SOURCE],
            not_file_share=flags[NOT_FILE_SHARE],
        )

    def to_json(self) -> dict[str, Any]:
        """The action value as AIS sends it."""
        return {
            TARGET_ID: self.target_id,
            SOURCE: self.source,
            OBJECT_NAME: self.object_name,
            RECURSIVE: self.recursive,
            OVERWRITE: self.overwrite,
            DELETE_SOURCE: self.delete_source,
            NOT_FILE_SHARE: self.not_file_share,
        }


def source_problem(source: str, root: str = PROMOTE_ROOT) -> str:
    """Why `source` may not be promoted from (empty when it may): absolute, clean, under `root`."""
    if not source:
        return "missing source path"
    if not source.startswith("/"):
        return f"source path {source!r} is not absolute"
    if any(part in (".", "..") for part in source.split("/")) or posixpath.normpath(source) != source.rstrip(
        "/"
    ):
        return f"source path {source!r} is not clean (no '.', '..' or repeated '/')"
    clean_root = root.rstrip("/")
    if source.rstrip("/") == clean_root or not source.startswith(clean_root + "/"):
        return f"source path {source!r} is not under the promote root {clean_root!r}"
    return ""

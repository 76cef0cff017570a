"""Values of bucket-copy and multi-object actions (jobs reference §2): selection, copy options, archive.

Parsing raises ValueError with a message fit for a 400 reply. Field names are AIS's JSON tags.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from pyaistore.wire import query
from pyaistore.wire.bucket_id import BucketId

OBJNAMES: Final = "objnames"
TEMPLATE: Final = "template"
NUM_WORKERS: Final = "num-workers"
CONTINUE_ON_ERROR: Final = "coer"
NON_RECURSIVE: Final = "non-recurs"
PREFIX: Final = "prefix"
PREPEND: Final = "prepend"
DRY_RUN: Final = "dry_run"
FORCE: Final = "force"
LATEST_VER: Final = "latest-ver"
SYNCHRONIZE: Final = "synchronize"
EXT: Final = "ext"
ETL_NAME: Final = "id"
PIPELINE: Final = "pipeline"
REQUEST_TIMEOUT: Final = "request_timeout"
TO_BUCKET: Final = "tobck"
ARCHNAME: Final = "archname"
MIME: Final = "mime"
INCLUDE_SRC_BUCKET: Final = "isbn"
BASE_NAME_ONLY: Final = "bnonly"
APPEND_IF_EXISTS: Final = "aate"

# Archive formats (§3.1): the extensions an archive name may end with, longest first so that
# ".tar.gz" wins over ".gz"-less ".tar" checks; ".tgz" and ".tar.gz" are one format.
TAR: Final = query.ARCH_TAR
TGZ: Final = query.ARCH_TGZ
TAR_GZ: Final = query.ARCH_TAR_GZ
ZIP: Final = query.ARCH_ZIP
TAR_LZ4: Final = query.ARCH_TAR_LZ4
ARCHIVE_EXTENSIONS: Final = (TAR_LZ4, TAR_GZ, TGZ, ZIP, TAR)
_SAME_FORMAT: Final[Mapping[str, str]] = MappingProxyType({TAR_GZ: TGZ})

# Match-all templates select the whole bucket.
MATCH_ALL: Final = frozenset({"", "*"})


def _object(value: Any, action: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{action}: value must be a JSON object")
    return value


def _flag(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(f'"{key}" must be a boolean')
    return value


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f'"{key}" must be a string')
    return value


def _integer(body: Mapping[str, Any], key: str) -> int:
    value = body.get(key)
    if value is None:
        return 0
    if type(value) is not int:
        raise ValueError(f'"{key}" must be an integer')
    return value


def _bucket(body: Mapping[str, Any], key: str) -> BucketId | None:
    data = body.get(key)
    if not data:
        return None
    if not isinstance(data, dict):
        raise ValueError(f'"{key}" must be a bucket object')
    if not data.get("name"):
        return None
    return BucketId.from_json(data)


@dataclass(frozen=True, slots=True)
class ListRange:
    """Which objects: a list of names, a template, or (neither) the whole bucket."""

    names: tuple[str, ...] | None = None
    template: str = ""

    @property
    def is_list(self) -> bool:
        """True when objects are named one by one."""
        return self.names is not None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> "ListRange":
        """The selection part of an action value."""
        raw = body.get(OBJNAMES)
        template = _text(body, TEMPLATE)
        if raw is not None:
            if not isinstance(raw, list) or not all(isinstance(n, str) and n for n in raw):
                raise ValueError(f'"{OBJNAMES}" must be a list of object names')
            # An explicit empty list names nothing; it never means "the whole bucket".
            if raw or not template:
                return cls(names=tuple(raw))
        return cls(template=template)

    def to_json(self) -> dict[str, Any]:
        """The selection as AIS sends it."""
        if self.names is not None:
            return {OBJNAMES: list(self.names)}
        return {TEMPLATE: self.template}


@dataclass(frozen=True, slots=True)
class CopyOptions:
    """TCBMsg: options of a bucket or multi-object copy/transform."""

    prefix: str = ""
    prepend: str = ""
    dry_run: bool = False
    force: bool = False
    latest: bool = False
    sync: bool = False
    non_recursive: bool = False
    ext: Mapping[str, str] = field(default_factory=dict)
    num_workers: int = 0
    continue_on_error: bool = False
    etl_name: str = ""
    pipeline: tuple[str, ...] = ()
    request_timeout: str = ""

    @classmethod
    def from_json(cls, value: Any, action: str) -> "CopyOptions":
        """Parse a TCBMsg (also the copy part of a TCOMsg)."""
        body = _object(value, action)
        ext = body.get(EXT) or {}
        if not isinstance(ext, dict) or not all(isinstance(v, str) for v in ext.values()):
            raise ValueError(f'{action}: "{EXT}" must map extensions to extensions')
        pipeline = body.get(PIPELINE) or []
        if not isinstance(pipeline, list) or not all(isinstance(p, str) for p in pipeline):
            raise ValueError(f'{action}: "{PIPELINE}" must be a list of ETL names')
        options = cls(
            prefix=_text(body, PREFIX).removesuffix("*"),
            prepend=_text(body, PREPEND),
            dry_run=_flag(body, DRY_RUN),
            force=_flag(body, FORCE),
            latest=_flag(body, LATEST_VER),
            sync=_flag(body, SYNCHRONIZE),
            non_recursive=_flag(body, NON_RECURSIVE),
            ext={str(k): v for k, v in ext.items()},
            num_workers=_integer(body, NUM_WORKERS),
            continue_on_error=_flag(body, CONTINUE_ON_ERROR),
            etl_name=_text(body, ETL_NAME),
            pipeline=tuple(pipeline),
            request_timeout=_text(body, REQUEST_TIMEOUT),
        )
        if options.sync and options.prepend:
            raise ValueError(f'{action}: cannot synchronize with a non-empty prepend "{options.prepend}"')
        return options

    @property
    def etl_names(self) -> tuple[str, ...]:
        """The ETL and its pipeline, in the order they apply."""
        return (self.etl_name, *self.pipeline) if self.etl_name else self.pipeline

    def destination_name(self, name: str) -> str:
        """prepend + the name with its extension swapped when `ext` maps it (AIS's TCBMsg.ToName)."""
        dot = name.rfind(".")
        if self.ext and dot >= 0:
            current = name[dot + 1 :]
            replacement = self.ext.get(current, self.ext.get("." + current))
            if replacement is not None:
                name = name[: dot + 1] + replacement.lstrip(".")
        return self.prepend + name


@dataclass(frozen=True, slots=True)
class MultiObjectMsg:
    """A multi-object action value: selection, per-object options and (for copies) a destination."""

    selection: ListRange
    num_workers: int = 0
    continue_on_error: bool = False
    non_recursive: bool = False
    to_bucket: BucketId | None = None
    copy: CopyOptions = field(default_factory=CopyOptions)

    @classmethod
    def from_json(cls, value: Any, action: str) -> "MultiObjectMsg":
        """Parse EvdMsg, PrefetchMsg or TCOMsg (the copy options are parsed for every kind)."""
        body = _object(value, action)
        return cls(
            selection=ListRange.from_json(body),
            num_workers=_integer(body, NUM_WORKERS),
            continue_on_error=_flag(body, CONTINUE_ON_ERROR),
            non_recursive=_flag(body, NON_RECURSIVE),
            to_bucket=_bucket(body, TO_BUCKET),
            copy=CopyOptions.from_json(body, action),
        )


@dataclass(frozen=True, slots=True)
class ArchiveMsg:
    """The value of `archive`: which objects go into which archive, and how entries are named."""

    selection: ListRange
    archive_name: str
    archive_format: str
    to_bucket: BucketId | None = None
    include_src_bucket: bool = False
    base_name_only: bool = False
    append_if_exists: bool = False
    continue_on_error: bool = False
    non_recursive: bool = False

    @classmethod
    def from_json(cls, value: Any, action: str) -> "ArchiveMsg":
        """Parse an ArchiveBckMsg; the name must end in a supported extension agreeing with `mime`."""
        body = _object(value, action)
        name = _text(body, ARCHNAME)
        if not name:
            raise ValueError(f'{action}: missing "{ARCHNAME}"')
        return cls(
            selection=ListRange.from_json(body),
            archive_name=name,
            archive_format=strict_format(_text(body, MIME), name),
            to_bucket=_bucket(body, TO_BUCKET),
            include_src_bucket=_flag(body, INCLUDE_SRC_BUCKET),
            base_name_only=_flag(body, BASE_NAME_ONLY),
            append_if_exists=_flag(body, APPEND_IF_EXISTS),
            continue_on_error=_flag(body, CONTINUE_ON_ERROR),
            non_recursive=_flag(body, NON_RECURSIVE),
        )

    def entry_name(self, src_bucket: BucketId, name: str) -> str:
        """The member name of object `name` inside the archive."""
        if self.base_name_only:
            name = name.rsplit("/", 1)[-1]
        if self.include_src_bucket:
            name = f"{src_bucket.name}/{name}"
        return name


def format_by_extension(name: str) -> str:
    """The archive format of a name by its extension (".tar.gz" reads as ".tgz"); "" when none."""
    for ext in ARCHIVE_EXTENSIONS:
        if name.endswith(ext):
            return _SAME_FORMAT.get(ext, ext)
    return ""


def normalize_mime(mime: str) -> str:
    """A mime or extension given by a user ("tar.gz", "application/zip", ".tgz") -> the format."""
    if TAR_GZ[1:] in mime:
        return TGZ
    if TAR_LZ4[1:] in mime:
        return TAR_LZ4
    for ext in (TAR, TGZ, ZIP):
        if ext[1:] in mime:
            return ext
    raise ValueError(f'unknown mime type "{mime}"')


def strict_format(mime: str, name: str) -> str:
    """The format of a new archive: the name's extension is mandatory and must agree with `mime`."""
    by_name = format_by_extension(name)
    if not by_name:
        raise ValueError(
            f'unknown filename extension ("{name}"): expecting one of {", ".join(ARCHIVE_EXTENSIONS)}'
        )
    if mime and normalize_mime(mime) != by_name:
        raise ValueError(f'mime mismatch "{mime}" vs "{by_name}"')
    return by_name

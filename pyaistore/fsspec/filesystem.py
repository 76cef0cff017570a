"""AISFileSystem: fsspec's AbstractFileSystem over this SDK; buckets are top-level directories.

Reads are byte-range GETs of the blocks fsspec asks for (`AISFile._fetch_range`); writes spool to
a local temporary file and are PUT, streamed, when the file closes (objects are written whole, as
AIS writes them). Directories are name prefixes: `ls` is a non-recursive listing, `find` (and so
`glob`) one recursive listing under the prefix. A missing object or bucket is FileNotFoundError.
"""

import os
import tempfile
from typing import IO, Any, Final

from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.client import Client
from pyaistore.sdk.errors import ErrBckNotFound, ErrObjNotFound
from pyaistore.sdk.list_object_flag import ListObjectFlag
from pyaistore.sdk.provider import Provider

__all__ = ["AISFile", "AISFileSystem"]

PROTOCOL: Final = "ais"
FILE: Final = "file"
DIRECTORY: Final = "directory"


class AISFileSystem(AbstractFileSystem):  # type: ignore[misc]
    """The objects of one cluster as files: `ais://<bucket>/<object name>`.

    Args:
        endpoint: the cluster's URL (default $AIS_ENDPOINT).
        client: a ready SDK client (overrides `endpoint`).
        provider: the provider of the buckets (default "ais").
        **storage_options: passed on to fsspec.
    """

    protocol = PROTOCOL
    root_marker = ""

    def __init__(
        self,
        endpoint: str | None = None,
        client: Client | None = None,
        provider: str = Provider.AIS.value,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.client = client or Client(endpoint or os.environ.get("AIS_ENDPOINT"))
        self.provider = provider

    @classmethod
    def _strip_protocol(cls, path: Any) -> str:
        """`ais://b/k` -> `b/k` (lists are stripped item by item)."""
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]  # type: ignore[return-value]
        text = str(path)
        if text.startswith(PROTOCOL + "://"):
            text = text[len(PROTOCOL) + 3 :]
        return text.strip("/")

    def _bucket(self, name: str) -> Bucket:
        return self.client.bucket(name, provider=self.provider)

    @staticmethod
    def _split(path: str) -> tuple[str, str]:
        bucket, _, key = path.partition("/")
        return bucket, key

    # ---- listing ----

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        """The files and directories directly under `path` (buckets at the root)."""
        path = self._strip_protocol(path)
        bucket_name, key = self._split(path)
        if not bucket_name:
            found = [
                {"name": b.name, "size": 0, "type": DIRECTORY}
                for b in self.client.cluster().list_buckets(self.provider)
            ]
        else:
            found = self._list(bucket_name, key, recursive=False)
            if not found and key:
                info = self.info(path)
                if info["type"] == FILE:
                    found = [info]
        return found if detail else [entry["name"] for entry in found]

    def _list(self, bucket_name: str, key: str, recursive: bool) -> list[dict[str, Any]]:
        prefix = key + "/" if key and not key.endswith("/") else key
        flags = [] if recursive else [ListObjectFlag.NO_RECURSION]
        try:
            entries = self._bucket(bucket_name).list_objects_iter(
                prefix=prefix, props="name,size", flags=flags
            )
            found = []
            for entry in entries:
                name = f"{bucket_name}/{entry.name.rstrip('/')}"
                if entry.is_dir():
                    found.append({"name": name, "size": 0, "type": DIRECTORY})
                else:
                    found.append({"name": name, "size": entry.size, "type": FILE})
            return found
        except ErrBckNotFound as exc:
            raise FileNotFoundError(bucket_name) from exc

    def find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Every file under `path` (one recursive listing), with or without details."""
        path = self._strip_protocol(path)
        bucket_name, key = self._split(path)
        if not bucket_name or maxdepth is not None or withdirs:
            return super().find(path, maxdepth=maxdepth, withdirs=withdirs, detail=detail, **kwargs)
        found = {entry["name"]: entry for entry in self._list(bucket_name, key, recursive=True)}
        if not found and key:
            try:
                info = self.info(path)
                if info["type"] == FILE:
                    found = {info["name"]: info}
            except FileNotFoundError:
                pass
        return found if detail else sorted(found)

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """Size and type of `path`: an object, a prefix ("directory"), or a bucket."""
        path = self._strip_protocol(path)
        bucket_name, key = self._split(path)
        if not bucket_name:
            return {"name": "", "size": 0, "type": DIRECTORY}
        if not key:
            try:
                self._bucket(bucket_name).head()
            except ErrBckNotFound as exc:
                raise FileNotFoundError(path) from exc
            return {"name": bucket_name, "size": 0, "type": DIRECTORY}
        try:
            props = self._bucket(bucket_name).object(key).head()
            return {"name": path, "size": props.size, "type": FILE}
        except (ErrObjNotFound, ErrBckNotFound):
            pass
        if self._has_children(bucket_name, key):
            return {"name": path, "size": 0, "type": DIRECTORY}
        raise FileNotFoundError(path)

    def _has_children(self, bucket_name: str, key: str) -> bool:
        try:
            page = self._bucket(bucket_name).list_objects(
                prefix=key.rstrip("/") + "/", props="name", page_size=1
            )
        except ErrBckNotFound:
            return False
        return bool(page.entries)

    # ---- reading, writing, removing ----

    def cat_file(self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any) -> bytes:
        """The bytes of an object, or of [start, end)."""
        bucket_name, key = self._split(self._strip_protocol(path))
        obj = self._bucket(bucket_name).object(key)
        try:
            if start is None and end is None:
                return obj.get_reader().read_all()
            size = obj.head().size if (start or 0) < 0 or (end is not None and end < 0) else None
            first, last = _absolute(start, end, size)
            if last is not None and last <= first:
                return b""
            tail = "" if last is None else str(last - 1)
            return obj.get_reader(byte_range=f"bytes={first}-{tail}").read_all()
        except (ErrObjNotFound, ErrBckNotFound) as exc:
            raise FileNotFoundError(path) from exc

    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> "AISFile":
        return AISFile(
            self, path, mode, block_size or "default", autocommit, cache_options=cache_options, **kwargs
        )

    def pipe_file(self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any) -> None:
        """Write an object in one PUT."""
        bucket_name, key = self._split(self._strip_protocol(path))
        self._bucket(bucket_name).object(key).get_writer().put_content(value)
        self.invalidate_cache(path)

    def put_file(
        self, lpath: str, rpath: str, callback: Any = None, mode: str = "overwrite", **kwargs: Any
    ) -> None:
        """Upload a local file (streamed)."""
        if os.path.isdir(lpath):
            return
        bucket_name, key = self._split(self._strip_protocol(rpath))
        self._bucket(bucket_name).object(key).get_writer().put_file(lpath)

    def rm_file(self, path: str) -> None:
        """Delete one object."""
        bucket_name, key = self._split(self._strip_protocol(path))
        try:
            self._bucket(bucket_name).object(key).delete()
        except (ErrObjNotFound, ErrBckNotFound) as exc:
            raise FileNotFoundError(path) from exc
        self.invalidate_cache(path)

    def _rm(self, path: str) -> None:
        self.rm_file(path)

    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        """A bucket is created; deeper directories exist once an object is under them."""
        bucket_name, key = self._split(self._strip_protocol(path))
        if not key:
            self._bucket(bucket_name).create(exist_ok=True)

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        """As mkdir."""
        self.mkdir(path)

    def rmdir(self, path: str) -> None:
        """Nothing to remove: a prefix disappears with its last object."""

    def modified(self, path: str) -> Any:
        """Not tracked per object through this interface."""
        raise NotImplementedError("ais:// objects expose no modification time here")


def _absolute(start: int | None, end: int | None, size: int | None) -> tuple[int, int | None]:
    first = start or 0
    if first < 0 and size is not None:
        first = max(0, size + first)
    last = end
    if last is not None and last < 0 and size is not None:
        last = size + last
    return first, last


class AISFile(AbstractBufferedFile):  # type: ignore[misc]
    """A file of AISFileSystem: ranged reads; writes spooled locally and PUT on close."""

    def __init__(self, fs: AISFileSystem, path: str, mode: str = "rb", *args: Any, **kwargs: Any) -> None:
        super().__init__(fs, path, mode, *args, **kwargs)
        self._spool: IO[bytes] | None = None

    def _fetch_range(self, start: int, end: int) -> bytes:
        return bytes(self.fs.cat_file(self.path, start, end))

    def _initiate_upload(self) -> None:
        self._spool = tempfile.NamedTemporaryFile(prefix="ais-fsspec-", delete=False)

    def _upload_chunk(self, final: bool = False) -> bool:
        assert self._spool is not None
        self.buffer.seek(0)
        while chunk := self.buffer.read(1 << 20):
            self._spool.write(chunk)
        if final:
            self._spool.close()
            try:
                bucket_name, key = AISFileSystem._split(self.fs._strip_protocol(self.path))
                self.fs._bucket(bucket_name).object(key).get_writer().put_file(self._spool.name)
            finally:
                os.unlink(self._spool.name)
                self._spool = None
            self.fs.invalidate_cache(self.path)
        return True

"""Listing an object store's bucket: names, sizes or metadata, each object once, across its mountpaths.

`StoreListing` is the part of ObjectStore (object_store.py) that walks the objects directories:
one walk per available mountpath, merged in name order (a name with copies on several mountpaths
is listed once), with the size from one lstat or the metadata from one getxattr where the walk
found the object. ObjectStore inherits it.
"""

import stat
from collections.abc import Callable, Iterator

from pyaistore.storage import layout, listing
from pyaistore.storage.errors import CorruptMeta, MountpathUnavailable, ObjectNotFound
from pyaistore.storage.meta_store import MetaStore
from pyaistore.storage.mountpaths import Mountpath, MountpathSet, unavailable_as_error
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire.bucket_id import BucketId

__all__ = ["StoreListing"]


class StoreListing:
    """The listing calls of ObjectStore, over its mountpaths and metadata store."""

    # Provided by ObjectStore: its mountpaths, its metadata store, and its head (which reads sidecar
    # metadata under the object's lock).
    mountpaths: MountpathSet
    _meta: MetaStore
    head: Callable[[BucketId, str], ObjectMeta]

    def list_names(
        self, bucket: BucketId, prefix: str = "", after: str = "", recursive: bool = True
    ) -> Iterator[tuple[str, bool]]:
        """Lazily yield (name, is_dir) in ascending order, name > after, across the available mountpaths.

        A name with copies on several mountpaths is yielded once.
        """
        for name, is_dir, _ in self._list_found(self.mountpaths.available, bucket, prefix, after, recursive):
            yield name, is_dir

    def list_entries(
        self,
        bucket: BucketId,
        prefix: str = "",
        after: str = "",
        limit: int = 0,
        recursive: bool = True,
        with_meta: bool = False,
    ) -> list[tuple[str, bool, ObjectMeta | None]]:
        """Up to `limit` (0: no limit) listing entries, each object once, with metadata if asked.

        The metadata is read where the walk found the object (one getxattr per object on xattr
        mountpaths, no name validation or placement: the name came from the disk). Objects that
        vanish (or whose metadata cannot be read) between listing and reading are skipped.
        """
        mountpaths = self.mountpaths.available
        bases = [str(layout.bucket_dir(mp, bucket)) for mp in mountpaths]
        entries: list[tuple[str, bool, ObjectMeta | None]] = []
        for name, is_dir, index in self._list_found(mountpaths, bucket, prefix, after, recursive):
            meta = None
            if with_meta and not is_dir:
                meta = self._listed_meta(mountpaths[index], bucket, name, bases[index])
                if meta is None:
                    continue
            entries.append((name, is_dir, meta))
            if 0 < limit <= len(entries):
                break
        return entries

    def list_sizes(
        self, bucket: BucketId, prefix: str = "", after: str = "", limit: int = 0, recursive: bool = True
    ) -> list[tuple[str, bool, int]]:
        """Up to `limit` (0: no limit) (name, is_dir, size) entries, each object once, no metadata read.

        The size is the data file's, from one lstat per object: every regular file under an
        objects directory is a published object whose size is its metadata's (writers fill work
        files elsewhere and rename them in complete, metadata already set; append sessions,
        multipart parts, EC slices and mirror copies in progress live outside `obj/`). Objects that
        vanish between listing and stat are skipped, as `list_entries` skips them.
        """
        mountpaths = self.mountpaths.available
        stats = [listing.FileStat(str(layout.objects_dir(mp, bucket))) for mp in mountpaths]
        entries: list[tuple[str, bool, int]] = []
        try:
            for name, is_dir, index in self._list_found(mountpaths, bucket, prefix, after, recursive):
                if is_dir:
                    entries.append((name, True, 0))
                else:
                    try:
                        info = stats[index].lstat(name)
                    except OSError as exc:
                        if not _vanished(exc, mountpaths[index]):
                            raise
                        continue
                    if not stat.S_ISREG(info.st_mode):
                        continue  # replaced by a directory since the walk saw it
                    entries.append((name, False, info.st_size))
                if 0 < limit <= len(entries):
                    break
        finally:
            for file_stat in stats:
                file_stat.close()
        return entries

    def _list_found(
        self, mountpaths: tuple[Mountpath, ...], bucket: BucketId, prefix: str, after: str, recursive: bool
    ) -> Iterator[tuple[str, bool, int]]:
        """(name, is_dir, index of the mountpath it was found on), ascending, each name once."""
        walks = [_walk_tagged(mp, at, bucket, prefix, after, recursive) for at, mp in enumerate(mountpaths)]
        return walks[0] if len(walks) == 1 else listing.merge_found(walks)  # one walk repeats no name

    def _listed_meta(self, mp: Mountpath, bucket: BucketId, name: str, base: str) -> ObjectMeta | None:
        """The metadata of an object a walk found on `mp`; None when it is gone or unreadable."""
        if not self._meta.uses_xattrs(mp):  # sidecars are read under the object's lock
            try:
                return self.head(bucket, name)
            except (ObjectNotFound, CorruptMeta, MountpathUnavailable):
                return None
        try:
            with unavailable_as_error(mp):
                meta = self._meta.head(layout.listed(mp, bucket, name, base))
        except (FileNotFoundError, ValueError, MountpathUnavailable):
            return None
        meta.mountpath = mp.root_str
        return meta


def _vanished(exc: OSError, mp: Mountpath) -> bool:
    """Whether a listed object's lstat failed because it is gone (or its disk is): skip it."""
    return isinstance(exc, (FileNotFoundError, NotADirectoryError)) or mp.failure(exc) is not None


def _walk_tagged(
    mp: Mountpath, index: int, bucket: BucketId, prefix: str, after: str, recursive: bool
) -> Iterator[tuple[str, bool, int]]:
    """listing.walk of one mountpath, each entry tagged with `index` (where it was found), its disk
    failures typed (a vanished root lists nothing)."""
    with unavailable_as_error(mp):
        for name, is_dir in listing.walk(layout.objects_dir(mp, bucket), prefix, after, recursive):
            yield name, is_dir, index

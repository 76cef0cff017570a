"""Resilver: put every object of a node back where its mountpaths say, with the right number of copies.

After a mountpath is attached, enabled, disabled or detached, objects sit on mountpaths that are no
longer their HRW ones, and copies are missing or in excess. `resilver` walks every object of the
given buckets on every available mountpath (each name once) and, under the object's stripe lock,
`ObjectStore.reconcile`s it: the freshest copy (the one written last, see `mirror.Copy.freshness`)
goes to the first `copies` mountpaths of the object's HRW ranking, and every other copy is removed.
So a misplaced object moves home, a main copy lost with its disk comes back from a surviving copy,
and a stale copy never overwrites a newer one. It never moves data between nodes.

Safe while PUT, GET and DELETE run: each object is handled under the lock every write takes, and
reads that miss during a move retry under that lock. Idempotent: a second run changes nothing. The
`abort` callback is checked between objects; `progress` gets the running totals after each object.
`make_n_copies` is the same walk for one bucket with a validated number of copies (the
make-n-copies job).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from pyaistore.storage.errors import CorruptMeta, InvalidName, InvalidProps, NameConflict, TooManyCopies
from pyaistore.storage.object_store import ObjectStore
from pyaistore.wire.bucket_id import BucketId

__all__ = ["MAX_COPIES", "ResilverStats", "check_copies", "make_n_copies", "resilver"]

MAX_COPIES: Final = 16  # AIS: make-n-copies takes 1..16 (reference section 4.2)


@dataclass
class ResilverStats:
    """Running totals of one resilver: objects visited, objects changed, bytes written."""

    objects: int = 0
    moved: int = 0
    bytes_moved: int = 0
    errors: int = 0  # objects skipped: corrupt metadata, a foreign name, a conflict between mountpaths
    aborted: bool = False


def resilver(
    store: ObjectStore,
    copies: Mapping[BucketId, int],
    abort: Callable[[], bool] | None = None,
    progress: Callable[[ResilverStats], None] | None = None,
) -> ResilverStats:
    """Reconcile every object of every bucket in `copies` (bucket -> copies wanted, 1 = no mirror).

    More copies than available mountpaths make as many as there are. A disk failing meanwhile
    raises MountpathUnavailable (disable it, then resilver again).
    """
    stats = ResilverStats()
    for bucket, wanted in copies.items():
        for name, is_dir in store.list_names(bucket):
            if abort is not None and abort():
                stats.aborted = True
                return stats
            if is_dir:
                continue
            stats.objects += 1
            try:
                done = store.reconcile(bucket, name, wanted)
            except (CorruptMeta, InvalidName, NameConflict):
                stats.errors += 1
                continue
            if done.changed:
                stats.moved += 1
                stats.bytes_moved += done.bytes_written
            if progress is not None:
                progress(stats)
    return stats


def make_n_copies(
    store: ObjectStore,
    bucket: BucketId,
    copies: int,
    abort: Callable[[], bool] | None = None,
    progress: Callable[[ResilverStats], None] | None = None,
) -> ResilverStats:
    """Give every object of `bucket` exactly `copies` copies (1 removes the extra ones).

    InvalidProps outside [1, MAX_COPIES]; TooManyCopies beyond the available mountpaths.
    """
    check_copies(store, copies)
    return resilver(store, {bucket: copies}, abort, progress)


def check_copies(store: ObjectStore, copies: int) -> None:
    """InvalidProps outside [1, MAX_COPIES]; TooManyCopies beyond the available mountpaths."""
    if not 1 <= copies <= MAX_COPIES:
        raise InvalidProps(f"invalid num copies {copies}, must be in [1, {MAX_COPIES}] range")
    available = len(store.mountpaths.available)
    if copies > available:
        raise TooManyCopies(copies, available)

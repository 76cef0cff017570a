"""A target's object and slice stores, opened the same way by its main process and its HTTP workers."""

from typing import Final

from pyaistore.config import NodeConfig
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.slice_store import SliceStore

__all__ = ["EC_LOCKS", "LOCKS_DIR", "MOUNTPATHS_FILE", "open_slices", "open_store"]

# In the target's data dir: its persisted mountpath state, and the write-lock stripes of its
# processes (outside every mountpath, so detaching a disk cannot split them).
MOUNTPATHS_FILE: Final = "mountpaths.json"
LOCKS_DIR: Final = ".locks"
# The EC slice store's lock stripes, under LOCKS_DIR (apart from the objects' stripes).
EC_LOCKS: Final = "ec"


def open_store(config: NodeConfig, worker: bool = False) -> ObjectStore:
    """The store on the target's mountpaths as persisted (merged with the configured ones).

    Only the main process changes mountpaths (and so writes the state file); a worker follows
    it (MountpathSet's `follower`): it reads the file at start, then `apply`s the snapshots the
    main process sends.
    """
    mountpaths = MountpathSet(
        config.disk_roots, state_file=config.data_dir / MOUNTPATHS_FILE, fsync=config.fsync, follower=worker
    )
    return ObjectStore(
        mountpaths, lock_dir=config.data_dir / LOCKS_DIR, fsync=config.fsync, journal=config.write_journal
    )


def open_slices(config: NodeConfig, store: ObjectStore) -> SliceStore:
    """The EC slice store on the object store's mountpaths, its lock stripes in the data dir.

    Every process of the target names the same lock directory, outside every mountpath: with the
    default (the first mountpath's), a disk lost would take the locks with it, and a worker
    started after the first mountpath was disabled would lock elsewhere than the main process.
    """
    return SliceStore(store.mountpaths, fsync=config.fsync, lock_dir=config.data_dir / LOCKS_DIR / EC_LOCKS)

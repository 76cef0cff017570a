"""Writes of one object are serialised across processes sharing the disks, not only threads."""

import multiprocessing
import os
from pathlib import Path

from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_locks import LOCKS_DIR, StripeLocks
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

BUCKET = BucketId("locks")
WRITES = 25


def _writer(root: str, tag: int) -> None:
    store = ObjectStore(MountpathSet([root]), fsync=False)
    for index in range(WRITES):
        with store.writer(BUCKET, "shared", WriteProps(custom={"by": f"{tag}-{index}"})) as writer:
            writer.write(os.urandom(64))
            writer.commit()


def test_versions_stay_consecutive_across_processes(tmp_path: Path) -> None:
    root = str(tmp_path / "mp0")
    ObjectStore(MountpathSet([root])).ensure_bucket(BUCKET)
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_writer, args=(root, tag)) for tag in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    meta = ObjectStore(MountpathSet([root])).head(BUCKET, "shared")
    # Every publish read the previous version under the lock: no two processes got the same one.
    assert meta.version == str(4 * WRITES)


def test_stripe_choice_is_stable_across_instances(tmp_path: Path) -> None:
    first, second = StripeLocks(tmp_path / LOCKS_DIR), StripeLocks(tmp_path / LOCKS_DIR)
    names = [f"ais/@#/b/o{i}" for i in range(50)]
    indices_first = [first._stripes.index(first.for_name(n)) for n in names]
    indices_second = [second._stripes.index(second.for_name(n)) for n in names]
    assert indices_first == indices_second
    assert len(set(indices_first)) > 10


def _try_in_other_process(directory: str, uname: str, answer: "multiprocessing.Queue[bool]") -> None:
    lock = StripeLocks(Path(directory)).for_name(uname)
    taken = lock.try_acquire()
    if taken:
        lock.release()
    answer.put(taken)


def test_try_acquire_never_waits_for_a_thread_or_a_process(tmp_path: Path) -> None:
    lock = StripeLocks(tmp_path / LOCKS_DIR).for_name("bkt/obj")
    with lock:
        assert not lock.try_acquire()  # held by this thread: refused, not re-entered
        context = multiprocessing.get_context("spawn")
        answer = context.Queue()
        args = (str(tmp_path / LOCKS_DIR), "bkt/obj", answer)
        proc = context.Process(target=_try_in_other_process, args=args)
        proc.start()
        assert answer.get(timeout=60) is False  # the file lock refuses the other process at once
        proc.join(timeout=60)
    assert lock.try_acquire()
    lock.release()  # released by try_acquire's taker, from any thread
    with lock:
        pass

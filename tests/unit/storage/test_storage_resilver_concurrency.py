"""resilver under load: concurrent PUT, GET and DELETE never lose the newer version nor fail a read."""

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from mirror_helpers import BUCKET, assert_copies, make_store, put, read

from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.resilver import resilver

NAMES = [f"c/{i}" for i in range(60)]
ROUNDS = 25


def test_concurrent_writes_reads_and_deletes_during_resilver(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 3)
    for name in NAMES:
        put(store, name, b"0:" + name.encode(), copies=2)
    (tmp_path / "new").mkdir()
    store.attach(tmp_path / "new", [BUCKET])  # now most objects are misplaced
    written, deleted = NAMES[:8], set(NAMES[8::3])
    stable = [name for name in NAMES if name not in written and name not in deleted]
    failures: list[BaseException] = []
    done = threading.Event()

    def guarded(body: Callable[[], None]) -> threading.Thread:
        def run() -> None:
            try:
                body()
            except BaseException as exc:  # surfaced by the main thread
                failures.append(exc)

        return threading.Thread(target=run)

    def writer() -> None:
        for round_ in range(1, ROUNDS + 1):
            for name in written:
                data = f"{round_}:".encode() + name.encode()
                assert put(store, name, data, copies=2).version == str(round_ + 1), name
                assert read(store, name) == data, name  # only this thread writes it: nothing older

    def deleter() -> None:
        for name in sorted(deleted):
            store.delete(BUCKET, name)

    def reader() -> None:
        while not done.is_set():
            for name in stable:  # never written nor deleted: must always be found
                assert read(store, name) == b"0:" + name.encode()

    workers = [guarded(writer), guarded(deleter), guarded(reader)]
    for thread in workers:
        thread.start()
    passes = 0
    while passes == 0 or any(thread.is_alive() for thread in workers[:2]):
        resilver(store, {BUCKET: 2})  # again and again while the writers run
        passes += 1
    done.set()
    workers[2].join()
    assert not failures, failures
    for name in NAMES:
        if name in deleted:
            with pytest.raises(ObjectNotFound):
                read(store, name)
            continue
        expected = (f"{ROUNDS}:" if name in written else "0:").encode() + name.encode()
        meta = assert_copies(store, name, 2, expected)
        assert meta.version == (str(ROUNDS + 1) if name in written else "1")

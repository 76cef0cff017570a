"""Concurrency: same-name commits serialise into consecutive versions; readers see whole objects."""

import threading
from concurrent.futures import ThreadPoolExecutor

from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

THREADS = 8
PUTS_PER_THREAD = 10


def test_concurrent_writers_produce_consecutive_versions(any_store: ObjectStore, bucket: BucketId) -> None:
    start = threading.Barrier(THREADS)

    def writer(index: int) -> list[str]:
        start.wait()
        versions = []
        for round_ in range(PUTS_PER_THREAD):
            with any_store.writer(bucket, "hot", WriteProps()) as w:
                w.write(f"{index}:{round_}".encode() * 1000)
                versions.append(w.commit().version)
        return versions

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(writer, range(THREADS)))
    versions = sorted(int(v) for result in results for v in result)
    assert versions == list(range(1, THREADS * PUTS_PER_THREAD + 1))
    assert any_store.head(bucket, "hot").version == str(THREADS * PUTS_PER_THREAD)


def test_readers_never_see_partial_objects(any_store: ObjectStore, bucket: BucketId) -> None:
    bodies = [bytes([i]) * (256 * 1024) for i in range(1, 6)]
    with any_store.writer(bucket, "o", WriteProps()) as w:
        w.write(bodies[0])
        w.commit()
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            for body in bodies:
                with any_store.writer(bucket, "o", WriteProps()) as w:
                    w.write(body)
                    w.commit()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        for _ in range(200):
            with any_store.open(bucket, "o") as obj:
                data = b"".join(obj.read_range(0, obj.size))
                assert data in bodies
                assert obj.meta.size == len(data)
    finally:
        stop.set()
        thread.join()

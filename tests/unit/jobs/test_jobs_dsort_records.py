"""dsort records: keys, blobs, the memory limit with spill, orders, and cutting into shards."""

import io
import tarfile
from pathlib import Path

import pytest

from pyaistore.jobs import dsort_records as records
from pyaistore.jobs.dsort_records import RecordMeta
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.wire.dsort import Algorithm


def _meta(key: str, size: int = 1024, sort_key: object = None, position: int = 0) -> RecordMeta:
    return RecordMeta("t1", hash(key) & 0xFFFF, key, size, sort_key, position)


def test_keys_and_blobs() -> None:
    assert records.record_key("a/b/0001.seg.png") == "a/b/0001" and records.record_key("x") == "x"
    members = [("a.jpg", b"1" * 10), ("a.cls", b"")]
    assert records.decode_blob(records.encode_blob(members)) == members
    with pytest.raises(ValueError):
        records.decode_blob(b"")


def test_store_keeps_memory_within_the_limit_and_spills(tmp_path: Path) -> None:
    store = records.RecordStore(tmp_path / "spill", mem_limit=250)
    blobs = {i: records.encode_blob([(f"r{i}", bytes([i]) * 100)]) for i in range(6)}
    for record_id, blob in blobs.items():
        store.add(record_id, blob)
    assert store.mem_bytes <= 250 and store.disk_count == 4
    assert all(store.read(i) == blob for i, blob in blobs.items())
    store.close()
    assert not (tmp_path / "spill" / "spill").exists()


def test_a_spill_never_recreates_a_vanished_work_dir(tmp_path: Path) -> None:
    store = records.RecordStore(tmp_path / "disk" / ".work" / "dsort-x", mem_limit=0)
    with pytest.raises(FileNotFoundError):
        store.add(1, records.encode_blob([("r", b"x")]))
    assert not (tmp_path / "disk").exists()  # the disk's root is not created again


def test_records_of_a_tar_group_adjacent_members() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in ("a.jpg", "a.cls", "b.jpg", "c.jpg", "c.cls"):
            info = tarfile.TarInfo(name)
            tar.addfile(info, io.BytesIO(b""))
    buffer.seek(0)
    found = [[n for n, _ in members] for members in records.records_of(buffer, ".tar", "x")]
    assert found == [["a.jpg", "a.cls"], ["b.jpg"], ["c.jpg", "c.cls"]]


def test_orders() -> None:
    metas = [
        _meta("b", sort_key=2, position=0),
        _meta("a", sort_key=3, position=1),
        _meta("c", sort_key=1, position=2),
    ]

    def keys(found: list[RecordMeta]) -> list[str]:
        return [m.key for m in found]

    assert keys(records.order(metas, Algorithm())) == ["a", "b", "c"]
    assert keys(records.order(metas, Algorithm(decreasing=True))) == ["c", "b", "a"]
    assert keys(records.order(metas, Algorithm("content", extension=".cls", content_key_type="int"))) == [
        "c",
        "b",
        "a",
    ]
    assert keys(records.order(metas, Algorithm("none"))) == ["b", "a", "c"]
    seeded = [keys(records.order(metas, Algorithm("shuffle", seed="9"))) for _ in range(2)]
    assert seeded[0] == seeded[1] and sorted(seeded[0]) == ["a", "b", "c"]


def test_shards_hold_whole_records_and_run_out_of_names() -> None:
    metas = [_meta(f"k{i}", size) for i, size in enumerate((600, 600, 1500, 100))]
    shards = records.plan_shards(metas, 1024, "out-{0..9}", ".tar")
    assert [(s.name, [m.key for m in s.records]) for s in shards] == [
        ("out-0.tar", ["k0"]),
        ("out-1.tar", ["k1"]),
        ("out-2.tar", ["k2"]),
        ("out-3.tar", ["k3"]),
    ]
    with pytest.raises(InvalidJobRequest):
        records.plan_shards(metas, 1024, "out-{0..1}", ".tar")
    ekm = records.plan_shards_ekm(
        metas, 10_000, {"even-%d.tar": ["k0.jpg", "k2"], "odd-%d.tar": ["k1", "k3"]}, ".tar"
    )
    assert {s.name: [m.key for m in s.records] for s in ekm} == {
        "even-0.tar": ["k0", "k2"],
        "odd-0.tar": ["k1", "k3"],
    }

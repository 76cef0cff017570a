"""meta_store: xattr persistence, the probe, and the per-inode sidecar fallback."""

import os
from pathlib import Path

import pytest

from pyaistore.storage import layout, meta_store
from pyaistore.storage.meta_store import MetaStore
from pyaistore.storage.mountpaths import Mountpath
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire.bucket_id import BucketId


def _meta(version: str) -> ObjectMeta:
    return ObjectMeta("o", 1, "none", "", version, 1, {"v": version})


@pytest.fixture
def location(tmp_path: Path) -> layout.ObjectLocation:
    mp = Mountpath(tmp_path)
    layout.work_dir(mp).mkdir()
    return layout.locate(mp, BucketId("b"), "o")


def _new_file(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def test_xattr_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    meta_store.write(path, _meta("1"))
    assert os.getxattr(path, meta_store.XATTR_NAME) == _meta("1").encode()
    assert meta_store.read(path) == _meta("1")


def test_missing_xattr_reads_as_not_found(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with pytest.raises(FileNotFoundError):
        meta_store.read(path)


def test_probe_finds_xattrs_and_leaves_nothing(location: layout.ObjectLocation) -> None:
    store = MetaStore()
    assert store.uses_xattrs(location.mountpath)
    assert list(layout.work_dir(location.mountpath).iterdir()) == []


def test_sidecar_keeps_the_entry_of_the_inode_in_place(location: layout.ObjectLocation) -> None:
    store = MetaStore(use_xattrs=False)
    assert not store.uses_xattrs(location.mountpath)
    old_fd = _new_file(location.data)
    store.save(location, old_fd, _meta("1"))
    # A new version is staged (sidecar first), but the crash comes before the data rename:
    work = layout.work_path(location.mountpath, layout.new_token())
    new_fd = _new_file(work)
    store.save(location, new_fd, _meta("2"))
    assert store.load(location, old_fd) == _meta("1")
    assert store.load(location, new_fd) == _meta("2")
    os.replace(work, location.data)
    fd, meta = store.open_object(location)
    assert meta == _meta("2")
    for descriptor in (fd, old_fd, new_fd):
        os.close(descriptor)


def test_sidecar_without_matching_inode_is_not_found(location: layout.ObjectLocation) -> None:
    store = MetaStore(use_xattrs=False)
    fd = _new_file(location.data)
    with pytest.raises(FileNotFoundError):
        store.load(location, fd)
    os.close(fd)


def test_open_object_refuses_directories_and_symlinks(
    location: layout.ObjectLocation, tmp_path: Path
) -> None:
    store = MetaStore()
    location.data.mkdir(parents=True)
    with pytest.raises(FileNotFoundError):
        store.open_object(location)
    location.data.rmdir()
    target = tmp_path / "elsewhere"
    target.write_bytes(b"secret")
    meta_store.write(target, _meta("1"))
    location.data.symlink_to(target)
    with pytest.raises(FileNotFoundError):
        store.open_object(location)


def test_corrupt_xattr_is_a_value_error(location: layout.ObjectLocation) -> None:
    fd = _new_file(location.data)
    os.setxattr(fd, meta_store.XATTR_NAME, b"{broken")
    os.close(fd)
    with pytest.raises(ValueError):
        MetaStore().open_object(location)


def test_save_file_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file"
    meta_store.save_file(target, b"one", tmp_path / "t1")
    meta_store.save_file(target, b"two", tmp_path / "t2", fsync=False)
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]
    with pytest.raises(IsADirectoryError):
        meta_store.save_file(tmp_path / "sub", b"x", tmp_path / "t3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]  # the temp file is gone


def test_a_save_over_a_corrupt_sidecar_heals_it(location: layout.ObjectLocation) -> None:
    store = MetaStore(use_xattrs=False)
    old_fd = _new_file(location.data)
    location.sidecar.parent.mkdir(parents=True, exist_ok=True)
    location.sidecar.write_bytes(b"{not json")
    with pytest.raises(ValueError):
        store.load(location, old_fd)
    work = layout.work_path(location.mountpath, layout.new_token())
    new_fd = _new_file(work)
    store.save(location, new_fd, _meta("2"))
    os.replace(work, location.data)
    assert store.load(location, new_fd) == _meta("2")
    for descriptor in (old_fd, new_fd):
        os.close(descriptor)


def test_an_xattr_too_large_for_the_file_system_is_not_a_full_disk(tmp_path: Path) -> None:
    """ext4 says ENOSPC for an attribute over its one block whatever the free space: that is
    MetadataTooLarge (400), never NoSpace (507)."""
    import errno
    import os

    from pyaistore.storage.errors import MetadataTooLarge
    from pyaistore.storage.meta_store import set_xattr

    path = tmp_path / "f"
    path.write_bytes(b"x")
    try:
        os.setxattr(path, "user.probe", b"1")
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip("no user xattrs here")
        raise
    set_xattr(path, "user.small", b"{}")
    try:
        set_xattr(path, "user.big", b"x" * 8000)  # over ext4's one block: ENOSPC there
    except MetadataTooLarge:
        return
    pytest.skip("this file system takes 8 KB attributes")

"""promote_files: which files a source holds and the object names they get (real files, tmp dirs)."""

import os
from pathlib import Path

import pytest

from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.promote_files import check_source, sources
from pyaistore.wire.promote import PromoteMsg


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    top = tmp_path / "src"
    for name in ("b", "a", "sub/c", "sub/deep/d", "z/e"):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(name)
    (top / "link").symlink_to(top / "a")
    (top / "sub" / "dirlink").symlink_to(top / "z")
    os.mkfifo(top / "fifo")
    return top


def test_a_directory_gives_its_regular_files_in_name_order(tree: Path) -> None:
    assert sources(PromoteMsg(str(tree), "p/")) == [(str(tree / "a"), "p/a"), (str(tree / "b"), "p/b")]


def test_recursive_takes_subdirectories_without_following_links(tree: Path) -> None:
    names = [name for _, name in sources(PromoteMsg(str(tree) + "/", "", recursive=True))]
    assert names == ["a", "b", "sub/c", "sub/deep/d", "z/e"]


def test_a_file_is_the_named_object_or_keeps_its_name(tree: Path) -> None:
    assert sources(PromoteMsg(str(tree / "sub" / "c"), "named")) == [(str(tree / "sub" / "c"), "named")]
    assert sources(PromoteMsg(str(tree / "sub" / "c"))) == [(str(tree / "sub" / "c"), "c")]


def test_only_a_directory_or_a_regular_file_may_be_a_source(tree: Path) -> None:
    check_source(PromoteMsg(str(tree)))
    check_source(PromoteMsg(str(tree / "a")))
    for bad in ("missing", "link", "fifo"):
        with pytest.raises(InvalidJobRequest):
            check_source(PromoteMsg(str(tree / bad)))


def test_a_file_deleted_while_the_tree_is_walked_is_passed_over(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a share, the target that owns a file may promote and delete it while another walks."""
    walk = os.walk

    def walk_then_delete(top: str, followlinks: bool) -> object:
        for directory, subdirectories, files in walk(top, followlinks=followlinks):
            if "a" in files:
                os.unlink(os.path.join(directory, "a"))  # listed, then gone before it is looked at
            yield directory, subdirectories, files

    monkeypatch.setattr(os, "walk", walk_then_delete)
    assert sources(PromoteMsg(str(tree), "p/")) == [(str(tree / "b"), "p/b")]

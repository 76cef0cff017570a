"""Transfer plans (names <-> paths), and the worker pool's failure handling."""

import threading
from pathlib import Path

import click
import pytest

from pyaistore.cli.transfer import Download, Upload, plan_download, plan_upload, run_all
from pyaistore.sdk.types import BucketEntry


def test_plan_upload_names_files_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.bin").write_bytes(b"12345")
    (tmp_path / "top.txt").write_bytes(b"1")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert plan_upload(tmp_path, "pre/") == [
        Upload(tmp_path / "a" / "b" / "x.bin", "pre/a/b/x.bin", 5),
        Upload(tmp_path / "top.txt", "pre/top.txt", 1),
    ]


def _entries(*names: str) -> list[BucketEntry]:
    return [BucketEntry(name, size=len(name)) for name in names]


def test_plan_download_is_relative_to_the_prefix_directory(tmp_path: Path) -> None:
    for prefix in ("imgs/", "imgs/c"):
        assert plan_download(_entries("imgs/cat.jpg", "imgs/cats/1.jpg"), prefix, tmp_path) == [
            Download("imgs/cat.jpg", tmp_path / "cat.jpg", 12),
            Download("imgs/cats/1.jpg", tmp_path / "cats" / "1.jpg", 15),
        ]
    assert plan_download(_entries("x/y"), "", tmp_path) == [Download("x/y", tmp_path / "x" / "y", 3)]


@pytest.mark.parametrize("name", ["d/../../etc/passwd", "d/", "/abs"])
def test_plan_download_refuses_names_outside_the_destination(tmp_path: Path, name: str) -> None:
    prefix = "" if name.startswith("/") else "d/"
    with pytest.raises(click.ClickException, match="outside"):
        plan_download(_entries(name), prefix, tmp_path)


@pytest.mark.parametrize("jobs", [1, 4])
def test_run_all_does_every_item(jobs: int) -> None:
    done: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> None:
        with lock:
            done.append(item)

    run_all(list(range(20)), work, jobs)
    assert sorted(done) == list(range(20))


@pytest.mark.parametrize("jobs", [1, 4])
def test_run_all_raises_the_first_failure_and_stops(jobs: int) -> None:
    started: list[int] = []
    release = threading.Event()

    def work(item: int) -> None:
        started.append(item)
        if item == 0:
            release.set()
            raise OSError(f"disk full at {item}")
        release.wait(1)

    with pytest.raises(OSError, match="disk full at 0"):
        run_all(list(range(100)), work, jobs)
    assert len(started) < 100

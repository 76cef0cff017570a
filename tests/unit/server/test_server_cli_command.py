"""The banner's CLI command: one that runs from where `serve` was started."""

import sys
from pathlib import Path

import pytest

from pyaistore.server.local_cluster import cli_command


def test_off_path_under_the_current_directory_it_is_the_relative_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    venv_bin = Path(sys.executable).parent
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(venv_bin.parent.parent)
    assert cli_command() == str((venv_bin / "pyaistore").relative_to(venv_bin.parent.parent))


def test_off_path_elsewhere_it_is_the_absolute_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cli_command() == str(Path(sys.executable).parent / "pyaistore")


def test_on_path_it_is_the_bare_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    monkeypatch.chdir(tmp_path)
    assert cli_command() == "pyaistore"

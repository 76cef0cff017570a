"""`make install` stays quiet (building the project's metadata raises no setuptools deprecation
warning: the license table form printed one per build step) and takes the CPU build of torch."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_building_the_metadata_prints_no_deprecation_warning() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--quiet", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "deprecat" not in (result.stdout + result.stderr).lower(), result.stderr


def test_make_install_takes_the_dev_extras_torch_first() -> None:
    """The Makefile installs torch alone, pinned as the dev extra pins it, before the project."""
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    pins = [requirement for requirement in dev if requirement.startswith("torch")]
    assert len(pins) == 1 and pins[0].startswith("torch=="), pins
    makefile = (ROOT / "Makefile").read_text()
    torch_line = makefile.index(f"pip install --quiet --no-compile '{pins[0]}'")
    assert torch_line < makefile.index("pip install --quiet --no-compile -e '.[")

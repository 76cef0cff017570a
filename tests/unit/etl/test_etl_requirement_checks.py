"""Requirement checks against the server's own environment (no venv, no network needed)."""

import sys
from pathlib import Path

from pyaistore.etl import dependencies


def test_satisfied_requirements_need_no_environment(tmp_path: Path) -> None:
    assert dependencies.satisfied(["cloudpickle>=3.0.0", "aiohttp"])
    assert not dependencies.satisfied(["cloudpickle<1"])
    assert not dependencies.satisfied(["surely-not-installed-pkg-xyz"])
    assert not dependencies.satisfied(["not a requirement ==="])
    assert dependencies.satisfied(['nothing-here; python_version < "3"'])
    python = dependencies.interpreter_for(tmp_path, "k", ["cloudpickle>=3.0.0"], 10, "test")
    assert python == sys.executable
    assert not any(tmp_path.iterdir())

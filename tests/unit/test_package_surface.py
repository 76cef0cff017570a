"""Public surfaces are explicit and the layers import downward only (STYLE rules 2 and 10)."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import pyaistore

# Packages whose __all__ names their submodules (the SDK's names its classes; it checks itself).
MODULE_PACKAGES = [
    "wire",
    "auth",
    "authn",
    "storage",
    "cluster",
    "backends",
    "etl",
    "jobs",
    "job_kinds",
    "monitoring",
    "proxy",
    "target",
    "web",
    "s3",
    "server",
    "cli",
]


@pytest.mark.parametrize("name", MODULE_PACKAGES)
def test_package_all_lists_every_submodule(name: str) -> None:
    package = importlib.import_module(f"pyaistore.{name}")
    submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert set(package.__all__) == submodules


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_cli_loads_no_server_code() -> None:
    loaded = _modules_loaded_by("import pyaistore.cli.main")
    forbidden = {
        m
        for m in loaded
        if m.startswith(
            (
                "aiohttp",
                "pyaistore.storage",
                "pyaistore.server",
                "pyaistore.web",
                "pyaistore.target",
                "pyaistore.proxy",
            )
        )
    }
    assert not forbidden


def test_top_level_package_imports_nothing() -> None:
    loaded = _modules_loaded_by("import pyaistore")
    assert not {m for m in loaded if m.startswith("pyaistore.")}
    assert pyaistore.__version__


def test_test_module_basenames_are_unique() -> None:
    """pytest's default import mode needs unique basenames for test modules without __init__.py."""
    tests_root = Path(__file__).resolve().parents[1]
    names = [path.name for path in tests_root.rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []

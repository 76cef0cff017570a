"""Every SDK module declares a complete `__all__`, and importing the SDK stays light."""

import importlib
import inspect
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import pyaistore.sdk

# Modules of constants: their names are public by nature and need not be listed one by one.
_CONSTANT_MODULES = {"pyaistore.sdk.const"}


def _sdk_modules() -> list[ModuleType]:
    names = [pyaistore.sdk.__name__]
    names += [info.name for info in pkgutil.walk_packages(pyaistore.sdk.__path__, prefix="pyaistore.sdk.")]
    return [importlib.import_module(name) for name in sorted(names)]


@pytest.mark.parametrize("module", _sdk_modules(), ids=lambda module: module.__name__)
def test_all_names_exist(module: ModuleType) -> None:
    if module.__name__ in _CONSTANT_MODULES:
        return
    assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing


@pytest.mark.parametrize("module", _sdk_modules(), ids=lambda module: module.__name__)
def test_all_lists_every_public_class_and_function(module: ModuleType) -> None:
    if module.__name__ in _CONSTANT_MODULES:
        return
    defined_here = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
    }
    assert defined_here <= set(module.__all__)


def test_top_level_exports_match_the_official_layout() -> None:
    for name in ("Client", "Cluster", "Bucket", "Object", "Job", "Etl", "Namespace", "RetryConfig"):
        assert name in pyaistore.sdk.__all__


def test_importing_the_sdk_loads_no_server_code() -> None:
    probe = (
        "import sys, pyaistore.sdk, pyaistore.sdk.obj, pyaistore.sdk.multiobj, pyaistore.sdk.etl\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'aiohttp'"
        " or m.startswith(('pyaistore.storage', 'pyaistore.server', 'pyaistore.web', 'pyaistore.proxy',"
        " 'pyaistore.target', 'pyaistore.cluster'))]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""

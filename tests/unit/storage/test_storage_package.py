"""The storage package: every module declares what it exports, and nothing imports HTTP or asyncio.

(That the package's __all__ lists every submodule is checked by tests/unit/test_package_surface.py.)
"""

import importlib
import subprocess
import sys

import pyaistore.storage


def test_every_module_declares_its_public_names() -> None:
    for name in pyaistore.storage.__all__:
        module = importlib.import_module(f"pyaistore.storage.{name}")
        exported = getattr(module, "__all__", None)
        assert exported is not None, name
        assert all(hasattr(module, item) for item in exported), name


def test_no_asyncio_or_aiohttp_is_imported() -> None:
    code = (
        "import sys\n"
        f"for name in {pyaistore.storage.__all__!r}:\n"
        "    __import__('pyaistore.storage.' + name)\n"
        "bad = [m for m in ('asyncio', 'aiohttp') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

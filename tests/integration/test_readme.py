"""The README, run top to bottom as a newcomer would, against a live cluster of its own.

Every ```sh, ```bash and ```python block runs in order, in one bash session (so `source`, `cd`
and variables carry over; Python blocks run with this venv's interpreter), `set -euo pipefail`,
in a scratch directory laid out like a fresh clone whose `.venv` is this checkout's. A block
preceded by `<!-- readme-test: skip: <reason> -->` is skipped (`make serve` runs in the
foreground; the test starts the cluster itself). The cluster's URL is in `$AIS_ENDPOINT`, which
the README's commands honour, and PATH lacks the venv: the README must say how to get `pyaistore`.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from pyaistore.server.local_cluster import LocalCluster

ROOT: Final = Path(__file__).resolve().parents[2]
README: Final = ROOT / "README.md"
SKIP_MARKER: Final = "<!-- readme-test: skip:"
BLOCK: Final = re.compile(
    r"(?P<marker><!-- readme-test: skip:[^>]*-->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S
)
RUNNABLE: Final = ("sh", "bash", "python")
PYTHON_EOF: Final = "README_PYTHON_EOF"


def readme_script(text: str) -> str:
    """The README's runnable blocks as one bash script, each announced on stderr."""
    parts = ["set -euo pipefail"]
    for index, block in enumerate(BLOCK.finditer(text)):
        lang, body = block["lang"], block["body"]
        if block["marker"] or lang not in RUNNABLE:
            continue
        parts.append(f"echo '### README block {index} ({lang})' >&2")
        if lang == "python":
            assert PYTHON_EOF not in body
            parts.append(f"\"$README_PYTHON\" - <<'{PYTHON_EOF}'\n{body}{PYTHON_EOF}")
        else:
            parts.append(body)
    return "\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def readme_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A cluster of its own on a free port and a fresh data dir (the README makes fixed names)."""
    running = LocalCluster(tmp_path_factory.mktemp("readme-data"), port=0, targets=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _fresh_clone(where: Path) -> Path:
    """The files a newcomer's commands touch, as a clone has them; `.venv` is this checkout's."""
    for name in ("README.md", "Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, where / name)  # copy2 keeps mtimes: `make install` stays a no-op
    shutil.copytree(ROOT / "scripts", where / "scripts")
    (where / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / ".azurite").exists():  # installed by this checkout's `make install`: a no-op here too
        (where / ".azurite").symlink_to(ROOT / ".azurite")
    return where


def _environment(endpoint: str) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=path, AIS_ENDPOINT=endpoint, README_PYTHON=sys.executable)
    return env


def test_the_script_keeps_order_and_skips_marked_blocks() -> None:
    text = (
        "```sh\necho one\n```\n"
        "<!-- readme-test: skip: foreground -->\n```sh\nmake serve\n```\n"
        "```\nnot code\n```\n```python\nprint(2)\n```\n"
    )
    script = readme_script(text)
    assert script.index("echo one") < script.index("print(2)")
    assert "make serve" not in script and "not code" not in script
    assert "README_PYTHON" in script


def test_the_readme_runs_top_to_bottom(readme_cluster: LocalCluster, tmp_path: Path) -> None:
    clone = _fresh_clone(tmp_path)
    script = readme_script(README.read_text())
    assert "make install" in script and "pyaistore" in script
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=clone,
        env=_environment(readme_cluster.endpoint),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    # It did what it says: the SDK read its object back, curl its copy, the ETL upper-cased.
    assert "b'...jpeg bytes...'" in result.stdout
    assert "another" in result.stdout
    assert "A CAT" in result.stdout
    assert "cats/001.txt" in result.stdout and "cats/002.txt" in result.stdout
    assert (clone / "demo" / "001.txt").read_text() == "a cat\n"
    # Feeding training: get-batch in request order, every shard sample once, dsort succeeded.
    assert "[('0000.txt', b'sample 0-0'), ('3007.cls', b'1')]" in result.stdout
    assert "32 samples" in result.stdout
    assert "True ['out-000.tar'" in result.stdout

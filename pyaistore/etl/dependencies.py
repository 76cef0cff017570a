"""Per-ETL Python environments: a virtual environment per dependency list, built once and cached.

`<root>/<key>/` is a venv (no pip of its own) whose site-packages come first and then the
server's own (through a .pth file), so the ETL sees its pinned packages plus cloudpickle, the
aistore SDK and pyaistore. The key hashes the requirement lines and the Python version, so
ETLs with the same dependencies share one environment. The pip log stays beside it
(`<root>/<key>.pip.log`) and its tail is the error when an install fails. Requirements the
server's environment already satisfies need no venv at all. OS packages are only checked:
nothing installs them here.
"""

import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Final

from pyaistore.etl.errors import EtlInitFailed

__all__ = ["LOG_TAIL", "check_os_packages", "interpreter_for", "log_path", "satisfied"]

READY_MARKER: Final = ".pyaistore-ready"
PARENT_PTH: Final = "_pyaistore_parent.pth"
LOG_TAIL: Final = 3000


def satisfied(requirements: Sequence[str]) -> bool:
    """True when every requirement is installed in this interpreter's environment."""
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        return False
    for line in requirements:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            return False
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        if requirement.url:
            return False
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(installed, prereleases=True):
            return False
    return True


def check_os_packages(packages: Sequence[str], who: str) -> None:
    """Blocking: every Debian package an ETL names (OS_PACKAGES) is installed on this host.

    AIS installs them into the ETL's container; without containers they must be on the target's
    host already, so a missing one fails the ETL's start with its name, never later mid-object.

    Raises:
        EtlInitFailed: a package is not installed, or the host cannot tell (no dpkg).
    """
    if not packages:
        return
    dpkg_query = shutil.which("dpkg-query")
    if dpkg_query is None:
        raise EtlInitFailed(f"{who}: cannot check OS packages {list(packages)}: this host has no dpkg-query")
    missing = []
    for package in packages:
        found = subprocess.run(
            [dpkg_query, "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if found.returncode != 0 or not found.stdout.endswith("installed"):
            missing.append(package)
    if missing:
        raise EtlInitFailed(
            f"{who}: OS packages {missing} are not installed on this host; this cluster runs ETLs "
            "without containers, so install them on every target host (e.g. apt-get install)"
        )


def log_path(root: Path, key: str) -> Path:
    """Where the pip log of environment `key` is kept."""
    return root / f"{key}.pip.log"


def interpreter_for(root: Path, key: str, requirements: Sequence[str], timeout: float, who: str) -> str:
    """Blocking: the Python to run an ETL with these requirements, building the venv on first use.

    Raises:
        EtlInitFailed: pip failed or took longer than `timeout`; the message ends with the log's tail.
    """
    if not requirements or satisfied(requirements):
        return sys.executable
    venv = root / key
    python = venv / "bin" / "python"
    if (venv / READY_MARKER).exists():
        return str(python)
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".{key}.building"
    shutil.rmtree(work, ignore_errors=True)
    try:
        _create_venv(work)
        _pip_install(work, requirements, log_path(root, key), timeout, who)
        (work / READY_MARKER).touch()
        if venv.exists():
            shutil.rmtree(venv)
        work.rename(venv)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return str(python)


def _create_venv(path: Path) -> None:
    """A venv without pip whose site-packages then reads the server's own."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, capture_output=True
    )
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = path / "lib" / version / "site-packages"
    parents = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    lines = [f"import site; site.addsitedir({parent!r})" for parent in parents]
    (site_packages / PARENT_PTH).write_text("\n".join(lines) + "\n")


def _pip_install(venv: Path, requirements: Sequence[str], log: Path, timeout: float, who: str) -> None:
    """Run pip for the venv's interpreter, logging to `log`; EtlInitFailed with the tail on failure."""
    requirements_file = venv / "requirements.txt"
    requirements_file.write_text("\n".join(requirements) + "\n")
    command = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(venv / "bin" / "python"),
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "off",
        "-r",
        str(requirements_file),
    ]
    with open(log, "wb") as out:
        out.write(f"$ pip install {' '.join(requirements)}\n".encode())
        out.flush()
        try:
            code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = -1
            out.write(f"\npip did not finish within {timeout:g}s\n".encode())
    if code != 0:
        tail = log.read_bytes()[-LOG_TAIL:].decode(errors="replace")
        raise EtlInitFailed(
            f"{who}: installing dependencies {list(requirements)} failed (pip exit code {code}); "
            f"pip log ({log}):\n{tail}"
        )

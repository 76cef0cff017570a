"""Install the Debian packages the benchmarks need (nginx, wrk) when they are missing."""

from __future__ import annotations

import os
import shutil
import subprocess

# command -> Debian packages to try, in order (nginx-light is the smallest build with DAV on bookworm).
TOOLS: dict[str, tuple[str, ...]] = {"nginx": ("nginx-light", "nginx"), "wrk": ("wrk",)}


def ensure_tools(commands: tuple[str, ...] = ("nginx", "wrk")) -> dict[str, str]:
    """Make sure every command exists, installing it with apt-get if needed; return command -> path."""
    missing = [command for command in commands if shutil.which(command) is None]
    if missing:
        _apt_install(missing)
    paths: dict[str, str] = {}
    for command in commands:
        path = shutil.which(command)
        if path is None:
            raise RuntimeError(f"{command} is still missing after apt-get install")
        paths[command] = path
    return paths


def _apt_install(commands: list[str]) -> None:
    """Run apt-get update once, then install the first package that provides each command."""
    if os.geteuid() != 0:
        raise RuntimeError(f"missing {', '.join(commands)}; run as root or install them: apt-get install ...")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {', '.join(commands)} with apt-get ...", flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True, env=environment, stdout=subprocess.DEVNULL)
    for command in commands:
        for package in TOOLS.get(command, (command,)):
            result = subprocess.run(
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", package],
                env=environment,
                stdout=subprocess.DEVNULL,
                check=False,
            )
            if result.returncode == 0 and shutil.which(command):
                break

"""`pyaistore serve` as a user runs it: endpoint printed, data kept across restarts, clean stop."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from pyaistore.server.local_cluster import free_port

SERVE = [sys.executable, "-c", "from pyaistore.cli.main import main; main()", "serve"]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found |= {int(child)} | _children(int(child))
    return found


@contextmanager
def serving(data: Path, port: int, targets: int = 2) -> Iterator[subprocess.Popen[str]]:
    """Run `pyaistore serve` until its endpoint line appears; always stop it."""
    proc = subprocess.Popen(
        [*SERVE, "--data", str(data), "--port", str(port), "--targets", str(targets)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"endpoint http://127.0.0.1:{port}" in line, line
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def _request(method: str, url: str, body: bytes | None = None) -> bytes:
    reply = requests.request(method, url, data=body, timeout=10)
    reply.raise_for_status()
    return reply.content


def test_serve_prints_endpoint_keeps_data_and_stops_every_process(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with serving(tmp_path, port) as proc:
        smap = json.loads(_request("GET", f"{endpoint}/v1/daemon?what=smap"))
        assert len(smap["tmap"]) == 2
        _request("POST", f"{endpoint}/v1/buckets/keep", b'{"action":"create-bck","name":"","value":null}')
        _request("PUT", f"{endpoint}/v1/objects/keep/a/b.bin", b"payload")
        children = _children(proc.pid)
        assert len(children) >= 3  # proxy and two targets
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while [pid for pid in children if _is_running(pid)]:
        assert time.monotonic() < deadline, "a daemon outlived serve"
        time.sleep(0.05)
    with serving(tmp_path, port):
        assert _request("GET", f"{endpoint}/v1/objects/keep/a/b.bin") == b"payload"


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_target_http_workers_share_the_port_and_see_new_buckets(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env_cpus = os.cpu_count() or 1
    with serving(tmp_path, port, targets=1) as proc:
        smap = json.loads(_request("GET", f"{endpoint}/v1/daemon?what=smap"))
        (target,) = smap["tmap"].values()
        if env_cpus > 1:
            # One HTTP process per core: the target runs workers and a separate control port.
            assert target["intra_control_net"]["daemon_port"] != target["public_net"]["daemon_port"]
            assert len(_children(proc.pid)) >= 3
        url = target["public_net"]["direct_url"]
        _request("POST", f"{endpoint}/v1/buckets/fresh", b'{"action":"create-bck","name":"","value":null}')
        # Every process behind the shared port must know the new bucket at once.
        for index in range(40):
            _request("PUT", f"{url}/v1/objects/fresh/o{index}?provider=ais", b"x" * index)
        for index in range(40):
            assert _request("GET", f"{url}/v1/objects/fresh/o{index}") == b"x" * index


ROOT = Path(__file__).resolve().parents[2]


def _without_venv_on_path() -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return {**{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}, "PATH": path}


def _read_line(proc: subprocess.Popen[str]) -> str:
    """The next line serve printed (a serve that hangs is caught by the test's timeout)."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, f"serve ended (status {proc.poll()}) before printing its banner"
    return line


def test_the_banner_command_works_as_printed(tmp_path: Path) -> None:
    """After `make install` the CLI is not on PATH: the banner prints a command that runs anyway."""
    port = free_port()
    env = _without_venv_on_path()
    proc = subprocess.Popen(
        [*SERVE, "--data", str(tmp_path), "--port", str(port), "--targets", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = [_read_line(proc) for _ in range(3)]
        assert "pyaistore cluster is up" in lines[0], lines
        tried = lines[2].split("try:", 1)[1].split("(Ctrl-C stops)", 1)[0].strip()
        assert tried.startswith(f"AIS_ENDPOINT=http://127.0.0.1:{port} .venv/bin/pyaistore "), tried
        shown = subprocess.run(
            ["bash", "-c", tried], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert shown.returncode == 0, shown.stderr
        assert "command not found" not in shown.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_sigint_to_make_serve_alone_stops_the_cluster(tmp_path: Path) -> None:
    """A SIGINT to make's PID alone (not its process group) stops the cluster; make does not hang."""
    port = free_port()
    args = f"ARGS=--port {port} --targets 1 --data {tmp_path}"
    proc = subprocess.Popen(
        ["make", "-s", "-C", str(ROOT), "serve", args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # As a terminal would start it: SIGINT not ignored (a background test runner may ignore it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        while "pyaistore cluster is up" not in _read_line(proc):  # make may have to install first
            pass
        daemons = _children(proc.pid)
        assert len(daemons) >= 3  # serve, the proxy and the target
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) != 0
        deadline = time.monotonic() + 10
        while [pid for pid in daemons if _is_running(pid)]:
            assert time.monotonic() < deadline, "a daemon outlived make serve"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)

"""`serve` restarts a crashed node, the proxy included, and leaves a node that exited 0 (it was
asked to stop) stopped; once every node has, `serve` exits 0 (server/exit_status.py)."""

import os
import signal
from pathlib import Path

import requests
from process_support import descendants, serving
from raw_protocol import poll

from pyaistore.server.local_cluster import free_port

OBJECTS = 20


def test_a_killed_proxy_is_restarted_and_serves_every_object(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with serving(tmp_path, port) as serve:
        create = {"action": "create-bck", "name": "", "value": None}
        requests.post(f"{endpoint}/v1/buckets/kept", json=create, timeout=10).raise_for_status()
        with requests.Session() as session:
            for index in range(OBJECTS):
                url = f"{endpoint}/v1/objects/kept/o{index}"
                session.put(url, data=f"v{index}".encode(), timeout=10).raise_for_status()
        old_proxy = serve.daemon_pid("proxy")
        os.kill(old_proxy, signal.SIGKILL)
        serve.wait_line("proxy exited (-9); restarting it", 10)

        def ready_again() -> bool:
            try:
                return requests.get(f"{endpoint}/v1/health?prr=true", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        poll(ready_again, 30, "the restarted proxy to be ready")
        assert serve.daemon_pid("proxy") != old_proxy
        with requests.Session() as session:
            for index in range(OBJECTS):
                reply = session.get(f"{endpoint}/v1/objects/kept/o{index}", timeout=10)
                assert reply.status_code == 200 and reply.content == f"v{index}".encode()


def test_nodes_asked_to_stop_stay_stopped_and_serve_then_exits_0(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, port, targets=1) as serve:
        target = serve.daemon_pid("target")
        os.kill(target, signal.SIGTERM)
        serve.wait_line("target-0 stopped (exit status 0", 15)
        assert not [p for p in descendants(serve.proc.pid) if p == target]
        assert "target-0 exited" not in "\n".join(serve.lines), "a node that exited 0 was restarted"
        os.kill(serve.daemon_pid("proxy"), signal.SIGTERM)
        assert serve.proc.wait(timeout=30) == 0
        output = serve.output()
        assert "every node has stopped" in output
        assert "; restarting it" not in output

"""kill -9 of `pyaistore serve` takes every daemon it started with it (the lifeline), so the
next `serve` on the same port and data starts cleanly.

One target on a machine with several cores also runs HTTP worker processes (one per core), and
those must go too: they watch their target, which watches the launcher."""

from pathlib import Path

import requests
from process_support import descendants, serving, wait_gone

from pyaistore.server.local_cluster import free_port

GONE_WITHIN = 5.0


def test_kill_9_of_serve_stops_every_daemon(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with serving(tmp_path, port, targets=1) as serve:
        create = {"action": "create-bck", "name": "", "value": None}
        requests.post(f"{endpoint}/v1/buckets/keep", json=create, timeout=10).raise_for_status()
        requests.put(f"{endpoint}/v1/objects/keep/a.bin", data=b"payload", timeout=10).raise_for_status()
        daemons = descendants(serve.proc.pid)
        assert len(daemons) >= 2  # the proxy, the target, and the target's HTTP workers if any
        serve.proc.kill()
        serve.proc.wait(timeout=10)
        wait_gone(daemons, GONE_WITHIN)
    with serving(tmp_path, port, targets=1):
        reply = requests.get(f"{endpoint}/v1/objects/keep/a.bin", timeout=10)
        assert reply.status_code == 200 and reply.content == b"payload"

"""A second `serve` on a port another cluster holds stops at once, starts no target, and leaves
the running cluster's map untouched."""

import time
from pathlib import Path

from process_support import serving, start_serve
from raw_protocol import smap_json

from pyaistore.server.local_cluster import free_port

FAILS_WITHIN = 10.0


def test_second_serve_on_a_busy_port_fails_fast_and_changes_nothing(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with serving(tmp_path / "first", port):
        before = smap_json(endpoint)
        started = time.monotonic()
        second = start_serve(tmp_path / "second", port)
        observed = []
        while second.proc.poll() is None and time.monotonic() - started < FAILS_WITHIN:
            smap = smap_json(endpoint)
            observed.append((smap["version"], sorted(smap["tmap"])))
            time.sleep(0.02)
        output = second.output()
        elapsed = time.monotonic() - started
        assert second.proc.returncode != 0, output
        assert elapsed < FAILS_WITHIN
        assert f"port {port}" in output and "in use" in output, output
        assert not list((tmp_path / "second").glob("target-*")), "a target was started"
        assert not list((tmp_path / "second").glob("logs/target-*")), "a target was started"
        after = smap_json(endpoint)
        assert all(seen == (before["version"], sorted(before["tmap"])) for seen in observed)
        assert after == before

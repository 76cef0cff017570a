"""The keepalive thread reports each keepalive that failed (the node's err_kalive_count)."""

import threading

from pyaistore.cluster.heartbeat import Heartbeat
from pyaistore.cluster.peer_api import PeerApi
from pyaistore.cluster.peer_client import PeerClient
from pyaistore.server.local_cluster import free_port


def test_every_keepalive_the_primary_does_not_answer_is_reported() -> None:
    failures: list[int] = []
    three = threading.Event()

    def on_failure() -> None:
        failures.append(1)
        if len(failures) >= 3:
            three.set()

    primary = f"http://127.0.0.1:{free_port()}"  # nothing listens there: every keepalive is refused
    beat = Heartbeat(PeerApi(PeerClient(), "t1"), primary, dict, lambda *_: None, 0.02, on_failure=on_failure)
    beat.start()
    try:
        assert three.wait(10), "three refused keepalives were not reported"
    finally:
        beat.stop()

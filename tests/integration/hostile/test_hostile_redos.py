"""A catastrophic archregx cannot stall a target: the match runs on RE2 in linear time, and the
target answers other requests meanwhile (Python's backtracking `re` froze it for seconds)."""

import io
import tarfile
import threading
import time
from urllib.parse import quote

import requests
from hostile_it_support import target_urls

from pyaistore.server.local_cluster import LocalCluster

BUCKET = "redos"
MEMBERS = 50
PATTERN = "(a+)+$"
# Each GET of the small object must answer within this while the pattern runs (it is milliseconds;
# with a backtracking engine one member alone takes tens of seconds).
ANSWER_WITHIN = 2.0


def evil_shard() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for index in range(MEMBERS):
            info = tarfile.TarInfo(f"r{index}/" + "a" * 40 + "!")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    return out.getvalue()


def test_a_catastrophic_pattern_does_not_stall_the_target(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    create = {"action": "create-bck", "name": "", "value": None}
    requests.post(f"{endpoint}/v1/buckets/{BUCKET}", json=create, timeout=30).raise_for_status()
    requests.put(
        f"{endpoint}/v1/objects/{BUCKET}/shard.tar", data=evil_shard(), timeout=30
    ).raise_for_status()
    requests.put(f"{endpoint}/v1/objects/{BUCKET}/small", data=b"s", timeout=30).raise_for_status()
    targets = set(target_urls(hostile_cluster))
    slowest: list[float] = []
    done = threading.Event()

    def probe() -> None:
        with requests.Session() as http:
            while not done.is_set():
                started = time.monotonic()
                assert http.get(f"{endpoint}/v1/objects/{BUCKET}/small", timeout=30).content == b"s"
                slowest.append(time.monotonic() - started)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        url = f"{endpoint}/v1/objects/{BUCKET}/shard.tar?archregx={quote(PATTERN)}&archmode=regexp"
        for _ in range(5):
            started = time.monotonic()
            reply = requests.get(url, timeout=60)
            assert reply.status_code in (200, 404), reply.text
            assert time.monotonic() - started < ANSWER_WITHIN
    finally:
        done.set()
        prober.join()
    assert slowest and max(slowest) < ANSWER_WITHIN, f"slowest GET meanwhile: {max(slowest):.2f}s"
    assert set(target_urls(hostile_cluster)) == targets


def test_a_pattern_re2_cannot_run_is_400(hostile_cluster: LocalCluster) -> None:
    endpoint = hostile_cluster.endpoint
    requests.post(f"{endpoint}/v1/buckets/{BUCKET}", json={"action": "create-bck"}, timeout=30)
    requests.put(
        f"{endpoint}/v1/objects/{BUCKET}/shard.tar", data=evil_shard(), timeout=30
    ).raise_for_status()
    url = f"{endpoint}/v1/objects/{BUCKET}/shard.tar?archmode=regexp&archregx="
    backreference = requests.get(url + quote(r"(a)\1"), timeout=30)
    assert backreference.status_code == 400 and "archregx" in backreference.text
    too_long = requests.get(url + "a" * 2000, timeout=30)
    assert too_long.status_code == 400 and "1024" in too_long.text

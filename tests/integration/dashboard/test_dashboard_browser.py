"""The dashboard in headless chromium: nodes and a running job on screen (checked on the screenshot's
pixels), the ETL listed, no console errors."""

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_it_support import Browser, find_chromium, png_pixels

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster

ONLINE = (0x2E, 0x7D, 0x32)
RUNNING = (0x15, 0x65, 0xC0)
SIZE = (1280, 1000)

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="Debian's chromium is not installed (scripts/ensure_chromium.sh needs root)",
)


def _slow(data: bytes) -> bytes:
    import time

    time.sleep(1.0)
    return data


@pytest.fixture()
def running_job(cluster: LocalCluster) -> Iterator[tuple[str, str]]:
    """(ETL name, job ID) of an offline transform running for ten seconds or more (stopped afterwards)."""
    client = Client(cluster.endpoint)
    tag = secrets.token_hex(3)
    source: Bucket = client.bucket(f"dash-src-{tag}").create()
    destination = client.bucket(f"dash-dst-{tag}")
    for index in range(300):
        source.object(f"obj-{index:03d}").get_writer().put_content(b"z" * 100)
    etl = f"dash-slow-{tag}"
    client.etl(etl).init_code(_slow)
    job_id = source.transform(etl, destination)
    try:
        yield etl, job_id
    finally:
        for step in (client.job(job_id).abort, client.etl(etl).stop, client.etl(etl).delete):
            try:
                step()
            except AISError:
                pass
        source.delete(missing_ok=True)
        destination.delete(missing_ok=True)


def _close(actual: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - e) <= 10 for a, e in zip(actual, expected, strict=True))


_RECTS = """(() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
  return {
    nodes: Object.fromEntries([...document.querySelectorAll('.node')].map(
      (n) => [n.dataset.nodeId, {state: n.dataset.state, dot: box(n.querySelector('.state-dot'))}])),
    jobs: Object.fromEntries([...document.querySelectorAll('tr[data-job-id]')].map(
      (r) => [r.dataset.jobId, {running: r.dataset.running, bar: box(r.querySelector('.job-bar > div'))}])),
    etls: [...document.querySelectorAll('tr[data-etl]')].map((r) => [r.dataset.etl, r.dataset.stage]),
  };
})()"""


async def _look(
    url: str, job_id: str, node_count: int, shot: Path
) -> tuple[dict[str, Any], bytes, list[str]]:
    executable = find_chromium()
    assert executable is not None
    async with Browser(executable, SIZE) as page:
        await page.call("Page.navigate", url=url)
        ready = (
            "!!(document.body && Number(document.body.dataset.polls || 0) >= 2"
            f" && document.querySelectorAll('.node').length === {node_count}"
            f' && document.querySelector(\'tr[data-job-id="{job_id}"][data-running="true"]\'))'
        )
        await page.wait_for(ready, timeout=45)
        rects = await page.evaluate(_RECTS)
        png = await page.screenshot()
        shot.write_bytes(png)
        return rects, png, list(page.errors)


def test_nodes_and_running_job_on_screen(
    cluster: LocalCluster, running_job: tuple[str, str], tmp_path: Path
) -> None:
    etl, job_id = running_job
    smap = Client(cluster.endpoint).cluster().get_info()
    node_ids = {*smap.pmap, *smap.tmap}
    shot = tmp_path / "dashboard.png"
    rects, png, errors = asyncio.run(
        _look(f"{cluster.endpoint}/dashboard?interval=500", job_id, len(node_ids), shot)
    )

    assert errors == []
    assert set(rects["nodes"]) == node_ids
    width, height, pixel = png_pixels(png)
    assert (width, height) == SIZE
    for node_id, node in rects["nodes"].items():
        assert node["state"] == "online"
        x, y = (int(v) for v in node["dot"])
        assert _close(pixel(x, y), ONLINE), f"{node_id}: {pixel(x, y)} at {x},{y} in {shot}"
    job = rects["jobs"][job_id]
    assert job["running"] == "true"
    x, y = (int(v) for v in job["bar"])
    assert y < height, f"the running job is below the screenshot ({shot})"
    assert _close(pixel(x, y), RUNNING), f"job bar: {pixel(x, y)} at {x},{y} in {shot}"
    assert [etl, "Running"] in rects["etls"]

"""Bucket copy (copy-bck) across two targets: every byte, options, dry run, refusals."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from jobs_it_support import bucket_action, fill, read_all

from pyaistore.sdk import Client
from pyaistore.sdk.errors import AISError


def _names(client: Client, bucket: str) -> list[str]:
    return [entry.name for entry in client.bucket(bucket).list_all_objects()]


def test_copy_2000_objects_every_byte(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    objects = fill(endpoint, src, (f"d{i % 7}/obj-{i:05}" for i in range(2000)), size=1500)
    job_id = client.bucket(src).copy(dst)
    assert len(job_id) >= 9
    result = client.job(job_id).wait(timeout=120)
    assert result.success, result.error
    assert sorted(_names(client, dst)) == sorted(objects)
    assert read_all(endpoint, dst, objects) == objects
    # The source is untouched, and the counters add up over the targets.
    assert sorted(_names(client, src)) == sorted(objects)
    snaps = [s for per_node in client.job(job_id).get_details().values() for s in per_node]
    assert len(snaps) == 2
    assert sum(s.stats["loc-objs"] for s in snaps) == 2000
    assert sum(s.stats["loc-bytes"] for s in snaps) == 2000 * 1500
    assert sum(s.stats["out-objs"] for s in snaps) > 0
    # Our SDK's timing helpers read the same snapshots.
    job = client.job(job_id)
    assert {s.id for s in job.get_within_timeframe(datetime.now(UTC) - timedelta(minutes=5))} == {job_id}
    total = job.get_total_time()
    assert total is not None and timedelta(0) < total < timedelta(minutes=2)


def test_destination_is_created_with_the_source_props(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    client.bucket(src).make_request("PATCH", "set-bprops", value={"versioning": {"enabled": False}})
    fill(endpoint, src, ["a"])
    assert client.job(client.bucket(src).copy(dst)).wait(timeout=60)
    props = json.loads(client.bucket(dst).head()["Ais-Bucket-Props"])
    assert props["versioning"]["enabled"] is False
    assert props["bid"] != json.loads(client.bucket(src).head()["Ais-Bucket-Props"])["bid"]


def test_prefix_prepend_and_ext(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    objects = fill(endpoint, src, ["img/a.jpg", "img/b.png", "img/c.jpg", "txt/d.jpg"])
    job_id = client.bucket(src).copy(dst, prefix="img/", prepend="bk/", ext={"jpg": ".jpeg"})
    assert client.job(job_id).wait(timeout=60)
    assert sorted(_names(client, dst)) == ["bk/img/a.jpeg", "bk/img/b.png", "bk/img/c.jpeg"]
    assert read_all(endpoint, dst, ["bk/img/a.jpeg"]) == {"bk/img/a.jpeg": objects["img/a.jpg"]}


def test_dry_run_counts_and_writes_nothing(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    fill(endpoint, src, [f"o{i}" for i in range(20)], size=100)
    job_id = client.bucket(src).copy(dst, dry_run=True)
    assert client.job(job_id).wait(timeout=60)
    snaps = [s for per_node in client.job(job_id).get_details().values() for s in per_node]
    assert sum(s.stats["loc-objs"] for s in snaps) == 20
    assert sum(s.stats["loc-bytes"] for s in snaps) == 2000
    with pytest.raises(AISError) as info:
        client.bucket(dst).head()
    assert info.value.status_code == 404
    # A dry run may name the source itself.
    assert client.job(client.bucket(src).copy(src, dry_run=True)).wait(timeout=60)


def test_refusals(client: Client, endpoint: str, make_bucket: Callable[[str], str]) -> None:
    src = make_bucket("src")
    value = {"prefix": "", "prepend": "", "dry_run": False}
    onto_itself = bucket_action(endpoint, "POST", src, "copy-bck", value, bck_to=f"ais/@#/{src}/")
    assert onto_itself.status_code == 400
    assert "onto itself" in onto_itself.json()["message"]
    assert bucket_action(endpoint, "POST", src, "copy-bck", value).status_code == 400  # no bck_to
    missing = bucket_action(endpoint, "POST", "job-no-such-bucket", "copy-bck", value, bck_to="ais/@#/x/")
    assert missing.status_code == 404
    sync_prepend = {"prepend": "p/", "synchronize": True}
    assert (
        bucket_action(endpoint, "POST", src, "copy-bck", sync_prepend, bck_to="ais/@#/x/").status_code == 400
    )


def test_transform_with_unknown_etl_leaves_no_destination(
    client: Client, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    with pytest.raises(AISError) as info:
        client.bucket(src).transform("job-no-such-etl", dst)
    assert info.value.status_code == 404
    with pytest.raises(AISError):
        client.bucket(dst).head()


def test_synchronize_drops_what_the_source_lost(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    fill(endpoint, src, [f"o{i}" for i in range(10)])
    assert client.job(client.bucket(src).copy(dst)).wait(timeout=60)
    client.bucket(src).object("o3").delete()
    assert client.job(client.bucket(src).copy(dst, sync=True)).wait(timeout=60)
    assert sorted(_names(client, dst)) == sorted(f"o{i}" for i in range(10) if i != 3)

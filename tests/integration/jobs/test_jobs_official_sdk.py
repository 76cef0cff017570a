"""The official aistore SDK's Job and ObjectGroup calls against our cluster."""

import io
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aistore.sdk import Client as OfficialClient
from aistore.sdk.multiobj import ObjectRange
from jobs_it_support import content, fill


def _names(official: OfficialClient, bucket: str) -> list[str]:
    return [entry.name for entry in official.bucket(bucket).list_all_objects()]


def test_job_wait_status_details_and_timeframe(
    official: OfficialClient,
    endpoint: str,
    make_bucket: Callable[[str], str],
    bucket_names: Callable[[str], str],
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    fill(endpoint, src, [f"o{i}" for i in range(30)], size=100)
    before = datetime.now(UTC) - timedelta(seconds=1)
    job_id = official.bucket(src).copy(official.bucket(dst))
    job = official.job(job_id)
    result = job.wait(timeout=60, verbose=False)  # kind resolved by ID, then terminal wait
    assert result.success and result.end_time is not None
    status = job.status()
    assert status.uuid == job_id and status.end_time > 0 and not status.aborted and status.err == ""
    details = job.get_details()
    snaps = details.list_snapshots()
    assert len(snaps) == 2 and all(s.is_idle and s.kind == "copy-bck" for s in snaps)
    assert sum(s.stats.objects for s in snaps if s.stats) == 30
    assert snaps[0].source_bck is not None and snaps[0].destination_bck is not None
    assert snaps[0].destination_bck.name == dst
    found = job.get_within_timeframe(before, datetime.now(UTC) + timedelta(seconds=1))
    assert {s.id for s in found} == {job_id}
    assert job.get_total_time() is not None
    # By kind too (display name accepted): every job of that kind, finished ones included.
    by_kind = official.job(job_kind="copy-bucket").get_details().list_snapshots()
    assert job_id in {s.id for s in by_kind}


def test_object_group_delete_copy_archive(
    official: OfficialClient,
    endpoint: str,
    make_bucket: Callable[[str], str],
    bucket_names: Callable[[str], str],
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    objects = fill(endpoint, src, [f"obj-{i:03}" for i in range(10)])
    bucket = official.bucket(src)
    job_id = bucket.objects(obj_range=ObjectRange("obj-", 0, 2, pad_width=3)).delete()
    assert official.job(job_id).wait(timeout=60, verbose=False).success
    assert _names(official, src) == [f"obj-{i:03}" for i in range(3, 10)]
    for job_id in bucket.objects(obj_names=["obj-003", "obj-004"]).copy(official.bucket(dst), prepend="c/"):
        assert official.job(job_id).wait(timeout=60, verbose=False).success  # idle-kind wait
    assert _names(official, dst) == ["c/obj-003", "c/obj-004"]
    for job_id in bucket.objects(obj_template="obj-{005..009}").archive("five.tar"):
        assert official.job(job_id).wait(timeout=60, verbose=False).success
    data = bucket.object("five.tar").get_reader().read_all()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert {m.name: tar.extractfile(m).read() for m in tar.getmembers()} == {  # type: ignore[union-attr]
            f"obj-{i:03}": objects[f"obj-{i:03}"] for i in range(5, 10)
        }


def test_rename_and_cluster_job_listings(
    official: OfficialClient,
    endpoint: str,
    make_bucket: Callable[[str], str],
    bucket_names: Callable[[str], str],
) -> None:
    old, new = make_bucket("old"), bucket_names("new")
    fill(endpoint, old, ["a", "b"])
    bucket = official.bucket(old)
    job_id = bucket.rename(new)
    assert bucket.name == new
    assert official.job(job_id).wait(timeout=60, verbose=False).success
    assert bucket.object("a").get_reader().read_all() == content("a", 64)
    statuses = official.cluster().list_jobs_status(job_kind="rename-bucket")
    assert job_id in {s.uuid for s in statuses}
    assert isinstance(official.cluster().list_running_jobs(), list)

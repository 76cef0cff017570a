"""`pyaistore bucket cp|mv`, `object rm --template` and `job ls|show|wait|stop` on the shared cluster."""

import json
import threading
import time
from collections.abc import Iterator

import pytest
from cli_it_support import CliRun, contents_of, etl_name, fill, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import AISError, ErrBckNotFound


def _slow(data: bytes) -> bytes:
    import time

    time.sleep(0.3)
    return data


@pytest.fixture()
def slow_etl(client: Client, etls: list[str]) -> str:
    """A running ETL that takes 0.3 s per object, so that jobs using it can be watched and stopped."""
    name: str = etl_name("slow")
    etls.append(name)
    client.etl(name).init_code(_slow)
    return name


@pytest.fixture()
def many(bucket: Bucket) -> Iterator[Bucket]:
    """The test bucket holding 200 small objects (a slow transform of them takes seconds)."""
    fill(bucket, [f"obj-{index:03d}" for index in range(200)], max_size=10)
    yield bucket


def _job_ids(run: CliRun, *args: str) -> list[str]:
    """Start a job with --no-wait --json; return its IDs."""
    result = run("--json", *args, "--no-wait")
    assert result.exit_code == 0, result.output
    ids: list[str] = json.loads(result.stdout)["jobs"]
    return ids


def test_bucket_cp_copies_every_byte(run: CliRun, bucket: Bucket, other_bucket: Bucket) -> None:
    contents = fill(bucket, [f"dir/{index}.bin" for index in range(60)] + ["top.bin"])
    result = run("bucket", "cp", bucket.name, f"ais://{other_bucket.name}")
    assert result.exit_code == 0, result.output
    assert f"copied ais://{bucket.name} -> ais://{other_bucket.name}: 61 objects" in result.stdout
    assert contents_of(other_bucket) == contents
    assert contents_of(bucket) == contents


def test_bucket_cp_prefix_and_dry_run(run: CliRun, bucket: Bucket, other_bucket: Bucket) -> None:
    contents = fill(bucket, ["a/1", "a/2", "b/1"])
    dry = run("bucket", "cp", bucket.name, other_bucket.name, "--prefix", "a/", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "(dry run)" in dry.stdout
    result = run("--json", "bucket", "cp", bucket.name, other_bucket.name, "--prefix", "a/")
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    assert (record["kind"], record["state"], record["objects"]) == ("copy-bck", "finished", 2)
    assert record["bytes"] == len(contents["a/1"]) + len(contents["a/2"])
    assert contents_of(other_bucket) == {"a/1": contents["a/1"], "a/2": contents["a/2"]}


def test_no_wait_then_job_wait_show_and_ls(run: CliRun, bucket: Bucket, other_bucket: Bucket) -> None:
    contents = fill(bucket, [f"o{index}" for index in range(40)])
    [job_id] = _job_ids(run, "bucket", "cp", bucket.name, other_bucket.name)

    waited = run("job", "wait", job_id)
    assert waited.exit_code == 0, waited.output
    assert "finished: 40 objects" in waited.stdout and job_id in waited.stdout
    assert contents_of(other_bucket) == contents

    shown = json.loads(run("--json", "job", "show", job_id).stdout)
    assert shown["kind"] == "copy-bck" and shown["state"] == "finished"
    assert shown["buckets"] == f"ais://{bucket.name} -> ais://{other_bucket.name}"
    assert (shown["objects"], shown["bytes"]) == (40, sum(len(data) for data in contents.values()))
    assert len(shown["targets"]) == 2 and sum(target["objects"] for target in shown["targets"]) == 40
    assert shown["end"] >= shown["start"] > 0
    table = run("job", "show", job_id)
    assert table.exit_code == 0 and "copy-bck" in table.stdout and "TARGET" in table.stdout

    listed = json.loads(run("--json", "job", "ls", "--kind", "copy-bucket").stdout)
    assert {"id": job_id, "state": "finished", "objects": 40}.items() <= _by_id(listed)[job_id].items()
    assert job_id in run("job", "ls").stdout
    assert job_id not in run("job", "ls", "--running").stdout


def _by_id(records: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(record["id"]): record for record in records}


def test_bucket_mv_moves_every_object(
    run: CliRun, client: Client, bucket: Bucket, other_bucket: Bucket
) -> None:
    contents = fill(bucket, [f"x/{index}" for index in range(30)])
    result = run("bucket", "mv", bucket.name, other_bucket.name)
    assert result.exit_code == 0, result.output
    assert f"renamed ais://{bucket.name} -> ais://{other_bucket.name}: 30 objects" in result.stdout
    assert contents_of(other_bucket) == contents
    with pytest.raises(ErrBckNotFound):
        client.bucket(bucket.name).head()


def test_bucket_cp_and_mv_errors(run: CliRun, bucket: Bucket, other_bucket: Bucket) -> None:
    missing = unique_name("missing")
    for args in (("bucket", "cp", missing, other_bucket.name), ("bucket", "mv", missing, other_bucket.name)):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"Error: bucket ais://{missing} does not exist" in result.stderr, args
    other_bucket.create()
    taken = run("bucket", "mv", bucket.name, other_bucket.name)
    assert taken.exit_code == 1
    assert f"Error: bucket ais://{other_bucket.name} already exists" in taken.stderr
    onto_itself = run("bucket", "cp", bucket.name, bucket.name)
    assert onto_itself.exit_code == 1 and "(HTTP 400)" in onto_itself.stderr


def test_object_rm_template_deletes_the_range(run: CliRun, bucket: Bucket) -> None:
    contents = fill(bucket, [f"shard-{index:02d}.tar" for index in range(20)] + ["keep.txt"])
    result = run("object", "rm", f"ais://{bucket.name}", "--template", "shard-{00..19..2}.tar")
    assert result.exit_code == 0, result.output
    assert f"deleted shard-{{00..19..2}}.tar from ais://{bucket.name}: 10 objects" in result.stdout
    left = {name for name in contents if not name.startswith("shard-") or int(name[6:8]) % 2}
    assert set(contents_of(bucket)) == left

    # Names the template makes that do not exist are skipped; --no-wait only starts the job.
    [job_id] = _job_ids(run, "object", "rm", bucket.name, "--template", "shard-{00..29}.tar")
    assert run("job", "wait", job_id).exit_code == 0
    assert contents_of(bucket) == {"keep.txt": contents["keep.txt"]}


def test_object_rm_template_in_a_missing_bucket(run: CliRun) -> None:
    name = unique_name("missing")
    result = run("object", "rm", name, "--template", "x-{0..3}")
    assert result.exit_code == 1
    assert f"Error: bucket ais://{name} does not exist" in result.stderr


@pytest.mark.parametrize("command", ["show", "wait", "stop"])
def test_unknown_job_id(run: CliRun, command: str) -> None:
    result = run("job", command, "no-such-job-1")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: job no-such-job-1 does not exist")
    assert "Traceback" not in result.output


def test_job_stop_aborts_a_running_transform(
    run: CliRun, many: Bucket, other_bucket: Bucket, slow_etl: str
) -> None:
    [job_id] = _job_ids(run, "bucket", "transform", many.name, other_bucket.name, "--etl", slow_etl)
    running = json.loads(run("--json", "job", "ls", "--running").stdout)
    assert _by_id(running)[job_id]["state"] == "running"

    stopped = run("job", "stop", job_id)
    assert stopped.exit_code == 0, stopped.output
    assert f"stopped job {job_id} (etl-bck)" in stopped.stdout
    waited = run("job", "wait", job_id)
    assert waited.exit_code == 1
    assert f"Error: job {job_id} (etl-bck) was aborted" in waited.stderr
    assert json.loads(run("--json", "job", "show", job_id).stdout)["state"] == "aborted"
    assert "nothing to stop" in run("job", "stop", job_id).stdout
    assert len(contents_of(many)) == 200  # the source is intact


def test_a_waiting_command_fails_when_its_job_is_aborted(
    run: CliRun, client: Client, many: Bucket, other_bucket: Bucket, slow_etl: str
) -> None:
    def abort_when_running() -> None:
        """Abort the transform of this test's bucket as soon as the cluster lists it."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                details = client.job(job_kind="etl-bck").get_details()
            except AISError:  # 404: no such job yet
                details = {}
            for snap in (snap for snaps in details.values() for snap in snaps):
                if snap.bucket is not None and snap.bucket.name == many.name and not snap.finished:
                    client.job(snap.id).abort()
                    return
            time.sleep(0.1)

    aborter = threading.Thread(target=abort_when_running)
    aborter.start()
    try:
        result = run("bucket", "transform", many.name, other_bucket.name, "--etl", slow_etl)
    finally:
        aborter.join()
    assert result.exit_code == 1
    assert "(etl-bck) was aborted" in result.stderr


def test_job_wait_timeout_leaves_the_job_running(
    run: CliRun, client: Client, many: Bucket, other_bucket: Bucket, slow_etl: str
) -> None:
    [job_id] = _job_ids(run, "bucket", "transform", many.name, other_bucket.name, "--etl", slow_etl)
    try:
        started = time.monotonic()
        result = run("job", "wait", job_id, "--timeout", "0.5")
        assert result.exit_code == 1
        assert f"Error: job {job_id} still running after 0.5s" in result.stderr
        assert time.monotonic() - started < 5
    finally:
        client.job(job_id).abort()

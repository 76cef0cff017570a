"""Multi-object jobs over lists, templates and prefixes: delete, copy, evict/prefetch refusals."""

from collections.abc import Callable

from jobs_it_support import bucket_action, fill, read_all

from pyaistore.sdk import Client, ObjectRange


def _names(client: Client, bucket: str) -> list[str]:
    return [entry.name for entry in client.bucket(bucket).list_all_objects()]


def test_delete_by_template_skips_missing_members(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("del")
    fill(endpoint, bucket, [f"shard-{i:04}.tar" for i in range(0, 40, 2)] + ["other"])
    job_id = client.bucket(bucket).objects(obj_template="shard-{0000..0029}.tar").delete()
    result = client.job(job_id).wait(timeout=60)
    assert result.success, result.error  # the odd names never existed: skipped, no error
    assert _names(client, bucket) == ["other"] + [f"shard-{i:04}.tar" for i in range(30, 40, 2)]
    assert client.job(job_id).status().err == ""


def test_delete_by_step_range_and_prefix(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("del")
    fill(endpoint, bucket, [f"a-{i:02}" for i in range(10)] + ["keep/x", "dir/y", "dir/z"])
    group = client.bucket(bucket).objects(obj_range=ObjectRange("a-", 0, 8, pad_width=2, step=2))
    assert client.job(group.delete()).wait(timeout=60)
    assert client.job(client.bucket(bucket).objects(obj_template="dir/").delete()).wait(timeout=60)
    assert _names(client, bucket) == ["a-01", "a-03", "a-05", "a-07", "a-09", "keep/x"]


def test_delete_by_list_reports_a_missing_name(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    bucket = make_bucket("del")
    fill(endpoint, bucket, ["a", "b", "c"])
    job_id = client.bucket(bucket).objects(obj_names=["a", "missing-one", "c"]).delete()
    result = client.job(job_id).wait(timeout=60)
    assert not result.success
    assert "missing-one" in result.error
    assert "missing-one" in client.job(job_id).status().err
    assert _names(client, bucket) == ["b"]  # the others went all the same


def test_copy_selection_with_prepend_and_continue_on_error(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), bucket_names("dst")
    objects = fill(endpoint, src, [f"img-{i:03}.jpg" for i in range(12)])
    group = client.bucket(src).objects(obj_template="img-{000..019}.jpg")
    job_ids = group.copy(client.bucket(dst), prepend="c/", continue_on_error=True)
    for job_id in job_ids:
        assert client.job(job_id).wait(timeout=60)
    expected = {f"c/img-{i:03}.jpg": objects[f"img-{i:03}.jpg"] for i in range(12)}
    assert sorted(_names(client, dst)) == sorted(expected)
    assert read_all(endpoint, dst, expected) == expected


def test_copy_listed_names_reports_a_missing_one(
    client: Client, endpoint: str, make_bucket: Callable[[str], str]
) -> None:
    src, dst = make_bucket("src"), make_bucket("dst")
    fill(endpoint, src, ["x", "y"])
    job_ids = client.bucket(src).objects(obj_names=["x", "nope", "y"]).copy(client.bucket(dst))
    for job_id in job_ids:  # an idle-kind job: waiting ends when it is idle, errors or not
        client.job(job_id).wait(timeout=60)
    assert _names(client, dst) == ["x", "y"]
    snaps = [s for per in client.job(job_ids[0]).get_details().values() for s in per]
    assert any("nope" in s.err for s in snaps)


def test_request_shapes_and_refusals(endpoint: str, make_bucket: Callable[[str], str]) -> None:
    bucket = make_bucket("shape")
    evict = bucket_action(endpoint, "DELETE", bucket, "evict-listrange", {"template": "a-{0..3}"})
    assert evict.status_code == 400
    assert "expecting remote bucket" in evict.json()["message"]
    prefetch = {"template": "a-{0..3}", "coer": False, "latest-ver": False}
    assert bucket_action(endpoint, "POST", bucket, "prefetch-listrange", prefetch).status_code == 400
    bad_template = bucket_action(endpoint, "DELETE", bucket, "delete-listrange", {"template": "a-{5..1}"})
    assert bad_template.status_code == 400
    empty_list = bucket_action(endpoint, "DELETE", bucket, "delete-listrange", {"objnames": []})
    assert empty_list.status_code == 400
    no_destination = bucket_action(endpoint, "POST", bucket, "copy-listrange", {"objnames": ["a"]})
    assert no_destination.status_code == 400
    missing = bucket_action(endpoint, "DELETE", "job-no-such-bucket", "delete-listrange", {"objnames": ["a"]})
    assert missing.status_code == 404
    # A provider with no backend (hdfs) answers 501, before any bucket lookup.
    remote = bucket_action(endpoint, "DELETE", "x", "evict-listrange", {"objnames": ["a"]}, provider="hdfs")
    assert remote.status_code == 501
    ok = bucket_action(endpoint, "DELETE", bucket, "delete-listrange", {"objnames": ["a"]})
    assert ok.status_code == 200 and ok.headers["Content-Length"] == str(len(ok.text)) and len(ok.text) >= 9

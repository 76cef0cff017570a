"""Bucket rename (move-bck): every object moves, the old bucket goes, reads work while it runs, conflicts."""

from collections.abc import Callable

import pytest
import requests
from jobs_it_support import bucket_action, fill, read_all

from pyaistore.sdk import Client
from pyaistore.sdk.errors import AISError, ErrBckAlreadyExists, ErrBckNotFound, ErrObjNotFound


def _names(client: Client, bucket: str) -> list[str]:
    return [entry.name for entry in client.bucket(bucket).list_all_objects()]


def test_rename_2000_objects_every_byte(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    old, new = make_bucket("old"), bucket_names("new")
    objects = fill(endpoint, old, (f"p{i % 5}/o-{i:05}" for i in range(2000)), size=700)
    bucket = client.bucket(old)
    job_id = bucket.rename(new)
    assert bucket.name == new
    # The new name serves every object at once, moved yet or not.
    sample = sorted(objects)[::97]
    assert read_all(endpoint, new, sample) == {name: objects[name] for name in sample}
    assert sorted(_names(client, new)) == sorted(objects)  # listed whole while it moves
    result = client.job(job_id).wait(timeout=120)
    assert result.success, result.error
    assert sorted(_names(client, new)) == sorted(objects)
    assert read_all(endpoint, new, objects) == objects
    with pytest.raises(ErrBckNotFound):
        client.bucket(old).head()
    assert old not in [b.name for b in client.cluster().list_buckets()]
    status = client.job(job_id).status()
    assert status.kind == "move-bck" and status.end_time > 0 and not status.err


def test_rename_refusals(client: Client, endpoint: str, make_bucket: Callable[[str], str]) -> None:
    src, other = make_bucket("src"), make_bucket("other")
    with pytest.raises(ErrBckAlreadyExists):
        client.bucket(src).rename(other)
    to_itself = bucket_action(endpoint, "POST", src, "move-bck", None, bck_to=f"ais/@#/{src}/")
    assert to_itself.status_code == 400
    to_remote = bucket_action(endpoint, "POST", src, "move-bck", None, bck_to="aws/@#/x/")
    assert to_remote.status_code == 400
    missing = bucket_action(endpoint, "POST", "job-no-such-bucket", "move-bck", None, bck_to="ais/@#/y/")
    assert missing.status_code == 404


def test_conflicts_while_a_rename_runs(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    old, new, third, copy_src = (
        make_bucket("old"),
        bucket_names("new"),
        bucket_names("third"),
        make_bucket("cp"),
    )
    fill(endpoint, old, (f"o-{i:05}" for i in range(1500)), size=10)
    fill(endpoint, copy_src, ["x"])
    job_id = client.bucket(old).rename(new)
    try:
        second = bucket_action(endpoint, "POST", old, "move-bck", None, bck_to=f"ais/@#/{third}/")
        assert second.status_code == 409, second.text
        copy_into = bucket_action(endpoint, "POST", copy_src, "copy-bck", {}, bck_to=f"ais/@#/{new}/")
        assert copy_into.status_code == 409, copy_into.text
        delete_in = bucket_action(endpoint, "DELETE", old, "delete-listrange", {"objnames": ["o-00001"]})
        assert delete_in.status_code == 409, delete_in.text
    finally:
        assert client.job(job_id).wait(timeout=120)
    assert len(_names(client, new)) == 1500


def test_aborted_rename_keeps_the_old_bucket(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    old, new = make_bucket("old"), bucket_names("new")
    objects = fill(endpoint, old, (f"o-{i:05}" for i in range(2000)), size=10)
    job_id = client.bucket(old).rename(new)
    client.job(job_id).abort()
    result = client.job(job_id).wait(timeout=60)
    assert not result.success
    status = client.job(job_id).status()
    assert status.aborted and status.end_time > 0
    assert sorted(_names(client, old)) == sorted(objects)
    client.bucket(old).head()  # still there


def test_rename_to_a_name_being_renamed_into_is_refused(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    first, second, target = make_bucket("a"), make_bucket("b"), bucket_names("t")
    fill(endpoint, first, (f"o-{i:05}" for i in range(1000)), size=10)
    job_id = client.bucket(first).rename(target)
    try:
        with pytest.raises(AISError) as info:
            client.bucket(second).rename(target)
        assert info.value.status_code == 409
    finally:
        assert client.job(job_id).wait(timeout=120)


def test_once_renamed_the_old_name_is_gone_and_a_new_bucket_under_it_starts_empty(
    client: Client, endpoint: str, make_bucket: Callable[[str], str], bucket_names: Callable[[str], str]
) -> None:
    old, new = make_bucket("gone"), bucket_names("moved")
    objects = fill(endpoint, old, (f"o-{i:03}" for i in range(40)), size=100)
    assert client.job(client.bucket(old).rename(new)).wait(timeout=60).success
    # Straight after the job: through the proxy, and on every target directly.
    for name in ("o-000", "o-017", "o-039"):
        with pytest.raises(ErrBckNotFound):
            client.bucket(old).object(name).get_reader().read_all()
        with pytest.raises(ErrBckNotFound):
            client.bucket(old).object(name).head()
        for target in client.cluster().get_info().tmap.values():
            direct = requests.get(f"{target.public_net.direct_url}/v1/objects/{old}/{name}", timeout=10)
            assert direct.status_code != 200, (target.daemon_id, name)
    with pytest.raises(ErrBckNotFound):
        client.bucket(old).list_all_objects()
    assert read_all(endpoint, new, objects) == objects
    reborn = client.bucket(old).create()
    assert reborn.list_all_objects() == []
    with pytest.raises(ErrObjNotFound):
        reborn.object("o-017").get_reader().read_all()

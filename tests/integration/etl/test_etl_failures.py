"""A transform that raises, returns the wrong type, crashes its process or hangs: a clear error
naming the ETL and the object, recorded for `view`, and the cluster goes on serving."""

import time

import pytest
from aistore.sdk import Client as OfficialClient
from etl_it_support import etl_name, eventually, new_bucket, quick_client, running_etl

from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster


def _picky(data: bytes) -> bytes:
    if data.startswith(b"raise"):
        raise ValueError("picky transform refuses " + data.decode())
    if data.startswith(b"text"):
        return data.decode()  # type: ignore[return-value]
    if data.startswith(b"crash"):
        import os

        os._exit(3)
    if data.startswith(b"hang"):
        import time

        time.sleep(60)
    return data.upper()


def _put_all(bucket: Bucket) -> None:
    for word in ("raise", "text", "crash", "hang", "fine"):
        bucket.object(word).put(content=f"{word} me".encode())


def _failure(bucket: Bucket, obj: str, etl: str) -> AISError:
    with pytest.raises(AISError) as info:
        bucket.object(obj).get(etl_id=etl).read_all()
    assert etl in info.value.message
    assert f"ais://{bucket.name}/{obj}" in info.value.message
    return info.value


def test_failing_transforms_give_clear_errors_and_the_cluster_keeps_serving(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("picky")
    init = lambda: client.etl(name).init_code(_picky, timeout="3s")  # noqa: E731
    with new_bucket(client, "fail") as bucket, running_etl(client, name, init):
        _put_all(bucket)
        raised = _failure(bucket, "raise", name)
        assert raised.status_code == 500
        assert "ValueError: picky transform refuses raise me" in raised.message

        wrong_type = _failure(bucket, "text", name)
        assert wrong_type.status_code == 500
        assert "returned str, expected bytes" in wrong_type.message

        crashed = _failure(bucket, "crash", name)
        assert crashed.status_code >= 500

        started = time.monotonic()
        hung = _failure(bucket, "hang", name)
        assert hung.status_code == 400  # as AIS answers: not repeated by clients as a 5xx would be
        assert "within its object timeout (3s)" in hung.message and "timeout" in str(hung)
        assert time.monotonic() - started < 20

        # The same ETL still transforms, plain GETs work, and the errors were recorded.
        assert eventually(lambda: bucket.object("fine").get(etl_id=name).read_all()) == b"FINE ME"
        assert bucket.object("raise").get().read_all() == b"raise me"
        details = OfficialClient(cluster.endpoint).etl(name).view()
        recorded = " ".join(error.msg for error in details.obj_errors or [])
        for obj in ("raise", "text", "hang"):
            assert f"ais://{bucket.name}/{obj}" in recorded


def test_a_transform_that_cannot_load_fails_init_with_its_log(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("broken")
    source = "import base64\nraise RuntimeError('module-level failure in user code')\n"
    body = {
        "name": name,
        "communication": "hpush://",
        "runtime": "python3.11v2",
        "funcs": {"transform": "transform"},
        "code": __import__("base64").b64encode(source.encode()).decode(),
        "dependencies": "",
        "init_timeout": "30s",
        "obj_timeout": "10s",
    }
    try:
        with pytest.raises(AISError) as info:
            client.etl(name).client.request("PUT", "etl", json=body)
        assert info.value.status_code == 400
        assert "module-level failure in user code" in info.value.message
        # AIS keeps a failed ETL defined, as Aborted.
        assert [i.stage for i in client.etl().list(stages=()) if i.id == name] == ["Aborted"]
    finally:
        client.etl(name).delete()

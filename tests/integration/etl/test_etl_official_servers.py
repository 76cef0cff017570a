"""The official SDK's ETLServer classes (init_class) beyond hpush/hpull: ws:// communication,
pipelines inline and in copies, errors kept per offline job, worker counts, object timeouts, OS
packages. The classes subclass the SDK's FastAPI and HTTP servers, which the server extra installs."""

import secrets
import shutil
import time
from collections.abc import Iterator

import pytest
from aistore.sdk import Bucket as OfficialBucket
from aistore.sdk import Client as OfficialClient
from aistore.sdk.errors import AISError
from aistore.sdk.etl import ETLConfig
from aistore.sdk.etl.webserver.fastapi_server import FastAPIServer
from aistore.sdk.etl.webserver.http_multi_threaded_server import HTTPMultiThreadedServer
from etl_it_support import etl_name

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture()
def official(cluster: LocalCluster) -> OfficialClient:
    return OfficialClient(cluster.endpoint)


@pytest.fixture()
def source(official: OfficialClient) -> Iterator[OfficialBucket]:
    bucket = official.bucket(f"etl-src-{secrets.token_hex(4)}").create()
    for i in range(3):
        bucket.object(f"o{i}.txt").get_writer().put_content(f"hello {i}".encode())
    yield bucket
    bucket.delete(missing_ok=True)


@pytest.fixture()
def scratch(official: OfficialClient) -> Iterator[OfficialBucket]:
    bucket = official.bucket(f"etl-dst-{secrets.token_hex(4)}")
    yield bucket
    bucket.delete(missing_ok=True)


def test_ws_inline_offline_and_pipelines(
    official: OfficialClient, source: OfficialBucket, scratch: OfficialBucket
) -> None:
    upper, reverse = official.etl(etl_name("ws-up")), official.etl(etl_name("rev"))

    @upper.init_class(comm_type="ws")
    class Upper(FastAPIServer):  # type: ignore[misc]
        def transform(self, data: bytes, *_args: str) -> bytes:
            return data.upper()

    @reverse.init_class(comm_type="hpull")
    class Reverse(FastAPIServer):  # type: ignore[misc]
        def transform(self, data: bytes, *_args: str) -> bytes:
            return data[::-1]

    def read(name: str, etl: object) -> bytes:
        data: bytes = source.object(name).get_reader(etl=ETLConfig(etl)).read_all()
        return data

    with upper, reverse:
        assert read("o0.txt", upper.name) == b"HELLO 0"
        # A pipeline: the second stage gets the first one's output, even though it pulls (hpull).
        assert read("o1.txt", upper >> reverse) == b"1 OLLEH"
        assert read("o1.txt", reverse >> upper) == b"1 OLLEH"
        job_id = source.transform(etl_name=upper.name, to_bck=scratch)
        assert official.job(job_id).wait(timeout=60).success
        assert scratch.object("o2.txt").get_reader().read_all() == b"HELLO 2"
        copied = scratch.object("copied.txt")
        source.object("o2.txt").copy(copied, etl=ETLConfig(upper >> reverse))
        assert copied.get_reader().read_all() == b"2 OLLEH"


def test_ws_needs_a_server_that_serves_websockets(official: OfficialClient) -> None:
    etl = official.etl(etl_name("no-ws"))
    with pytest.raises(AISError) as info:

        @etl.init_class(comm_type="ws", init_timeout="1m")
        class Plain(HTTPMultiThreadedServer):  # type: ignore[misc]
            def transform(self, data: bytes, *_args: str) -> bytes:
                return data

    try:
        assert info.value.status_code == 400
        assert "websocket" in info.value.message
    finally:
        etl.delete()


def test_offline_errors_are_kept_per_job_with_the_worker_count(
    official: OfficialClient, source: OfficialBucket, scratch: OfficialBucket
) -> None:
    source.object("bad-1").get_writer().put_content(b"x")
    source.object("bad-2").get_writer().put_content(b"y")
    picky = official.etl(etl_name("picky"))

    @picky.init_class()
    class Picky(FastAPIServer):  # type: ignore[misc]
        def transform(self, data: bytes, path: str, _etl_args: str) -> bytes:
            if "bad-" in path:
                raise ValueError("refused")
            return data

    with picky:
        names = ["o0.txt", "bad-1", "o1.txt", "bad-2"]
        job_id = source.objects(obj_names=names).transform(
            to_bck=scratch, etl_name=picky.name, continue_on_error=True, num_workers=3
        )
        assert official.job(job_id).wait(timeout=60).success
        errors = picky.view(job_id=job_id).obj_errors or []
        assert sorted(e.obj_name for e in errors) == [
            f"ais://{source.name}/bad-1",
            f"ais://{source.name}/bad-2",
        ]
        assert not (picky.view().obj_errors or []), "an offline job's errors are not inline ones"
        assert official.job(job_id).get_details().get_num_workers() == 3
        assert scratch.object("o1.txt").get_reader().read_all() == b"hello 1"


def test_an_object_timeout_says_timeout_and_is_not_retried(
    official: OfficialClient, source: OfficialBucket
) -> None:
    slow = official.etl(etl_name("slow"))

    @slow.init_class(obj_timeout="1s")
    class Slow(FastAPIServer):  # type: ignore[misc]
        def transform(self, data: bytes, *_args: str) -> bytes:
            time.sleep(4)
            return data

    with slow:
        started = time.monotonic()
        with pytest.raises(AISError) as info:
            source.object("o0.txt").get_reader(etl=ETLConfig(slow.name)).read_all()
        assert "timeout" in str(info.value).lower()
        assert info.value.status_code == 400  # as AIS: not a 5xx the SDK would repeat
        assert time.monotonic() - started < 4


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="OS packages are checked with dpkg-query")
def test_missing_os_packages_fail_the_init_naming_them(official: OfficialClient) -> None:
    etl = official.etl(etl_name("os-pkg"))
    with pytest.raises(AISError) as info:

        @etl.init_class(os_packages=["pyaistore-no-such-package"])
        class NeedsPackage(FastAPIServer):  # type: ignore[misc]
            def transform(self, data: bytes, *_args: str) -> bytes:
                return data

    try:
        assert info.value.status_code == 400
        assert "pyaistore-no-such-package" in info.value.message
    finally:
        etl.delete()

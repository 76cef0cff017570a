"""Inline transforms on GET: a function over many objects, hpush/hpull/io, streaming in chunks."""

import time
from collections.abc import Callable
from typing import Any

import requests
from aistore.sdk import Client as OfficialClient
from aistore.sdk.etl import ETLConfig
from etl_it_support import etl_name, new_bucket, quick_client, running_etl

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 200


def _upper(data: bytes) -> bytes:
    return data.upper()


def _reverse(data: bytes) -> bytes:
    return data[::-1]


def _reverse_io() -> None:
    import sys

    sys.stdout.buffer.write(sys.stdin.buffer.read()[::-1])


def _chunk_lengths(chunk: bytes) -> bytes:
    return f"{len(chunk)}\n".encode()


def _slow_chunks(chunk: bytes) -> bytes:
    import time

    time.sleep(0.3)
    return chunk.upper()


def test_upper_casing_function_over_many_objects(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("upper")
    with (
        new_bucket(client, "many") as bucket,
        running_etl(client, name, lambda: client.etl(name).init_code(_upper)),
    ):
        for index in range(OBJECTS):
            bucket.object(f"obj-{index:04d}").put(content=f"object number {index}".encode())
        for index in range(OBJECTS):
            got = bucket.object(f"obj-{index:04d}").get(etl_id=name).read_all()
            assert got == f"OBJECT NUMBER {index}".encode()
        # The official SDK's form, and the untransformed object next to it.
        official = OfficialClient(cluster.endpoint).bucket(bucket.name).object("obj-0007")
        assert official.get_reader(etl=ETLConfig(name)).read_all() == b"OBJECT NUMBER 7"
        assert official.get_reader().read_all() == b"object number 7"
        [info] = [i for i in client.etl().list() if i.id == name]
        assert info.stage == "Running"
        assert info.obj_count == OBJECTS + 1
        assert info.in_bytes == info.out_bytes > 0


def test_hpush_hpull_and_io_communication(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    names = {comm: etl_name(comm) for comm in ("hpush", "hpull", "io")}
    content = b"0123456789 abcdefghij" * 100
    with new_bucket(client, "comm") as bucket:
        bucket.object("dir/o.bin").put(content=content)
        for comm, name in names.items():
            function = _reverse_io if comm == "io" else _reverse

            def init(name: str = name, function: Callable[..., Any] = function, comm: str = comm) -> None:
                client.etl(name).init_code(function, communication_type=comm)

            with running_etl(client, name, init):
                assert client.etl(name).view().communication == f"{comm}://"
                assert bucket.object("dir/o.bin").get(etl_id=name).read_all() == content[::-1], comm


def test_streaming_transform_gets_chunks_of_chunk_size(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("chunks")
    init = lambda: client.etl(name).init_code(_chunk_lengths, chunk_size=1000)  # noqa: E731
    with new_bucket(client, "chunks") as bucket, running_etl(client, name, init):
        bucket.object("o").put(content=b"x" * 3500)
        assert bucket.object("o").get(etl_id=name).read_all() == b"1000\n1000\n1000\n500\n"


def test_streamed_output_starts_before_the_input_is_consumed(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("stream")
    init = lambda: client.etl(name).init_code(_slow_chunks, chunk_size=100)  # noqa: E731
    with new_bucket(client, "stream") as bucket, running_etl(client, name, init):
        bucket.object("o").put(content=b"a" * 1000)  # ten chunks, 0.3 s each
        url = f"{cluster.endpoint}/v1/objects/{bucket.name}/o"
        started = time.monotonic()
        with requests.get(
            url, params={"provider": "ais", "etl_name": name}, stream=True, timeout=30
        ) as reply:
            assert reply.status_code == 200
            pieces = reply.iter_content(chunk_size=None)
            first = next(pieces)
            first_at = time.monotonic() - started
            rest = b"".join(pieces)
        total = time.monotonic() - started
        assert first + rest == b"A" * 1000, (len(first), len(rest), first_at, total)
        assert total >= 2.5
        assert first_at < total - 1.5, (first_at, total)

"""A target's ETL registry with real transform-server children: start, inline and offline
transforms (bytes pushed in the body, streamed), lookups, stats, stop, reconciliation."""

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path
from types import MappingProxyType

import pytest

from pyaistore.cluster.etl_table import EtlEntry, EtlTable
from pyaistore.etl.errors import EtlInitFailed, EtlNotFound
from pyaistore.etl.registry import EtlDirectory, EtlRegistry
from pyaistore.sdk.etl import etl_code
from pyaistore.wire.bucket_id import BucketId


def _upper(data: bytes) -> bytes:
    return data.upper()


def _lengths(chunk: bytes) -> bytes:
    return f"{len(chunk)},".encode()


def _msg(name: str, function: object, chunk_size: int = 0) -> dict[str, object]:
    return {
        "name": name,
        "communication": "hpush://",
        "runtime": "python3.11v2",
        "funcs": {"transform": "transform"},
        "code": etl_code.encode_transform(function, "hpush"),  # type: ignore[arg-type]
        "dependencies": "",
        "chunk_size": chunk_size,
        "init_timeout": "30s",
        "obj_timeout": "10s",
    }


async def _pieces(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def _collect(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


def test_registry_runs_transforms_in_children(tmp_path: Path) -> None:
    async def scenario() -> None:
        registry = EtlRegistry(tmp_path, "t[unit]", "http://127.0.0.1:9")
        routes: list[list[dict[str, object]]] = []
        registry.on_routes.append(routes.append)
        try:
            await registry.start(_msg("upper-etl", _upper), "etl-1", "s3cret")
            await registry.start(_msg("chunks-etl", _lengths, chunk_size=4), "etl-2", "s3cret")
            bucket = BucketId("b")
            local = tmp_path / "object"
            local.write_bytes(b"inline bytes")
            transformed = await registry.lookup("upper-etl").open_inline(bucket, "o", str(local), 12, "")
            try:
                assert await _collect(transformed.chunks) == b"INLINE BYTES"
            finally:
                transformed.close()
            pushed = registry.lookup("upper-etl").transform(bucket, "o", _pieces(b"pushed ", b"body"))
            assert await _collect(pushed) == b"PUSHED BODY"
            streamed = registry.lookup("chunks-etl").transform(bucket, "o", _pieces(b"abc", b"defghij"))
            assert await _collect(streamed) == b"4,4,2,"
            [info] = [i for i in registry.infos() if i.name == "upper-etl"]
            assert (info.obj_count, info.in_bytes, info.out_bytes) == (2, 23, 23)
            assert registry.secret_ok("upper-etl", "s3cret") and not registry.secret_ok("upper-etl", "x")
            # A worker process's directory, fed the routes, calls the same children.
            worker = EtlDirectory("t[worker]")
            worker.update(routes[-1])
            assert await _collect(worker.lookup("upper-etl").transform(bucket, "o", _pieces(b"w"))) == b"W"
            with pytest.raises(EtlNotFound, match="ETL nope-etl doesn't exist"):
                worker.lookup("nope-etl")
            # The table says: only upper-etl, stopped -> both go.
            table = EtlTable(3, MappingProxyType({}))
            registry.reconcile(table.with_entry(EtlEntry(MappingProxyType({"name": "upper-etl"}), "Aborted")))
            for _ in range(100):
                if not registry.infos():
                    break
                await asyncio.sleep(0.05)
            assert registry.infos() == []
            assert registry.find("upper-etl") is None
        finally:
            await registry.stop_all()

    asyncio.run(scenario())


def test_code_that_fails_to_load_fails_start_with_its_log(tmp_path: Path) -> None:
    async def scenario() -> None:
        registry = EtlRegistry(tmp_path, "t[unit]", "http://127.0.0.1:9")
        msg = _msg("bad-etl", _upper)
        msg["code"] = base64.b64encode(b"raise SystemExit('cannot load this')").decode()
        try:
            with pytest.raises(EtlInitFailed, match="cannot load this"):
                await registry.start(msg, "etl-3", "s")
            assert registry.infos() == []
        finally:
            await registry.stop_all()

    asyncio.run(scenario())

"""whole_if_small: small streams come back whole, large ones unchanged and complete."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from pyaistore.byte_streams import whole_if_small


async def _stream(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def _collect(result: bytes | AsyncIterator[bytes]) -> tuple[bool, bytes]:
    if isinstance(result, bytes):
        return True, result
    return False, b"".join([chunk async for chunk in result])


@pytest.mark.parametrize(
    ("chunks", "limit", "whole"),
    [([], 10, True), ([b"ab", b"cd"], 4, True), ([b"ab", b"cde"], 4, False), ([b"x" * 9] * 5, 10, False)],
)
def test_small_whole_large_streamed_unchanged(chunks: list[bytes], limit: int, whole: bool) -> None:
    got_whole, data = asyncio.run(_collect_from(chunks, limit))
    assert got_whole is whole
    assert data == b"".join(chunks)


async def _collect_from(chunks: list[bytes], limit: int) -> tuple[bool, bytes]:
    return await _collect(await whole_if_small(_stream(chunks), limit))

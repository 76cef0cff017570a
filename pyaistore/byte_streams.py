"""Async byte streams: take a small stream whole, or pass a large one on unchanged."""

from collections.abc import AsyncIterator

__all__ = ["whole_if_small"]


async def whole_if_small(data: AsyncIterator[bytes], limit: int) -> bytes | AsyncIterator[bytes]:
    """The stream as bytes if it ends within `limit` bytes, else a stream of all of it.

    Reads ahead at most `limit` bytes plus one chunk, so memory stays bounded for any size.
    """
    head: list[bytes] = []
    size = 0
    async for chunk in data:
        head.append(chunk)
        size += len(chunk)
        if size > limit:
            return _chain(head, data)
    return b"".join(head)


async def _chain(head: list[bytes], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The chunks already read, then the rest of the stream."""
    for chunk in head:
        yield chunk
    async for chunk in rest:
        yield chunk

"""WebDataset over this SDK: `ais://` shard URLs opened by the SDK, and our shard reader's samples
as a WebDataset source.

`install_gopen()` replaces webdataset's `ais://` handler (which pipes through AIStore's `ais`
CLI) with a streamed GET through this SDK, so `webdataset.WebDataset("ais://b/shard-{000..019}.tar")`
reads from the cluster at $AIS_ENDPOINT (or the client given). `wds_samples(reader)` turns
AISShardReader's (key, fields) pairs into WebDataset samples (`{"__key__": key, ext: bytes}`), the
input every webdataset stage (decode, to_tuple, shuffle, batched) takes.
"""

import importlib
from collections.abc import Iterable, Iterator
from typing import IO, Any, cast
from urllib.parse import urlsplit

from pyaistore.sdk.client import Client

__all__ = ["ais_gopen", "install_gopen", "wds_samples"]


def ais_gopen(url: str, mode: str = "rb", bufsize: int = 8192, client: Client | None = None) -> IO[bytes]:
    """Open `ais://bucket/object` for reading as a stream (webdataset's gopen signature)."""
    del bufsize
    if not mode.startswith("r"):
        raise ValueError(f"{mode}: ais:// shards are opened for reading only")
    parts = urlsplit(url)
    bucket = (client or Client()).bucket(parts.netloc, provider=parts.scheme)
    return cast(IO[bytes], bucket.object(parts.path.lstrip("/")).get_reader().raw())


def install_gopen(client: Client | None = None) -> None:
    """Make webdataset open `ais://` URLs through this SDK."""
    gopen = importlib.import_module("webdataset.gopen")  # the package re-exports a function of that name

    def opener(url: str, mode: str = "rb", bufsize: int = 8192) -> IO[bytes]:
        return ais_gopen(url, mode, bufsize, client)

    gopen.gopen_schemes["ais"] = opener


def wds_samples(pairs: Iterable[tuple[str, dict[str, bytes]]]) -> Iterator[dict[str, Any]]:
    """AISShardReader's (key, fields) pairs as WebDataset samples."""
    for key, fields in pairs:
        yield {"__key__": key, **fields}

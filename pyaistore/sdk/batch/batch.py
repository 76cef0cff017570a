"""Get-batch: many objects, archived files and byte ranges in one request (`aistore.sdk.batch`)."""

import base64
import json
from collections.abc import Generator
from typing import IO, Any, Literal, cast, overload

from urllib3.response import HTTPResponse

from pyaistore.sdk import const
from pyaistore.sdk.batch import extractor
from pyaistore.sdk.batch.multipart import MultipartReader, boundary_of
from pyaistore.sdk.batch.types import MossIn, MossOut, MossReq, MossResp
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.enums import Colocation
from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.request_client import RequestClient
from pyaistore.wire import multi_object, paths, query

__all__ = ["Batch", "BatchResult"]

BatchResult = Generator[tuple[MossOut, bytes], None, None]

_BUCKET_REQUIRED = "Bucket must be provided when objects are specified as raw names (str or list of str)"
_URL_PATH: str = f"{paths.ML}/{paths.MOSS}"


class Batch:
    """A get-batch request: add entries, then `get()` them as (MossOut, bytes) pairs in order.

    Args:
        request_client: the client that sends the request.
        objects: names (with `bucket`) or Objects to fetch; more can be added with add().
        bucket: the default bucket of entries given by name.
        output_format: the archive the cluster builds: ".tar" (default), ".tgz", ".tar.gz", ".zip".
        cont_on_err: a missing entry becomes an empty result with `err_msg` instead of failing.
        only_obj_name: name entries `<object>` instead of `<bucket>/<object>` in the archive.
        streaming_get: the cluster streams the archive as it builds it (no metadata part).
        colocation: which target assembles the batch (Colocation.TARGET_AWARE: the one owning most).

    Raises:
        ValueError: an unknown colocation, or names without a bucket.
        NotImplementedError: Colocation.TARGET_AND_SHARD_AWARE.
    """

    def __init__(
        self,
        request_client: RequestClient,
        objects: list[Object] | Object | str | list[str] | None = None,
        bucket: Bucket | None = None,
        output_format: str = multi_object.TAR,
        cont_on_err: bool = True,
        only_obj_name: bool = False,
        streaming_get: bool = True,
        colocation: Colocation = Colocation.NONE,
    ) -> None:
        self.request_client = request_client
        self.bucket = bucket
        if colocation < Colocation.NONE or colocation > Colocation.TARGET_AND_SHARD_AWARE:
            raise ValueError(f"Invalid colocation value: {colocation}. Must be a Colocation enum member.")
        if colocation == Colocation.TARGET_AND_SHARD_AWARE:
            raise NotImplementedError(
                "Colocation.TARGET_AND_SHARD_AWARE is not yet implemented on the server side."
            )
        if not extractor.supported(output_format):
            raise ValueError(f"Unsupported output format type {output_format}")
        self.request = MossReq(
            moss_in=[],
            output_format=output_format,
            cont_on_err=cont_on_err,
            only_obj_name=only_obj_name,
            streaming_get=streaming_get,
            colocation=int(colocation) if colocation > Colocation.NONE else None,
        )
        if objects is not None:
            for obj in objects if isinstance(objects, list) else [objects]:
                if not isinstance(obj, Object | str):
                    raise ValueError(f"Unsupported object type: {type(obj)}")
                self.add(obj)

    @property
    def requests_list(self) -> list[MossIn]:
        """The entries added so far."""
        return self.request.moss_in

    def add(
        self,
        obj: Object | str,
        opaque: bytes | None = None,
        archpath: str | None = None,
        start: int | None = None,
        length: int | None = None,
        bck: str | None = None,
        provider: str | None = None,
    ) -> "Batch":
        """Add one entry.

        Args:
            obj: an Object, or an object name (of the default bucket, or of `bck`/`provider`).
            opaque: bytes returned unchanged with the entry's result.
            archpath: read this file of the object (a shard) instead of the object.
            start: byte offset of a range (needs `length`).
            length: bytes to read from `start`; -1 reads to the end.
            bck: the entry's bucket, with `provider` (names only).
            provider: the entry's provider, with `bck`.

        Returns:
            self, for chaining.

        Raises:
            ValueError: an invalid range, `bck` without `provider` (or the reverse), `bck` with an
                Object, or a name without any bucket.
        """
        if start or length:
            _check_range(start, length)
        if (bck is None) != (provider is None):
            raise ValueError("bck and provider must be set together, or not at all")
        extra: dict[str, Any] = {}
        if opaque:
            extra["opaque"] = base64.b64encode(opaque).decode()
        if archpath:
            extra["archpath"] = archpath
        if start:
            extra["start"] = start
        if length:
            extra["length"] = length
        if isinstance(obj, Object):
            if bck is not None or provider is not None:
                raise ValueError("bck/provider cannot be combined with an Object instance")
            entry = MossIn(obj.name, obj.bucket_name, obj.bucket_provider.value, **extra)
        else:
            if bck is None:
                if self.bucket is None:
                    raise ValueError(_BUCKET_REQUIRED)
                bck, provider = self.bucket.name, self.bucket.provider.value
            entry = MossIn(obj, bck, provider, **extra)
        self.request.add(entry)
        return self

    def clear(self) -> "Batch":
        """Remove every entry (the batch can be reused)."""
        self.request.moss_in = []
        return self

    @overload
    def get(
        self,
        raw: Literal[False] = False,
        decode_as_stream: bool = False,
        clear_batch: bool = True,
        *,
        tar_buffer_size: int | None = None,
    ) -> BatchResult: ...

    @overload
    def get(
        self,
        raw: Literal[True],
        decode_as_stream: bool = False,
        clear_batch: bool = True,
        *,
        tar_buffer_size: int | None = None,
    ) -> HTTPResponse: ...

    def get(
        self,
        raw: bool = False,
        decode_as_stream: bool = False,
        clear_batch: bool = True,
        *,
        tar_buffer_size: int | None = None,
    ) -> BatchResult | HTTPResponse:
        """Send the request.

        Args:
            raw: return the undecoded response stream (the caller closes it).
            decode_as_stream: accepted for compatibility; multipart replies are always decoded as
                they arrive.
            clear_batch: remove the entries afterwards (default), so the batch can be reused.
            tar_buffer_size: read buffer for tar-family archives (default 64 KiB).

        Returns:
            A generator of (MossOut, content) pairs in request order, or the raw stream.

        Raises:
            ValueError: no entries, or an invalid `tar_buffer_size`.
            AISError: the cluster refused the request (e.g. a missing bucket, or a missing entry
                without `cont_on_err`).
        """
        del decode_as_stream
        if not self.requests_list:
            raise ValueError("No objects added to batch")
        fmt = (self.request.output_format or "").lower()
        if tar_buffer_size is not None:
            if (
                isinstance(tar_buffer_size, bool)
                or not isinstance(tar_buffer_size, int)
                or tar_buffer_size <= 0
            ):
                raise ValueError("tar_buffer_size must be a positive integer")
            if raw or fmt not in (multi_object.TAR, multi_object.TGZ, multi_object.TAR_GZ):
                raise ValueError("tar_buffer_size requires TAR extraction with raw=False")
        path, params = _URL_PATH, {}
        if self.bucket is not None:
            path = f"{_URL_PATH}/{self.bucket.name}"
            params[query.PROVIDER] = self.bucket.provider.value
        if self.request.colocation:
            params[query.COLOC] = str(self.request.colocation)
        response = self.request_client.request(
            const.HTTP_METHOD_GET,
            path,
            params=params,
            headers={const.HEADER_CONTENT_TYPE: const.JSON_CONTENT_TYPE},
            json=self.request.dict(),
            stream=True,
        )
        snapshot = self.request.model_copy()
        if clear_batch:
            self.clear()
        if raw:
            return cast(HTTPResponse, response.raw)
        buffer = tar_buffer_size or extractor.TAR_BUFFER
        if snapshot.streaming_get:
            return extractor.extract(cast(IO[bytes], response.raw), snapshot, None, response.close, buffer)
        return _multipart(response, snapshot, buffer)

    def __len__(self) -> int:
        return len(self.requests_list)

    def __repr__(self) -> str:
        return f"Batch(objects={len(self)}, format={self.request.output_format})"


def _multipart(response: Any, snapshot: MossReq, buffer: int) -> BatchResult:
    """Decode a multipart reply: the metadata part, then the archive part, as they arrive."""
    try:
        reader = MultipartReader(
            response.raw, boundary_of(response.headers.get(const.HEADER_CONTENT_TYPE, ""))
        )
        first = reader.next_part()
        if first is None:
            raise ValueError("get-batch reply has no metadata part")
        resp = MossResp.from_json(json.loads(first[1].read()))
        second = reader.next_part()
        if second is None:
            raise ValueError("get-batch reply has no archive part")
    except Exception:
        response.close()
        raise
    yield from extractor.extract(second[1], snapshot, resp, response.close, buffer)


def _check_range(start: int | None, length: int | None) -> None:
    """AIS's range rules: start >= 0; length > 0 or -1; a non-zero start needs a length."""
    if start and start < 0:
        raise ValueError(f"Invalid byte range: start={start} must be >= 0")
    if length is not None and length < -1:
        raise ValueError(f"Invalid byte range: length={length} must be > 0, or -1 to read to the end")
    if start and (length is None or length == 0):
        raise ValueError(
            f"Invalid byte range: start={start} requires length > 0 or -1 (use -1 to read to the end)"
        )

"""Turn a get-batch archive (tar, tgz, tar.lz4 or zip) into (MossOut, bytes) pairs, in request order.

A streamed reply carries no metadata: each result is derived from its request entry, and an
empty `__404__/...` entry marks one the cluster could not read. A multipart reply's metadata part
gives every result. Tar-family archives are read as a stream; a zip needs random access and is
read into memory first (as the official SDK does).
"""

import io
import tarfile
import zipfile
from collections.abc import Callable, Generator, Iterator
from typing import IO, Any, Final

from pyaistore.sdk.batch.types import MossOut, MossReq, MossResp, decode_opaque
from pyaistore.wire import get_batch as wire
from pyaistore.wire import multi_object

__all__ = ["extract", "supported"]

TAR_BUFFER: Final = 64 << 10
_TAR_FAMILY: Final = (multi_object.TAR, multi_object.TGZ, multi_object.TAR_GZ)


def supported(output_format: str) -> bool:
    """True for a format the SDK extracts."""
    return output_format.lower() in (*_TAR_FAMILY, multi_object.ZIP, multi_object.TAR_LZ4)


def extract(
    stream: IO[bytes],
    req: MossReq,
    resp: MossResp | None,
    close: Callable[[], None],
    buffer_size: int = TAR_BUFFER,
) -> Generator[tuple[MossOut, bytes], None, None]:
    """Every file of the archive with its result; `close` releases the connection at the end."""
    fmt = (req.output_format or multi_object.TAR).lower()
    try:
        members = _zip_members(stream) if fmt == multi_object.ZIP else _tar_members(stream, fmt, buffer_size)
        for index, (name, content) in enumerate(members):
            yield _result(index, name, len(content), req, resp), content
    finally:
        close()


def _tar_members(stream: IO[bytes], fmt: str, buffer_size: int) -> Iterator[tuple[str, bytes]]:
    source: Any = stream
    if fmt == multi_object.TAR_LZ4:
        import lz4.frame  # the server extra has it; a client asking for .tar.lz4 needs it too

        source = lz4.frame.LZ4FrameFile(stream, mode="rb")
    try:
        with tarfile.open(fileobj=source, mode="r|*", bufsize=buffer_size) as tar:
            for info in tar:
                if not info.isfile():
                    continue
                reader = tar.extractfile(info)
                yield info.name, reader.read() if reader is not None else b""
    except tarfile.TarError as exc:
        raise RuntimeError("Failed to read tar archive stream") from exc


def _zip_members(stream: IO[bytes]) -> Iterator[tuple[str, bytes]]:
    data = io.BytesIO(stream.read())
    try:
        with zipfile.ZipFile(data) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    except zipfile.BadZipFile as exc:
        raise RuntimeError("Failed to read zip archive stream") from exc


def _result(index: int, member: str, size: int, req: MossReq, resp: MossResp | None) -> MossOut:
    """The result of the index-th file: from the metadata part, or derived from the request."""
    if resp is not None:
        if index >= len(resp.out):
            raise RuntimeError(f"missing batch metadata for archive member {index}")
        return resp.out[index]
    if index >= len(req.moss_in):
        raise RuntimeError(f"missing batch metadata for archive member {index}")
    entry = req.moss_in[index]
    err_msg = None
    if size == 0 and member.startswith(wire.MISSING_DIR + "/"):
        err_msg = "Batch entry failed on the server"
    return MossOut(
        obj_name=entry.obj_name,
        bucket=entry.bck or "",
        provider=entry.provider or "",
        archpath=entry.archpath or "",
        opaque=decode_opaque(entry.opaque),
        err_msg=err_msg,
        size=size,
    )

"""Real shards in memory for the archive tests: tar, tgz, tar.lz4 and zip made by the standard tools."""

import io
import tarfile
import zipfile

import lz4.frame

FORMATS = (".tar", ".tgz", ".tar.gz", ".tar.lz4", ".zip")


def make_tar(members: dict[str, bytes], mode: str = "w", fmt: int = tarfile.PAX_FORMAT) -> bytes:
    """A tar (mode "w", "w:gz") holding `members`; names ending in "/" become directories."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode, format=fmt) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
                continue
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    """A deflated zip holding `members`; names ending in "/" become directories."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_shard(ext: str, members: dict[str, bytes]) -> bytes:
    """A shard of the format `ext` names."""
    if ext == ".zip":
        return make_zip(members)
    if ext in (".tgz", ".tar.gz"):
        return make_tar(members, "w:gz")
    if ext == ".tar.lz4":
        data: bytes = lz4.frame.compress(make_tar(members))
        return data
    return make_tar(members)


def tar_members(data: bytes) -> dict[str, bytes]:
    """Name -> content of every regular file in a tar stream."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for info in tar:
            reader = tar.extractfile(info)
            if reader is not None:
                out[info.name] = reader.read()
    return out


def unpack(ext: str, data: bytes) -> dict[str, bytes]:
    """Name -> content of every file in a shard of the format `ext` names."""
    if ext == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
    if ext == ".tar.lz4":
        data = lz4.frame.decompress(data)
    return tar_members(data)

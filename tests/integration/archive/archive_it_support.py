"""Helpers for the archive integration tests: shards made by the standard tools, a no-retry SDK client."""

import io
import secrets
import tarfile
import zipfile

import lz4.frame
import tenacity
from aistore.sdk import Client
from aistore.sdk.retry_config import RetryConfig
from urllib3.util.retry import Retry

SHARD_FORMATS = (".tar", ".tgz", ".tar.gz", ".tar.lz4", ".zip")


def no_retry_client(endpoint: str) -> Client:
    """An official SDK client that shows the first answer (its defaults retry 404s and 5xx)."""
    retry = RetryConfig(
        http_retry=Retry(total=0, connect=0, read=0, redirect=None, status_forcelist=[]),
        network_retry=tenacity.Retrying(retry=tenacity.retry_never, reraise=True),
    )
    return Client(endpoint, retry_config=retry, timeout=(5, 60))


def unique_bucket_name() -> str:
    """A bucket name no other test uses."""
    return f"arch-{secrets.token_hex(5)}"


def make_tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    """A tar ("w") or gzipped tar ("w:gz") of `members`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def make_shard(ext: str, members: dict[str, bytes]) -> bytes:
    """A shard of the format the extension names."""
    if ext == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        return buffer.getvalue()
    if ext in (".tgz", ".tar.gz"):
        return make_tar(members, "w:gz")
    if ext == ".tar.lz4":
        compressed: bytes = lz4.frame.compress(make_tar(members))
        return compressed
    return make_tar(members)


def tar_contents(data: bytes) -> dict[str, bytes]:
    """Name -> bytes of the regular files of a tar stream."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for info in tar:
            reader = tar.extractfile(info)
            if reader is not None:
                out[info.name] = reader.read()
    return out

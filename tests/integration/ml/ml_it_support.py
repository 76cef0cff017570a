"""Helpers for the ML data-path tests: shards made with the standard library, unique names."""

import io
import secrets
import tarfile


def unique_name(prefix: str) -> str:
    """A bucket name no other test uses."""
    return f"{prefix}-{secrets.token_hex(4)}"


def make_tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    """A tar ("w") or gzipped tar ("w:gz") of `members`, in the given order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def read_tar(data: bytes) -> list[tuple[str, bytes]]:
    """The regular files of a tar (any compression tarfile detects), in order."""
    out = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
        for info in tar:
            if info.isfile():
                reader = tar.extractfile(info)
                out.append((info.name, reader.read() if reader else b""))
    return out

"""An object's attributes, read from the headers of a GET or HEAD reply."""

from collections.abc import Iterator, Mapping

from requests.structures import CaseInsensitiveDict

from pyaistore.sdk import const

__all__ = ["ObjectAttributes"]


class ObjectAttributes(Mapping[str, str]):
    """Typed access to an object's attributes; also a read-only, case-insensitive view of the headers.

    Being a mapping, it serves both the 1.x style (`obj.head()["Content-Length"]`) and the
    modern one (`obj.head().size`).

    Args:
        response_headers: the headers of a GET or HEAD reply.
    """

    def __init__(self, response_headers: Mapping[str, str]) -> None:
        self._headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(response_headers)

    def __getitem__(self, key: str) -> str:
        return self._headers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self._headers)!r})"

    def _int(self, name: str) -> int:
        """An integer header, 0 when absent or malformed."""
        try:
            return int(self._headers.get(name) or 0)
        except ValueError:
            return 0

    @property
    def headers(self) -> "CaseInsensitiveDict[str]":
        """The raw headers."""
        return self._headers

    @property
    def size(self) -> int:
        """Size in bytes (of the range, for a ranged GET)."""
        return self._int(const.HEADER_CONTENT_LENGTH)

    @property
    def checksum_type(self) -> str:
        """Checksum algorithm, e.g. xxhash2 or md5."""
        return self._headers.get(const.AIS_CHECKSUM_TYPE, "")

    @property
    def checksum_value(self) -> str:
        """Checksum value in hex."""
        return self._headers.get(const.AIS_CHECKSUM_VALUE, "")

    @property
    def access_time(self) -> str:
        """Access time (Unix nanoseconds, as sent)."""
        return self._headers.get(const.AIS_ACCESS_TIME, "")

    @property
    def obj_version(self) -> str:
        """Object version."""
        return self._headers.get(const.AIS_VERSION, "")

    @property
    def custom_metadata(self) -> dict[str, str]:
        """Custom metadata; repeated `key=value` headers arrive joined by commas."""
        result: dict[str, str] = {}
        for pair in self._headers.get(const.AIS_CUSTOM_MD, "").split(","):
            key, sep, value = pair.strip().partition("=")
            if sep and key:
                result[key] = value
        return result

    @property
    def present(self) -> bool:
        """True when the object is present in the cluster (remote objects may not be)."""
        return self._headers.get(const.AIS_PRESENT, "").lower() == "true"

    @property
    def location(self) -> str:
        """Where the object lives: `t[<target>]:<mountpath>`."""
        return self._headers.get(const.AIS_LOCATION, "")

    @property
    def mirror_copies(self) -> int:
        """Number of copies."""
        return self._int(const.AIS_MIRROR_COPIES)

    @property
    def mirror_paths(self) -> list[str]:
        """Mountpaths holding the copies."""
        value = self._headers.get(const.AIS_MIRROR_PATHS, "").strip("[]")
        return value.split(",") if value else []

    @property
    def last_modified(self) -> str:
        """Last modification time (RFC 1123)."""
        return self._headers.get(const.HEADER_LAST_MODIFIED, "")

    @property
    def etag(self) -> str:
        """Entity tag without its quotes."""
        return self._headers.get(const.HEADER_ETAG, "").strip('"')

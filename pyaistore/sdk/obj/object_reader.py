"""Read an object: all at once, in chunks, as a raw stream or as a file object."""

from collections.abc import Iterator
from typing import Any

import requests
import urllib3

from pyaistore.sdk import const
from pyaistore.sdk.obj.object_attributes import ObjectAttributes
from pyaistore.sdk.obj.object_client import ObjectClient
from pyaistore.sdk.obj.object_file import ObjectFileReader
from pyaistore.sdk.obj.resumable_stream import ResumableStream

__all__ = ["ObjStream", "ObjectReader"]


class ObjectReader:
    """Access to an object's content and attributes.

    A reader made by `Object.get()` already holds the open GET response, so errors such as a
    missing object surface at once and the first read costs no extra request (call `close()`
    to release it unread). A reader made by `Object.get_reader()` sends its GET on the first
    read. Every later read sends a new GET.

    Args:
        object_client: sends the requests for this object.
        chunk_size: bytes per chunk when iterating.
        response: an open GET response to serve the first read from.
    """

    def __init__(
        self,
        object_client: ObjectClient,
        chunk_size: int | None = None,
        response: requests.Response | None = None,
    ) -> None:
        self._object_client = object_client
        self._chunk_size = chunk_size or const.DEFAULT_CHUNK_SIZE
        self._pending = response
        self._attributes = ObjectAttributes(response.headers) if response is not None else None

    def close(self) -> None:
        """Release the open response of `Object.get()` if it was not read."""
        if self._pending is not None:
            self._pending.close()
            self._pending = None

    def _response(self, stream: bool = True) -> requests.Response:
        """The pending response if there is one, else a new GET; attributes follow its headers."""
        response, self._pending = self._pending, None
        if response is None:
            response = self._object_client.get(stream=stream)
        self._attributes = ObjectAttributes(response.headers)
        return response

    def head(self) -> ObjectAttributes:
        """Fetch the object's attributes with a HEAD request.

        Returns:
            The attributes (checksum, atime, version, custom metadata, size, presence).

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster.
        """
        self._attributes = self._object_client.head()
        return self._attributes

    @property
    def attributes(self) -> ObjectAttributes:
        """The object's attributes from the last GET, or from a HEAD if no GET was sent yet."""
        if self._attributes is None:
            return self.head()
        return self._attributes

    @property
    def content_length(self) -> int:
        """Bytes the content has (for a ranged read, the range's length)."""
        return self.attributes.size

    @property
    def checksum_type(self) -> str:
        """Checksum algorithm of the object."""
        return self.attributes.checksum_type

    @property
    def checksum_value(self) -> str:
        """Checksum value of the object."""
        return self.attributes.checksum_value

    @property
    def access_time(self) -> str:
        """Access time of the object."""
        return self.attributes.access_time

    @property
    def obj_version(self) -> str:
        """Version of the object."""
        return self.attributes.obj_version

    @property
    def custom_metadata(self) -> dict[str, str]:
        """Custom metadata of the object."""
        return self.attributes.custom_metadata

    def read_all(self) -> bytes:
        """Read the whole content into memory.

        Returns:
            The content.

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the transfer failed.
        """
        response = self._response(stream=True)
        with response:
            raw = response.raw
            if not isinstance(raw, urllib3.BaseHTTPResponse):
                return response.content
            # One read of the whole body is several times faster than requests' 10 KiB chunks.
            try:
                data: bytes = raw.read(decode_content=True)
            except urllib3.exceptions.ProtocolError as exc:
                raise requests.exceptions.ChunkedEncodingError(exc, response=response) from exc
            except urllib3.exceptions.ReadTimeoutError as exc:
                raise requests.ConnectionError(exc, response=response) from exc
            except urllib3.exceptions.DecodeError as exc:
                raise requests.exceptions.ContentDecodingError(exc, response=response) from exc
            return data

    def raw(self) -> Any:
        """The undecoded byte stream of a GET (`requests.Response.raw`); the caller reads and closes it."""
        return self._response(stream=True).raw

    def iter_content(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Yield the content in chunks.

        Args:
            chunk_size: bytes per chunk; defaults to the reader's chunk size.

        Returns:
            An iterator of byte chunks.
        """
        response = self._response(stream=True)
        with response:
            yield from response.iter_content(chunk_size=chunk_size or self._chunk_size)

    def __iter__(self) -> Iterator[bytes]:
        """Iterate over the content in chunks of the reader's chunk size."""
        return self.iter_content()

    def as_file(self, buffer_size: int | None = None, max_resume: int = 5) -> ObjectFileReader:
        """A read-only, non-seekable file object over the content that resumes broken streams.

        Args:
            buffer_size: bytes per network read; defaults to the reader's chunk size.
            max_resume: interruptions to survive before a read fails.

        Returns:
            The file object; use it with `with` or close it.

        Raises:
            ValueError: `max_resume` is negative.
        """
        if max_resume < 0:
            raise ValueError(f"Invalid max_resume (must be a non-negative integer): {max_resume}.")
        response, self._pending = self._pending, None
        stream = ResumableStream(self._object_client, buffer_size or self._chunk_size, max_resume, response)
        return ObjectFileReader(stream)


ObjStream = ObjectReader

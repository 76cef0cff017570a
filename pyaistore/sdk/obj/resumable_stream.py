"""Chunks of an object's content that survive broken connections by resuming with Range reads.

When the stream breaks, or ends before `Content-Length` bytes arrived, the read resumes where
the caller left off: `Range: bytes=<offset>-` (RFC 9110 §14.2) when the object supports it (see
`ObjectClient.can_get_at_offset`), otherwise a fresh GET whose first bytes are skipped. A 200
answer to a ranged request (the server ignored the range) is handled the same way.
"""

from collections.abc import Iterator

import requests
import urllib3

from pyaistore.sdk import const
from pyaistore.sdk.errors import ObjectFileReaderMaxResumeError
from pyaistore.sdk.obj.object_client import ObjectClient

__all__ = ["STREAM_ERRORS", "ResumableStream"]

# What a broken or stalled body stream raises (requests wraps most urllib3 errors, not all).
STREAM_ERRORS = (
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.ReadTimeout,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
)


class ResumableStream(Iterator[bytes]):
    """Iterate over an object's content in chunks, resuming after interruptions.

    Args:
        object_client: sends the GET requests.
        chunk_size: bytes per chunk read from the network.
        max_resume: how many interruptions to tolerate before giving up.
        response: an already-open GET response to start from (the stream takes ownership).
    """

    def __init__(
        self,
        object_client: ObjectClient,
        chunk_size: int,
        max_resume: int,
        response: requests.Response | None = None,
    ) -> None:
        self._client = object_client
        self._chunk_size = chunk_size
        self._max_resume = max_resume
        self._response: requests.Response | None = None
        self._chunks: Iterator[bytes] | None = None
        self._delivered = 0  # bytes handed to the caller
        self._stream_position = 0  # position of the next byte the current stream yields
        self._expected_end: int | None = None
        self._resumes = 0
        self._finished = False
        if response is not None:
            self._adopt(response, offset=0)

    @property
    def path(self) -> str:
        """The object's path."""
        return self._client.path

    @property
    def delivered(self) -> int:
        """Bytes handed to the caller so far."""
        return self._delivered

    @property
    def resumes(self) -> int:
        """Interruptions survived so far."""
        return self._resumes

    def _adopt(self, response: requests.Response, offset: int) -> None:
        """Start reading from a response that answered a GET at `offset`."""
        self.close()
        self._response = response
        resumed = offset and response.status_code == const.STATUS_PARTIAL_CONTENT
        self._stream_position = offset if resumed else 0
        self._expected_end = None
        # RFC 9110 §8.4: with a content coding, Content-Length counts coded bytes, not ours.
        encoding = response.headers.get(const.HEADER_CONTENT_ENCODING, "identity").lower()
        length = response.headers.get(const.HEADER_CONTENT_LENGTH)
        if encoding in ("", "identity") and length and length.isdigit():
            self._expected_end = self._stream_position + int(length)
        self._chunks = response.iter_content(chunk_size=self._chunk_size)

    def _open(self, offset: int) -> None:
        """Open a new GET at `offset` bytes into the requested content."""
        self._adopt(self._client.get(stream=True, offset=offset), offset)

    def close(self) -> None:
        """Release the current connection."""
        if self._response is not None:
            self._response.close()
        self._response = None
        self._chunks = None

    def __next__(self) -> bytes:
        """The next chunk of content."""
        while not self._finished:
            if self._chunks is None:
                self._open(self._delivered)
            assert self._chunks is not None
            try:
                chunk = next(self._chunks)
            except STREAM_ERRORS as err:
                self._resume(err)
                continue
            except StopIteration:
                short = self._short_by()
                if short is None:
                    self._finished = True
                    self.close()
                    break
                self._resume(EOFError(f"stream ended at byte {self._stream_position}, expected {short}"))
                continue
            position = self._stream_position
            self._stream_position += len(chunk)
            already_delivered = self._delivered - position
            if already_delivered > 0:
                chunk = chunk[already_delivered:]
                if not chunk:
                    continue
            self._delivered += len(chunk)
            return chunk
        raise StopIteration

    def _short_by(self) -> int | None:
        """The position the stream should have reached when it ended early, else None."""
        expected = self._expected_end
        if self._stream_position < self._delivered:
            expected = max(expected or 0, self._delivered)
        if expected is None or self._stream_position >= expected:
            return None
        return expected

    def _resume(self, err: BaseException) -> None:
        """Reopen the stream after an interruption, at the delivered offset when possible."""
        self._resumes += 1
        self.close()
        if self._resumes > self._max_resume:
            raise ObjectFileReaderMaxResumeError(err, self._resumes) from err
        offset = self._delivered if self._client.can_get_at_offset() else 0
        self._open(offset)

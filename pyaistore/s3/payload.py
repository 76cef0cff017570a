"""Request bodies of S3 writes: aws-chunked framing stripped (chunk signatures checked when the
cluster checks signatures), and the digests a client sends verified before the write can finish.

Bytes go on as they arrive, except the last piece, held back until every check has passed: a
failed check then cuts the body short, which the owning target sees as an incomplete body and
stores nothing (the relay always announces the length). Checked digests: Content-MD5,
x-amz-checksum-crc32, -sha1 and -sha256 (header or aws-chunked trailer), and, when the request's
signature is checked, x-amz-content-sha256. crc32c and crc64nvme are accepted unchecked (no fast
implementation in the standard library).
"""

import asyncio
import base64
import binascii
import hashlib
import hmac
import zlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from aiohttp import web
from aiohttp.client_exceptions import ClientPayloadError
from aiohttp.http_exceptions import HttpProcessingError

from pyaistore.s3 import sigv4
from pyaistore.s3.request_auth import Authenticated
from pyaistore.s3.s3_errors import S3Error
from pyaistore.wire import s3

__all__ = [
    "AwsChunkedDecoder",
    "Digest",
    "checked",
    "digests_for",
    "hmac_equal",
    "is_aws_chunked",
    "payload_size",
    "read_document",
    "request_chunks",
]

# Bytes asked of the request stream per read.
READ_CHUNK: Final = 1 << 20
# XML request documents (Delete of 1,000 keys, CompleteMultipartUpload of 10,000 parts) fit in this.
MAX_DOCUMENT: Final = 8 << 20
# The longest chunk header line accepted ("<hex size>;chunk-signature=<64 hex>" is about 90 bytes).
MAX_LINE: Final = 4096
_CRC_KINDS: Final = ("crc32", "sha1", "sha256")


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class _Crc32:
    def __init__(self) -> None:
        self._value = 0

    def update(self, data: bytes, /) -> None:
        self._value = zlib.crc32(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(4, "big")


def _new_hash(kind: str) -> _Hash:
    return _Crc32() if kind == "crc32" else hashlib.new(kind)


@dataclass(slots=True)
class Digest:
    """One digest the body must have: its kind, expected bytes (a trailer fills them in at the end)."""

    kind: str
    expected: bytes | None
    code: str
    source: str
    hasher: _Hash = field(init=False)

    def __post_init__(self) -> None:
        self.hasher = _new_hash(self.kind)

    def check(self) -> None:
        """S3Error (BadDigest, or XAmzContentSHA256Mismatch) unless the body had the expected digest."""
        if self.expected is None:
            raise S3Error(s3.INVALID_REQUEST, f"the trailer {self.source} was announced but not sent")
        if self.hasher.digest() != self.expected:
            raise S3Error(self.code, f"the body's {self.kind} does not match {self.source}")


def _b64(value: str, source: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise S3Error(s3.INVALID_ARGUMENT, f"invalid {source}: {value!r}") from exc


def digests_for(hdrs: Mapping[str, Sequence[str]], auth: Authenticated | None) -> list[Digest]:
    """The digests a write's headers announce (`hdrs`: lower-case names to values)."""
    found = []
    md5 = hdrs.get(s3.H_CONTENT_MD5.lower())
    if md5:
        found.append(Digest("md5", _b64(md5[0], s3.H_CONTENT_MD5), s3.BAD_DIGEST, s3.H_CONTENT_MD5))
    for kind in _CRC_KINDS:
        name = s3.H_CHECKSUM_PREFIX + kind
        value = hdrs.get(name)
        if value:
            found.append(Digest(kind, _b64(value[0], name), s3.BAD_DIGEST, name))
    trailer = (hdrs.get(s3.H_TRAILER) or [""])[0].strip().lower()
    if trailer.startswith(s3.H_CHECKSUM_PREFIX) and trailer[len(s3.H_CHECKSUM_PREFIX) :] in _CRC_KINDS:
        found.append(Digest(trailer[len(s3.H_CHECKSUM_PREFIX) :], None, s3.BAD_DIGEST, trailer))
    if auth is not None and len(auth.payload_hash) == 64:
        try:
            expected = bytes.fromhex(auth.payload_hash)
        except ValueError as exc:
            raise S3Error(s3.INVALID_ARGUMENT, f"invalid {s3.H_CONTENT_SHA256}") from exc
        found.append(Digest("sha256", expected, s3.SHA256_MISMATCH, s3.H_CONTENT_SHA256))
    return found


def is_aws_chunked(hdrs: Mapping[str, Sequence[str]]) -> bool:
    """Whether the body carries aws-chunked framing."""
    sha = (hdrs.get(s3.H_CONTENT_SHA256) or [""])[0]
    encoding = ",".join(hdrs.get("content-encoding", ()))
    return sha.startswith(s3.STREAMING_PREFIX) or s3.AWS_CHUNKED in encoding


def payload_size(hdrs: Mapping[str, Sequence[str]], content_length: int | None) -> int | None:
    """The object's size: x-amz-decoded-content-length for an aws-chunked body, else the length."""
    if not is_aws_chunked(hdrs):
        return content_length
    decoded = hdrs.get(s3.H_DECODED_LENGTH)
    if not decoded:
        raise S3Error(s3.MISSING_CONTENT_LENGTH, f"an aws-chunked body needs {s3.H_DECODED_LENGTH}")
    try:
        return int(decoded[0])
    except ValueError as exc:
        raise S3Error(s3.INVALID_ARGUMENT, f"invalid {s3.H_DECODED_LENGTH}") from exc


class AwsChunkedDecoder:
    """`<hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n` ... `0[;...]\\r\\n[trailers]\\r\\n`.

    Data is passed on as it arrives (a chunk is never held whole); with `auth`, each chunk's
    signature is checked at its end against the chain that starts with the request's signature.
    """

    def __init__(self, auth: Authenticated | None) -> None:
        # Chunk signatures exist only in the signed streaming modes (not STREAMING-UNSIGNED-...).
        signed = auth is not None and auth.payload_hash.startswith(s3.STREAMING_SIGNED)
        self._auth = auth if signed else None
        self._previous = auth.seed_signature if auth else ""
        self._buffer = bytearray()
        self._left = -1  # data bytes left in the current chunk; -1: a header line is next
        self._claimed = ""
        self._hash: _Hash | None = None
        self._final = False
        self.trailers: dict[str, str] = {}
        self.done = False

    def feed(self, data: bytes) -> list[bytes]:
        """Decode the next bytes of the body; the payload pieces they complete."""
        self._buffer += data
        out: list[bytes] = []
        while not self.done and self._step(out):
            pass
        return out

    def finish(self) -> None:
        """IncompleteBody unless the final chunk (and its trailers) arrived."""
        if not self.done:
            raise S3Error(s3.INCOMPLETE_BODY, "the aws-chunked body ended before its final chunk")

    def _line(self) -> str | None:
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > MAX_LINE:
                raise S3Error(s3.INVALID_REQUEST, "malformed aws-chunked body: header line too long")
            return None
        line = bytes(self._buffer[:end]).decode("latin-1")
        del self._buffer[: end + 2]
        return line

    def _step(self, out: list[bytes]) -> bool:
        """Advance by one element; False when more input is needed."""
        if self._final:
            return self._trailer()
        if self._left < 0:
            line = self._line()
            if line is None:
                return False
            self._start_chunk(line)
            return True
        if self._left > 0:
            if not self._buffer:
                return False
            piece = bytes(self._buffer[: self._left])
            del self._buffer[: len(piece)]
            self._left -= len(piece)
            if self._hash is not None:
                self._hash.update(piece)
            out.append(piece)
            return True
        if len(self._buffer) < 2:
            return False
        if self._buffer[:2] != b"\r\n":
            raise S3Error(s3.INVALID_REQUEST, "malformed aws-chunked body: chunk not followed by CRLF")
        del self._buffer[:2]
        self._end_chunk()
        self._left = -1
        return True

    def _start_chunk(self, line: str) -> None:
        size_text, _, extension = line.partition(";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError as exc:
            raise S3Error(s3.INVALID_REQUEST, f"malformed aws-chunked size {size_text!r}") from exc
        name, _, value = extension.partition("=")
        self._claimed = value.strip() if name.strip() == "chunk-signature" else ""
        if self._auth is not None and not self._claimed:
            raise S3Error(s3.SIGNATURE_MISMATCH, "an aws-chunked chunk lacks its signature")
        self._hash = hashlib.sha256() if self._auth is not None and self._claimed else None
        if size == 0:
            self._end_chunk()
            self._final = True
        else:
            self._left = size

    def _end_chunk(self) -> None:
        if self._auth is None or not self._claimed:
            return
        digest = self._hash.digest().hex() if self._hash is not None else sigv4.EMPTY_SHA256
        to_sign = sigv4.chunk_string_to_sign(self._auth.amz_date, self._auth.scope, self._previous, digest)
        if not hmac_equal(sigv4.signature(self._auth.key, to_sign), self._claimed):
            raise S3Error(s3.SIGNATURE_MISMATCH, "an aws-chunked chunk's signature does not match")
        self._previous = self._claimed

    def _trailer(self) -> bool:
        line = self._line()
        if line is None:
            return False
        if not line:
            self.done = True
            return True
        name, _, value = line.partition(":")
        self.trailers[name.strip().lower()] = value.strip()
        return True


def hmac_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two signatures."""
    return hmac.compare_digest(a.encode(), b.encode())


async def checked(
    chunks: AsyncIterator[bytes], digests: list[Digest], decoder: AwsChunkedDecoder | None
) -> AsyncIterator[bytes]:
    """The payload, its last piece released only after every digest (and the framing) checked out."""
    pending: bytes | None = None
    async for raw in chunks:
        for piece in decoder.feed(raw) if decoder is not None else (raw,):
            if not piece:
                continue
            for digest in digests:
                digest.hasher.update(piece)
            if pending is not None:
                yield pending
            pending = piece
    if decoder is not None:
        decoder.finish()
        for digest in digests:
            if digest.expected is None and digest.source in decoder.trailers:
                digest.expected = _b64(decoder.trailers[digest.source], digest.source)
    for digest in digests:
        digest.check()
    if pending is not None:
        yield pending


async def request_chunks(request: web.Request, idle_s: float) -> AsyncIterator[bytes]:
    """The raw request body as it arrives; RequestTimeout when it stalls, IncompleteBody when cut."""
    received = 0
    try:
        while True:
            try:
                async with asyncio.timeout(idle_s):
                    chunk = await request.content.read(READ_CHUNK)
            except TimeoutError as exc:
                raise S3Error(s3.REQUEST_TIMEOUT, f"the request body stalled for {idle_s:g}s") from exc
            if not chunk:
                break
            received += len(chunk)
            yield chunk
    except (ClientPayloadError, HttpProcessingError, ConnectionResetError) as exc:
        raise S3Error(s3.INCOMPLETE_BODY, f"the request body ended early after {received} bytes") from exc
    if request.content_length is not None and received != request.content_length:
        raise S3Error(s3.INCOMPLETE_BODY, f"received {received} of {request.content_length} bytes")


async def read_document(
    request: web.Request, idle_s: float, hdrs: Mapping[str, Sequence[str]], auth: Authenticated | None
) -> bytes:
    """A small request document (XML), read whole and checked against its digests."""
    if request.content_length is not None and request.content_length > MAX_DOCUMENT:
        raise S3Error(s3.ENTITY_TOO_LARGE, f"the request document exceeds {MAX_DOCUMENT} bytes")
    decoder = AwsChunkedDecoder(auth) if is_aws_chunked(hdrs) else None
    body = bytearray()
    async for piece in checked(request_chunks(request, idle_s), digests_for(hdrs, auth), decoder):
        body += piece
        if len(body) > MAX_DOCUMENT:
            raise S3Error(s3.ENTITY_TOO_LARGE, f"the request document exceeds {MAX_DOCUMENT} bytes")
    return bytes(body)

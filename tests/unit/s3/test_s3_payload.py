"""aws-chunked decoding and the digest checks of S3 write bodies."""

import asyncio
import base64
import hashlib
import zlib
from collections.abc import AsyncIterator

import pytest

from pyaistore.s3 import sigv4
from pyaistore.s3.payload import AwsChunkedDecoder, checked, digests_for, payload_size
from pyaistore.s3.request_auth import Authenticated
from pyaistore.s3.s3_errors import S3Error

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDENTIAL = sigv4.Credential("AKIAIOSFODNN7EXAMPLE", "20130524", "us-east-1", "s3")
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
AWS_EXAMPLE_CHUNKS = [
    (b"a" * 65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"),
    (b"a" * 1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"),
    (b"", "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
]


def _auth() -> Authenticated:
    key = sigv4.signing_key(SECRET, CREDENTIAL)
    return Authenticated(
        "AKIAIOSFODNN7EXAMPLE",
        key,
        CREDENTIAL.scope,
        "20130524T000000Z",
        SEED,
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    )


def _framed(chunks: list[tuple[bytes, str]]) -> bytes:
    return b"".join(f"{len(c):x};chunk-signature={s}\r\n".encode() + c + b"\r\n" for c, s in chunks)


def _decode(decoder: AwsChunkedDecoder, body: bytes, step: int) -> bytes:
    out = b"".join(piece for at in range(0, len(body), step) for piece in decoder.feed(body[at : at + step]))
    decoder.finish()
    return out


@pytest.mark.parametrize("step", [1, 7, 4096, 1 << 20])
def test_aws_example_body_decodes_and_its_signatures_check(step: int) -> None:
    body = _framed(AWS_EXAMPLE_CHUNKS)
    assert len(body) == 66824  # the example's Content-Length
    assert _decode(AwsChunkedDecoder(_auth()), body, step) == b"a" * 66560


def test_a_forged_chunk_is_refused() -> None:
    forged = _framed([(b"b" * 65536, AWS_EXAMPLE_CHUNKS[0][1]), *AWS_EXAMPLE_CHUNKS[1:]])
    with pytest.raises(S3Error) as caught:
        _decode(AwsChunkedDecoder(_auth()), forged, 4096)
    assert caught.value.code == "SignatureDoesNotMatch"


def test_unsigned_chunks_with_a_trailer() -> None:
    body = (
        b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:"
        + base64.b64encode(zlib.crc32(b"hello").to_bytes(4, "big"))
        + b"\r\n\r\n"
    )
    decoder = AwsChunkedDecoder(None)
    assert _decode(decoder, body, 3) == b"hello"
    assert "x-amz-checksum-crc32" in decoder.trailers


def test_a_truncated_body_is_incomplete() -> None:
    decoder = AwsChunkedDecoder(None)
    decoder.feed(b"5\r\nhel")
    with pytest.raises(S3Error) as caught:
        decoder.finish()
    assert caught.value.code == "IncompleteBody"


async def _chunks(*pieces: bytes) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


def _collect(stream: AsyncIterator[bytes]) -> list[bytes]:
    async def run() -> list[bytes]:
        out = []
        try:
            async for piece in stream:
                out.append(piece)
        except S3Error as exc:
            out.append(exc.code.encode())
        return out

    return asyncio.run(run())


def test_the_last_piece_waits_for_the_digests() -> None:
    md5 = base64.b64encode(hashlib.md5(b"abcdef").digest()).decode()
    good = digests_for({"content-md5": [md5]}, None)
    assert _collect(checked(_chunks(b"abc", b"def"), good, None)) == [b"abc", b"def"]
    bad = digests_for({"content-md5": [md5]}, None)
    assert _collect(checked(_chunks(b"abc", b"dex"), bad, None)) == [b"abc", b"BadDigest"]


def test_trailer_checksum_is_checked() -> None:
    wrong = base64.b64encode((zlib.crc32(b"hello") ^ 1).to_bytes(4, "big"))
    body = b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:" + wrong + b"\r\n\r\n"
    digests = digests_for({"x-amz-trailer": ["x-amz-checksum-crc32"]}, None)
    assert _collect(checked(_chunks(body), digests, AwsChunkedDecoder(None))) == [b"BadDigest"]


def test_payload_size() -> None:
    chunked = {
        "x-amz-content-sha256": ["STREAMING-UNSIGNED-PAYLOAD-TRAILER"],
        "x-amz-decoded-content-length": ["5"],
    }
    assert payload_size(chunked, 40) == 5
    assert payload_size({}, 40) == 40
    with pytest.raises(S3Error):
        payload_size({"content-encoding": ["aws-chunked"]}, 40)

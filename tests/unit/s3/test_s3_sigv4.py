"""SigV4 steps against AWS's published examples (S3 "Signature Calculations" and the SigV4 suite)."""

import hashlib

import pytest

from pyaistore.s3 import sigv2, sigv4

# The example key pair AWS's S3 documentation signs with (examplebucket, 2013-05-24, us-east-1).
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
S3_CREDENTIAL = sigv4.Credential(ACCESS_KEY, "20130524", "us-east-1", "s3")
AMZ_DATE = "20130524T000000Z"


def _sign(method: str, path: str, query: str, headers: dict[str, str], payload: str) -> str:
    lower = {name.lower(): [value] for name, value in headers.items()}
    signed = sorted(lower)
    request = sigv4.canonical_request(
        method,
        sigv4.canonical_uri(path),
        sigv4.canonical_query(sigv4.parse_query(query)),
        sigv4.canonical_headers(lower, signed),
        signed,
        payload,
    )
    to_sign = sigv4.string_to_sign(AMZ_DATE, S3_CREDENTIAL.scope, request)
    return sigv4.signature(sigv4.signing_key(SECRET, S3_CREDENTIAL), to_sign)


def test_get_object_with_range() -> None:
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "Range": "bytes=0-9",
        "x-amz-content-sha256": sigv4.EMPTY_SHA256,
        "x-amz-date": AMZ_DATE,
    }
    expected = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    assert _sign("GET", "/test.txt", "", headers, sigv4.EMPTY_SHA256) == expected


def test_put_object_encodes_the_path() -> None:
    payload = hashlib.sha256(b"Welcome to Amazon S3.").hexdigest()
    headers = {
        "Date": "Fri, 24 May 2013 00:00:00 GMT",
        "Host": "examplebucket.s3.amazonaws.com",
        "x-amz-content-sha256": payload,
        "x-amz-date": AMZ_DATE,
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
    }
    expected = "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
    assert _sign("PUT", "/test$file.text", "", headers, payload) == expected
    assert sigv4.canonical_uri("/test$file.text") == sigv4.canonical_uri("/test%24file.text")


def test_get_bucket_lifecycle_subresource_without_value() -> None:
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "x-amz-content-sha256": sigv4.EMPTY_SHA256,
        "x-amz-date": AMZ_DATE,
    }
    expected = "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
    assert _sign("GET", "/", "lifecycle", headers, sigv4.EMPTY_SHA256) == expected


def test_list_objects_query_is_sorted() -> None:
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "x-amz-content-sha256": sigv4.EMPTY_SHA256,
        "x-amz-date": AMZ_DATE,
    }
    expected = "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
    assert _sign("GET", "/", "prefix=J&max-keys=2", headers, sigv4.EMPTY_SHA256) == expected


def test_presigned_url() -> None:
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    )
    claim = sigv4.parse_presigned(dict(sigv4.parse_query(query + "&X-Amz-Signature=x")))
    assert claim.credential == S3_CREDENTIAL and claim.expires == 86400 and claim.signed_headers == ("host",)
    request = sigv4.canonical_request(
        "GET",
        sigv4.canonical_uri("/test.txt"),
        sigv4.canonical_query(sigv4.parse_query(query)),
        sigv4.canonical_headers({"host": ["examplebucket.s3.amazonaws.com"]}, ["host"]),
        ["host"],
        "UNSIGNED-PAYLOAD",
    )
    to_sign = sigv4.string_to_sign(AMZ_DATE, S3_CREDENTIAL.scope, request)
    expected = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    assert sigv4.signature(sigv4.signing_key(SECRET, S3_CREDENTIAL), to_sign) == expected


def test_chunked_upload_seed_and_chunk_signatures() -> None:
    """The "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
    Chunks" example: 66560 bytes of "a" in chunks of 64 KiB, 1 KiB and the final empty one."""
    headers = {
        "content-encoding": "aws-chunked",
        "content-length": "66824",
        "host": "s3.amazonaws.com",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": AMZ_DATE,
        "x-amz-decoded-content-length": "66560",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
    }
    seed = _sign("PUT", "/examplebucket/chunkObject.txt", "", headers, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    assert seed == "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    key = sigv4.signing_key(SECRET, S3_CREDENTIAL)
    previous = seed
    expected = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]
    for chunk, want in zip((b"a" * 65536, b"a" * 1024, b""), expected, strict=True):
        to_sign = sigv4.chunk_string_to_sign(
            AMZ_DATE, S3_CREDENTIAL.scope, previous, hashlib.sha256(chunk).hexdigest()
        )
        previous = sigv4.signature(key, to_sign)
        assert previous == want


def test_sigv4_suite_get_vanilla() -> None:
    """aws-sig-v4-test-suite get-vanilla (service "service", 2015-08-30)."""
    credential = sigv4.Credential("AKIDEXAMPLE", "20150830", "us-east-1", "service")
    headers = {"host": ["example.amazonaws.com"], "x-amz-date": ["20150830T123600Z"]}
    signed = ["host", "x-amz-date"]
    request = sigv4.canonical_request(
        "GET", "/", "", sigv4.canonical_headers(headers, signed), signed, sigv4.EMPTY_SHA256
    )
    to_sign = sigv4.string_to_sign("20150830T123600Z", credential.scope, request)
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    expected = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    assert sigv4.signature(sigv4.signing_key(secret, credential), to_sign) == expected


def test_header_values_are_trimmed_and_joined() -> None:
    headers = {"my-header1": ["  value1", "  a   b   c  "]}
    assert sigv4.canonical_headers(headers, ["my-header1"]) == "my-header1:value1,a b c\n"


def test_uri_encode() -> None:
    assert sigv4.uri_encode("a b/c~d*") == "a%20b%2Fc~d%2A"
    assert sigv4.uri_encode("a b/c", encode_slash=False) == "a%20b/c"
    assert sigv4.uri_encode("é") == "%C3%A9"


def test_parse_authorization() -> None:
    claim = sigv4.parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-date,Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
    )
    assert claim.credential == S3_CREDENTIAL
    assert claim.signed_headers == ("host", "range", "x-amz-date")
    assert claim.signature.startswith("fe5f80f7")


@pytest.mark.parametrize(
    "header",
    [
        "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
        "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AK/20130524/s3/aws4_request, SignedHeaders=host, Signature=abc",
    ],
)
def test_malformed_authorization(header: str) -> None:
    with pytest.raises(sigv4.InvalidSignatureInput):
        sigv4.parse_authorization(header)


def test_parse_amz_date() -> None:
    assert sigv4.parse_amz_date(AMZ_DATE).year == 2013
    with pytest.raises(sigv4.InvalidSignatureInput):
        sigv4.parse_amz_date("2013-05-24")


def test_sigv2_header_example() -> None:
    """AWS's SigV2 example: GET /photos/puppy.jpg of bucket johnsmith (virtual-hosted)."""
    to_sign = sigv2.string_to_sign(
        "GET", "", "", "Tue, 27 Mar 2007 19:36:42 +0000", "", "/johnsmith/photos/puppy.jpg"
    )
    assert sigv2.signature(SECRET, to_sign) == "bWq2s1WEIj+Ydj0vQ697zp+IXMU="


def test_sigv2_query_string_example() -> None:
    resource = sigv2.canonical_resource("/johnsmith/photos/puppy.jpg", [("AWSAccessKeyId", ACCESS_KEY)])
    to_sign = sigv2.string_to_sign("GET", "", "", "1175139620", "", resource)
    assert sigv2.signature(SECRET, to_sign) == "NpgCjnDzrM+WFzoENXmpNDUsSn8="


def test_sigv2_sub_resources_and_amz_headers() -> None:
    assert sigv2.canonical_resource("/b/k", [("uploadId", "x"), ("partNumber", "2"), ("foo", "1")]) == (
        "/b/k?partNumber=2&uploadId=x"
    )
    assert sigv2.canonical_amz_headers({"x-amz-meta-a": ["1"], "host": ["h"], "x-amz-date": ["d"]}) == (
        "x-amz-date:d\nx-amz-meta-a:1\n"
    )

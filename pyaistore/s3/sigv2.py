"""AWS Signature Version 2 for S3, as small pure functions: what boto3's `generate_presigned_url`
still produces by default (`?AWSAccessKeyId=&Signature=&Expires=`), and the older
`Authorization: AWS <key>:<signature>` header.

String to sign (S3 "Signing and authenticating REST requests"): method, Content-MD5,
Content-Type, Date (or, presigned, Expires), the x-amz-* headers (lower case, sorted,
`name:value`), and the canonical resource: the path as sent plus the sub-resources S3 names.
"""

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

__all__ = ["SUB_RESOURCES", "canonical_amz_headers", "canonical_resource", "signature", "string_to_sign"]

# Query parameters that are part of the canonical resource (AWS's list, as botocore signs them).
SUB_RESOURCES: Final = frozenset(
    {
        "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
        "requestPayment", "restore", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
        "versions", "website", "response-cache-control", "response-content-disposition",
        "response-content-encoding", "response-content-language", "response-content-type", "response-expires",
    }
)  # fmt: skip


def canonical_amz_headers(hdrs: Mapping[str, Sequence[str]]) -> str:
    """`x-amz-name:value\\n` for every x-amz-* header, sorted (`hdrs`: lower-case names)."""
    lines = [
        f"{name}:{','.join(value.strip() for value in values)}\n"
        for name, values in sorted(hdrs.items())
        if name.startswith("x-amz-")
    ]
    return "".join(lines)


def canonical_resource(raw_path: str, query: Iterable[tuple[str, str]]) -> str:
    """The path as sent, then `?` and the sub-resources (sorted; `name` or `name=value`)."""
    found = sorted((name, value) for name, value in query if name in SUB_RESOURCES)
    if not found:
        return raw_path
    return raw_path + "?" + "&".join(f"{name}={value}" if value else name for name, value in found)


def string_to_sign(
    method: str, content_md5: str, content_type: str, date: str, amz: str, resource: str
) -> str:
    """The V2 string to sign."""
    return f"{method}\n{content_md5}\n{content_type}\n{date}\n{amz}{resource}"


def signature(secret: str, to_sign: str) -> str:
    """Base64 of HMAC-SHA1(secret, string to sign)."""
    digest = hmac.new(secret.encode(), to_sign.encode("utf-8", "surrogateescape"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()

"""Check an S3 request's signature (SigV4, header or presigned query; SigV2, which boto3's
presigned URLs still use by default) against the key pair the cluster is configured with. With
no key pair configured every request is accepted unchecked (anonymous), as AIS does without
AuthN; with one, a request must be signed by it.

The request is given as plain values (method, raw path and query, headers), so this is testable
without a server; the steps themselves are sigv4's.
"""

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

from pyaistore.s3 import sigv2, sigv4
from pyaistore.s3.s3_errors import S3Error
from pyaistore.wire import headers as native_headers
from pyaistore.wire import s3

__all__ = ["MAX_EXPIRES", "MAX_SKEW", "Authenticated", "authenticate", "is_presigned"]

# Header-signed requests must be this close to the server's clock (AWS: 15 minutes).
MAX_SKEW: Final = timedelta(minutes=15)
# A presigned URL may be valid for at most a week (AWS's limit).
MAX_EXPIRES: Final = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A request whose signature checked out: what chunk signatures (if any) are chained to."""

    access_key: str
    key: bytes
    scope: str
    amz_date: str
    seed_signature: str
    payload_hash: str


def is_presigned(query: Mapping[str, str]) -> bool:
    """Whether the query carries a presigned URL's signature."""
    return s3.Q_SIGNATURE in query or s3.Q_ALGORITHM in query


def _request_time(hdrs: Mapping[str, Sequence[str]]) -> str:
    """x-amz-date, else the Date header in the x-amz-date form."""
    amz = hdrs.get(s3.H_DATE)
    if amz:
        return amz[0].strip()
    date = hdrs.get("date")
    if not date:
        raise S3Error(s3.ACCESS_DENIED, "the request has no date (x-amz-date or Date)")
    try:
        return parsedate_to_datetime(date[0]).strftime("%Y%m%dT%H%M%SZ")
    except (TypeError, ValueError) as exc:
        raise S3Error(s3.ACCESS_DENIED, f"invalid Date header {date[0]!r}") from exc


def authenticate(
    method: str,
    raw_path: str,
    raw_query: str,
    hdrs: Mapping[str, Sequence[str]],
    access_key: str,
    secret: str,
    now: datetime,
    v2_resource: str = "",
) -> Authenticated:
    """The signature's verdict for a request (`hdrs`: lower-case names to their values;
    `v2_resource`: "/bucket/key" as sent, which a SigV2 signature covers instead of the path).

    AccessDenied when the request is unsigned or expired, InvalidAccessKeyId for another key,
    RequestTimeTooSkewed for a stale or future request, SignatureDoesNotMatch for a bad signature.
    """
    pairs = sigv4.parse_query(raw_query)
    query = dict(pairs)
    authorization = hdrs.get(native_headers.AUTHORIZATION.lower())
    if _V2_KEY in query or (authorization and authorization[0].startswith(_V2_SCHEME)):
        return _authenticate_v2(method, v2_resource or raw_path, pairs, hdrs, access_key, secret, now)
    try:
        if is_presigned(query):
            claim = sigv4.parse_presigned(query)
            amz_date, payload_hash = claim.amz_date, s3.UNSIGNED_PAYLOAD
            _check_expiry(claim, now)
        else:
            if not authorization:
                raise S3Error(
                    s3.ACCESS_DENIED, "anonymous requests are not allowed: sign it with the cluster's key"
                )
            claim = sigv4.parse_authorization(authorization[0])
            amz_date = _request_time(hdrs)
            payload_hash = (hdrs.get(s3.H_CONTENT_SHA256) or [s3.UNSIGNED_PAYLOAD])[0].strip()
            if abs(sigv4.parse_amz_date(amz_date) - now) > MAX_SKEW:
                raise S3Error(
                    s3.REQUEST_TIME_SKEWED,
                    "the difference between the request time and the server's is too large",
                )
    except sigv4.InvalidSignatureInput as exc:
        raise S3Error(s3.ACCESS_DENIED, str(exc)) from exc
    if claim.credential.access_key != access_key:
        raise S3Error(
            s3.INVALID_ACCESS_KEY, "the AWS access key ID you provided does not exist in our records"
        )
    if "host" not in claim.signed_headers:
        raise S3Error(s3.ACCESS_DENIED, "the host header must be signed")
    canonical = sigv4.canonical_request(
        method,
        sigv4.canonical_uri(raw_path),
        sigv4.canonical_query(pairs, skip=s3.Q_SIGNATURE),
        sigv4.canonical_headers(hdrs, claim.signed_headers),
        claim.signed_headers,
        payload_hash,
    )
    key = sigv4.signing_key(secret, claim.credential)
    expected = sigv4.signature(key, sigv4.string_to_sign(amz_date, claim.credential.scope, canonical))
    if not _equal(expected, claim.signature):
        raise S3Error(
            s3.SIGNATURE_MISMATCH,
            "the request signature we calculated does not match the signature you provided; "
            "check your key and signing method",
        )
    return Authenticated(access_key, key, claim.credential.scope, amz_date, claim.signature, payload_hash)


_V2_KEY: Final = "AWSAccessKeyId"
_V2_SIGNATURE: Final = "Signature"
_V2_EXPIRES: Final = "Expires"
_V2_SCHEME: Final = "AWS "


def _authenticate_v2(
    method: str,
    raw_path: str,
    pairs: list[tuple[str, str]],
    hdrs: Mapping[str, Sequence[str]],
    access_key: str,
    secret: str,
    now: datetime,
) -> Authenticated:
    """SigV2: `AWSAccessKeyId`/`Signature`/`Expires` in the query, or `Authorization: AWS key:sig`."""
    query = dict(pairs)

    def first(name: str) -> str:
        return (hdrs.get(name) or [""])[0]

    if _V2_KEY in query:
        given_key, given, date = query[_V2_KEY], query.get(_V2_SIGNATURE, ""), query.get(_V2_EXPIRES, "")
        if not date.isdigit() or now.timestamp() > int(date):
            raise S3Error(s3.ACCESS_DENIED, "request has expired")
    else:
        given_key, _, given = first(native_headers.AUTHORIZATION.lower())[len(_V2_SCHEME) :].partition(":")
        date = "" if s3.H_DATE in hdrs else first("date")
    if given_key != access_key:
        raise S3Error(
            s3.INVALID_ACCESS_KEY, "the AWS access key ID you provided does not exist in our records"
        )
    to_sign = sigv2.string_to_sign(
        method,
        first(s3.H_CONTENT_MD5.lower()),
        first("content-type"),
        date,
        sigv2.canonical_amz_headers(hdrs),
        sigv2.canonical_resource(raw_path, pairs),
    )
    if not _equal(sigv2.signature(secret, to_sign), given):
        raise S3Error(
            s3.SIGNATURE_MISMATCH,
            "the request signature we calculated does not match the signature you provided",
        )
    return Authenticated(access_key, b"", "", "", "", s3.UNSIGNED_PAYLOAD)


def _check_expiry(claim: sigv4.Claim, now: datetime) -> None:
    if not 0 < claim.expires <= MAX_EXPIRES:
        raise S3Error(s3.ACCESS_DENIED, f"{s3.Q_EXPIRES} must be between 1 and {MAX_EXPIRES} seconds")
    signed_at = sigv4.parse_amz_date(claim.amz_date)
    if now > signed_at + timedelta(seconds=claim.expires):
        raise S3Error(s3.ACCESS_DENIED, "request has expired")
    if signed_at - now > MAX_SKEW:
        raise S3Error(s3.ACCESS_DENIED, "request is not valid yet")


def _equal(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.strip().encode())

"""AWS Signature Version 4, as S3 uses it: small pure functions, one per step of the spec.

The steps (AWS "Create a signed AWS API request"), each a function below:

1. canonical request: method, canonical URI, canonical query, canonical headers, signed header
   names, payload hash (`canonical_request`, with `canonical_uri`, `canonical_query`,
   `canonical_headers`);
2. string to sign: algorithm, request time, credential scope, hash of the canonical request
   (`string_to_sign`);
3. signing key: HMAC chain over date, region, service and "aws4_request" (`signing_key`);
4. signature: hex HMAC of the string to sign (`signature`).

Streamed uploads signed chunk by chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) chain each chunk's
signature to the previous one (`chunk_string_to_sign`). Parsing the two ways a client sends its
claim (`parse_authorization` for the header, `parse_presigned` for a presigned URL's query) is
here too; checking a request against the configured key is s3/request_auth.py's.
Tested against AWS's published examples (tests/unit/s3/test_sigv4.py).
"""

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from urllib.parse import unquote

from pyaistore.wire import s3

__all__ = [
    "EMPTY_SHA256",
    "Claim",
    "Credential",
    "InvalidSignatureInput",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "chunk_string_to_sign",
    "parse_amz_date",
    "parse_authorization",
    "parse_credential",
    "parse_presigned",
    "parse_query",
    "sha256_hex",
    "signature",
    "signing_key",
    "string_to_sign",
    "uri_encode",
]

EMPTY_SHA256: Final = hashlib.sha256(b"").hexdigest()
_UNRESERVED: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_AMZ_DATE: Final = "%Y%m%dT%H%M%SZ"


class InvalidSignatureInput(ValueError):
    """An Authorization header, credential or presigned query that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Credential:
    """`<access key>/<date>/<region>/<service>/aws4_request`."""

    access_key: str
    date: str
    region: str
    service: str

    @property
    def scope(self) -> str:
        """The credential scope: date/region/service/aws4_request."""
        return f"{self.date}/{self.region}/{self.service}/{s3.SCOPE_TERMINATOR}"


@dataclass(frozen=True, slots=True)
class Claim:
    """What a signed request says about itself: who, when, which headers, and the signature."""

    credential: Credential
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str = ""  # from the query (presigned); header auth reads x-amz-date / Date
    expires: int = 0  # seconds (presigned only)


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def uri_encode(text: str, encode_slash: bool = True) -> str:
    """AWS's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ as %XY (upper case); "/" kept if asked."""
    out = []
    for byte in text.encode("utf-8", "surrogateescape"):
        if byte in _UNRESERVED or (byte == 0x2F and not encode_slash):
            out.append(chr(byte))
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def canonical_uri(raw_path: str) -> str:
    """The path as S3 signs it: decoded once, then each segment URI-encoded (no normalisation)."""
    return uri_encode(unquote(raw_path, errors="surrogateescape"), encode_slash=False) or "/"


def parse_query(raw_query: str) -> list[tuple[str, str]]:
    """The raw query string as decoded (name, value) pairs, in order ("a" alone is ("a", ""))."""
    pairs = []
    for item in raw_query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((unquote(name, errors="surrogateescape"), unquote(value, errors="surrogateescape")))
    return pairs


def canonical_query(pairs: Iterable[tuple[str, str]], skip: str = "") -> str:
    """Names and values URI-encoded, sorted by name then value, joined with & (`skip` left out)."""
    encoded = sorted((uri_encode(name), uri_encode(value)) for name, value in pairs if name != skip)
    return "&".join(f"{name}={value}" for name, value in encoded)


def canonical_headers(headers: Mapping[str, Sequence[str]], signed: Sequence[str]) -> str:
    """`name:value\\n` per signed header: lower-case names, values trimmed, inner runs of spaces
    collapsed, repeated headers joined with commas. `headers` maps lower-case names to values."""
    lines = []
    for name in signed:
        values = headers.get(name, ())
        lines.append(f"{name}:{','.join(' '.join(value.split()) for value in values)}\n")
    return "".join(lines)


def canonical_request(
    method: str, uri: str, query: str, headers: str, signed: Sequence[str], payload_hash: str
) -> str:
    """Step 1: the canonical request."""
    return "\n".join((method, uri, query, headers, ";".join(signed), payload_hash))


def string_to_sign(amz_date: str, scope: str, request: str) -> str:
    """Step 2: algorithm, time, scope and the hash of the canonical request."""
    return "\n".join((s3.ALGORITHM, amz_date, scope, sha256_hex(request.encode("utf-8", "surrogateescape"))))


def signing_key(secret: str, credential: Credential) -> bytes:
    """Step 3: HMAC("AWS4"+secret, date) -> region -> service -> "aws4_request"."""
    key = ("AWS4" + secret).encode()
    for part in (credential.date, credential.region, credential.service, s3.SCOPE_TERMINATOR):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature(key: bytes, to_sign: str) -> str:
    """Step 4: the hex HMAC-SHA256 of the string to sign."""
    return hmac.new(key, to_sign.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def chunk_string_to_sign(amz_date: str, scope: str, previous_signature: str, chunk_sha256: str) -> str:
    """The string signed for one chunk of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body."""
    return "\n".join((s3.CHUNK_ALGORITHM, amz_date, scope, previous_signature, EMPTY_SHA256, chunk_sha256))


def parse_credential(text: str) -> Credential:
    """`AKID/20130524/us-east-1/s3/aws4_request` -> Credential."""
    parts = text.split("/")
    if len(parts) != 5 or parts[4] != s3.SCOPE_TERMINATOR or not all(parts[:4]):
        raise InvalidSignatureInput(f"malformed credential {text!r}")
    return Credential(parts[0], parts[1], parts[2], parts[3])


def _signed_names(text: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in text.split(";") if name.strip())
    if not names:
        raise InvalidSignatureInput("no signed headers")
    return names


def parse_authorization(header: str) -> Claim:
    """`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` -> Claim."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != s3.ALGORITHM:
        raise InvalidSignatureInput(f"unsupported authorization algorithm {algorithm!r}")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            fields[name.strip()] = value.strip()
    try:
        return Claim(
            credential=parse_credential(fields["Credential"]),
            signed_headers=_signed_names(fields["SignedHeaders"]),
            signature=fields["Signature"],
        )
    except KeyError as exc:
        raise InvalidSignatureInput(f"authorization header lacks {exc.args[0]}") from exc


def parse_presigned(query: Mapping[str, str]) -> Claim:
    """The X-Amz-* query parameters of a presigned URL -> Claim."""
    if query.get(s3.Q_ALGORITHM) != s3.ALGORITHM:
        raise InvalidSignatureInput(f"unsupported {s3.Q_ALGORITHM} {query.get(s3.Q_ALGORITHM)!r}")
    try:
        expires = int(query[s3.Q_EXPIRES])
        return Claim(
            credential=parse_credential(query[s3.Q_CREDENTIAL]),
            signed_headers=_signed_names(query[s3.Q_SIGNED_HEADERS]),
            signature=query[s3.Q_SIGNATURE],
            amz_date=query[s3.Q_DATE],
            expires=expires,
        )
    except KeyError as exc:
        raise InvalidSignatureInput(f"presigned URL lacks {exc.args[0]}") from exc
    except ValueError as exc:
        raise InvalidSignatureInput(f"invalid {s3.Q_EXPIRES}: {exc}") from exc


def parse_amz_date(text: str) -> datetime:
    """`20130524T000000Z` -> an aware UTC datetime."""
    try:
        return datetime.strptime(text, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidSignatureInput(f"invalid request time {text!r}") from exc

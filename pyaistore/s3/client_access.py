"""Client auth on the S3 endpoint: AuthN tokens over S3, as AIS carries them.

With client auth on, an S3 request needs an AuthN token like any other request, carried where
S3 clients can put it: `X-Amz-Security-Token` (boto3's `aws_session_token=<token>`, which SigV4
also signs; in a presigned URL's query too), or `Authorization: Bearer <token>` for clients that
do not sign. A configured SigV4 key pair is still checked first (both must pass). The permission
is the native one of the same operation:

| S3 operation | permission |
|---|---|
| ListBuckets | LIST-BUCKETS |
| CreateBucket / DeleteBucket | CREATE-BUCKET / DESTROY-BUCKET |
| HeadBucket, GetBucketVersioning/Location | HEAD-BUCKET |
| ListObjects(V2), ListMultipartUploads, ListParts | LIST-OBJECTS |
| PutBucketVersioning | PATCH |
| GetObject / HeadObject | GET / HEAD-OBJECT |
| PutObject, multipart create/part/complete/abort | PUT |
| CopyObject | PUT on the destination, GET on the source |
| DeleteObject, DeleteObjects | DELETE-OBJECT |

A refusal is S3's `AccessDenied` (403), as AIS answers over /s3.
"""

from typing import Final
from urllib.parse import unquote

from pyaistore.auth.errors import TokenMissing
from pyaistore.node_context import NodeContext
from pyaistore.s3.addressing import S3Request
from pyaistore.wire import access, authn, headers, s3

__all__ = ["check", "needs"]

_PROVIDER: Final = "ais"


def needs(req: S3Request) -> int:
    """The permission bits of an addressed request."""
    method = req.method
    if not req.bucket:
        return access.LIST_BUCKETS
    if not req.key:
        if method == "GET":
            lists = not (req.has(s3.VERSIONING) or req.has(s3.LOCATION))
            return access.LIST_OBJECTS if lists else access.HEAD_BUCKET
        if method == "PUT":
            return access.PATCH if req.has(s3.VERSIONING) else access.CREATE_BUCKET
        if req.has(s3.DELETE):
            return access.DELETE_OBJECT
        return {"DELETE": access.DESTROY_BUCKET, "HEAD": access.HEAD_BUCKET}.get(method, access.ADMIN)
    if method == "GET":
        return access.LIST_OBJECTS if req.has(s3.UPLOAD_ID) else access.GET
    if method == "HEAD":
        return access.HEAD_OBJECT
    if method == "DELETE":
        return access.PUT if req.has(s3.UPLOAD_ID) else access.DELETE_OBJECT
    return access.PUT


def _token(req: S3Request) -> str:
    bearer = authn.bearer_token(req.header(headers.AUTHORIZATION))
    return bearer or req.header(authn.S3_TOKEN_HEADER) or req.query.get(authn.S3_TOKEN_HEADER, "")


def check(ctx: NodeContext, req: S3Request) -> None:
    """Raise an auth error (rendered AccessDenied) unless the request's token grants it."""
    if ctx.tokens is None:
        return
    token = _token(req)
    if not token:
        raise TokenMissing()
    claims = ctx.tokens.verify(token)
    bits = needs(req)
    cluster_bits = bits & access.CLUSTER_BITS
    bucket = (_PROVIDER, req.bucket) if req.bucket and not cluster_bits else None
    claims.check(ctx.smap.uuid, bucket, bits)
    source = req.header(s3.H_COPY_SOURCE)
    if source and req.method == "PUT":
        source_bucket = unquote(source).lstrip("/").split("/", 1)[0]
        claims.check(ctx.smap.uuid, (_PROVIDER, source_bucket), access.GET)

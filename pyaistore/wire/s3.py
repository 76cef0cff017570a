"""The S3 dialect's vocabulary: path prefix, query parameters, x-amz-* headers, XML and error codes.

What an S3 client (boto3, s3fs, the aws CLI, minio) and the gateway's S3 endpoint must agree on;
the native API's own names stay in paths, query and headers.
"""

from typing import Final

from pyaistore.wire import multipart, query

# The S3 endpoint lives under /s3 (and, when configured, at the root as well).
PATH_PREFIX: Final = "s3"

# Query parameters (sub-resources and arguments).
UPLOADS: Final = "uploads"
UPLOAD_ID: Final = query.UPLOAD_ID
PART_NUMBER: Final = query.PART_NUMBER
MAX_UPLOADS: Final = "max-uploads"
UPLOAD_ID_MARKER: Final = "upload-id-marker"
KEY_MARKER: Final = "key-marker"
MAX_PARTS: Final = "max-parts"
PART_NUMBER_MARKER: Final = "part-number-marker"
DELETE: Final = "delete"
VERSIONING: Final = "versioning"
LOCATION: Final = "location"
TAGGING: Final = "tagging"
LIST_TYPE: Final = "list-type"
PREFIX: Final = "prefix"
DELIMITER: Final = "delimiter"
MAX_KEYS: Final = "max-keys"
CONTINUATION_TOKEN: Final = "continuation-token"
START_AFTER: Final = "start-after"
MARKER: Final = "marker"
# Sub-resources this endpoint answers 501 for (after checking that the bucket exists).
UNSUPPORTED_BUCKET_QUERIES: Final = (
    "lifecycle",
    "cors",
    "policy",
    "acl",
    "website",
    "encryption",
    "replication",
)

# SigV4, header form (Authorization) and presigned (query) form.
ALGORITHM: Final = "AWS4-HMAC-SHA256"
CHUNK_ALGORITHM: Final = "AWS4-HMAC-SHA256-PAYLOAD"
SCOPE_TERMINATOR: Final = "aws4_request"
Q_ALGORITHM: Final = "X-Amz-Algorithm"
Q_CREDENTIAL: Final = "X-Amz-Credential"
Q_DATE: Final = "X-Amz-Date"
Q_EXPIRES: Final = "X-Amz-Expires"
Q_SIGNED_HEADERS: Final = "X-Amz-SignedHeaders"
Q_SIGNATURE: Final = "X-Amz-Signature"
Q_SECURITY_TOKEN: Final = "X-Amz-Security-Token"
UNSIGNED_PAYLOAD: Final = "UNSIGNED-PAYLOAD"
STREAMING_PREFIX: Final = "STREAMING-"
STREAMING_SIGNED: Final = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER: Final = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
AWS_CHUNKED: Final = "aws-chunked"

# Request and reply headers (lower case: HTTP header names are case-insensitive).
H_DATE: Final = "x-amz-date"
H_CONTENT_SHA256: Final = "x-amz-content-sha256"
H_DECODED_LENGTH: Final = "x-amz-decoded-content-length"
H_TRAILER: Final = "x-amz-trailer"
H_COPY_SOURCE: Final = "x-amz-copy-source"
H_METADATA_DIRECTIVE: Final = "x-amz-metadata-directive"
H_META_PREFIX: Final = "x-amz-meta-"
H_CHECKSUM_PREFIX: Final = "x-amz-checksum-"
H_VERSION_ID: Final = "x-amz-version-id"
H_BUCKET_REGION: Final = "x-amz-bucket-region"
H_REQUEST_ID: Final = "x-amz-request-id"
H_CONTENT_MD5: Final = "Content-MD5"
H_SERVER: Final = "Server"
H_IF_MATCH: Final = "If-Match"
H_IF_NONE_MATCH: Final = "If-None-Match"
H_COPY_IF_MATCH: Final = "x-amz-copy-source-if-match"
H_COPY_IF_NONE_MATCH: Final = "x-amz-copy-source-if-none-match"
H_COPY_IF_MODIFIED_SINCE: Final = "x-amz-copy-source-if-modified-since"
H_COPY_IF_UNMODIFIED_SINCE: Final = "x-amz-copy-source-if-unmodified-since"
# Stored with an object as custom metadata and sent back on GET/HEAD.
STORED_HEADERS: Final = (
    "Content-Type",
    "Content-Encoding",
    "Content-Disposition",
    "Content-Language",
    "Cache-Control",
    "Expires",
)
METADATA_REPLACE: Final = "REPLACE"

SERVER_NAME: Final = "AIStore"
REGION: Final = "ais"
XML_NAMESPACE: Final = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_TYPE: Final = "application/xml"
VERSIONING_ENABLED: Final = "Enabled"
VERSIONING_SUSPENDED: Final = "Suspended"
# Custom-metadata key holding an object's S3 ETag when it differs from its checksum (multipart).
ETAG_KEY: Final = multipart.OBJECT_ETAG_KEY
MAX_KEYS_LIMIT: Final = 1000
# S3's limits on parts: numbers 1..10,000, each at most 5 GiB.
MAX_PART_NUMBER: Final = 10_000
MAX_PART_SIZE: Final = 5 << 30

# Error codes (AWS's ErrorResponses list).
ACCESS_DENIED: Final = "AccessDenied"
AMBIGUOUS_BUCKET: Final = "AmbiguousBucketName"
BAD_DIGEST: Final = "BadDigest"
BUCKET_EXISTS: Final = "BucketAlreadyExists"
ENTITY_TOO_LARGE: Final = "EntityTooLarge"
INCOMPLETE_BODY: Final = "IncompleteBody"
INTERNAL_ERROR: Final = "InternalError"
INVALID_ACCESS_KEY: Final = "InvalidAccessKeyId"
INVALID_ARGUMENT: Final = "InvalidArgument"
INVALID_BUCKET_NAME: Final = "InvalidBucketName"
INVALID_PART: Final = "InvalidPart"
INVALID_PART_ORDER: Final = "InvalidPartOrder"
INVALID_RANGE: Final = "InvalidRange"
INVALID_REQUEST: Final = "InvalidRequest"
KEY_TOO_LONG: Final = "KeyTooLongError"
MALFORMED_XML: Final = "MalformedXML"
METHOD_NOT_ALLOWED: Final = "MethodNotAllowed"
MISSING_CONTENT_LENGTH: Final = "MissingContentLength"
NO_SUCH_BUCKET: Final = "NoSuchBucket"
NO_SUCH_KEY: Final = "NoSuchKey"
NO_SUCH_UPLOAD: Final = "NoSuchUpload"
NOT_IMPLEMENTED: Final = "NotImplemented"
PRECONDITION_FAILED: Final = "PreconditionFailed"
REQUEST_TIMEOUT: Final = "RequestTimeout"
REQUEST_TIME_SKEWED: Final = "RequestTimeTooSkewed"
SERVICE_UNAVAILABLE: Final = "ServiceUnavailable"
SIGNATURE_MISMATCH: Final = "SignatureDoesNotMatch"
SHA256_MISMATCH: Final = "XAmzContentSHA256Mismatch"
INSUFFICIENT_STORAGE: Final = "InsufficientStorage"

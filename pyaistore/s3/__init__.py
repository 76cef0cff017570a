"""The S3 dialect on the gateway: a translator onto the native operations, never a second storage path.

`handlers` routes each request (under /s3, or at the root when configured) to an operation in
`bucket_handlers`, `object_handlers` or `multipart`, after `request_auth` checked its SigV4
signature against the cluster's key pair; object bytes stream through the gateway's relays
(`proxy/object_relay.py`, `proxy/upload_relay.py`) to and from the owning target.
"""

__all__ = [
    "addressing",
    "bucket_handlers",
    "client_access",
    "handlers",
    "multipart",
    "object_handlers",
    "object_headers",
    "payload",
    "request_auth",
    "s3_errors",
    "sigv2",
    "sigv4",
    "xml_render",
]

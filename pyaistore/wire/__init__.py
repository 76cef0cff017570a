"""What client and server must agree on byte for byte: paths, headers, query names, actions,
JSON messages, error bodies and HRW placement. Standard library plus xxhash/msgpack only."""

__all__ = [
    "actions",
    "bucket_id",
    "bucket_summary",
    "erasure_code",
    "error_body",
    "etl",
    "headers",
    "hrw",
    "job_snapshot",
    "jobs",
    "membership",
    "messages",
    "mountpaths",
    "multi_object",
    "paths",
    "query",
    "rebalance",
    "remote",
]

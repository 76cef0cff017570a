"""Storage-node behaviour, HTTP-free and async: serve, write and list the objects this target owns."""

__all__ = [
    "bucket_sync",
    "byte_range",
    "etl_control",
    "get_archived",
    "get_object",
    "job_ops",
    "jobs",
    "list_archives",
    "list_objects",
    "mountpath_ops",
    "neighbors",
    "node_control",
    "object_ops",
    "object_recovery",
    "peer_objects",
    "put_archived",
    "put_object",
    "rebalance_ops",
    "rename_reads",
    "resilvers",
]

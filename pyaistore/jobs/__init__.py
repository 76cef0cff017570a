"""Long-running jobs (xactions) with IDs: registry, kinds, templates and the job bodies. No HTTP."""

__all__ = [
    "archive_objects",
    "archive_writer",
    "batch_job",
    "bucket_summary",
    "copy_bucket",
    "dsort_records",
    "ec_encode",
    "errors",
    "job",
    "kinds",
    "multi_object",
    "node_ops",
    "object_walk",
    "rebalance",
    "registry",
    "remote_objects",
    "rename_bucket",
    "resilver",
    "templates",
    "transform_protocol",
]

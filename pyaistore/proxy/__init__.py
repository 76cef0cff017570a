"""Gateway behaviour, HTTP-free and async: bucket metadata, redirects, cluster-wide fan-out and jobs."""

__all__ = [
    "bucket_summary",
    "buckets",
    "cluster_config",
    "cluster_jobs",
    "cluster_mountpaths",
    "dsort",
    "erasure_props",
    "etl_admin",
    "fanout",
    "get_batch",
    "job_buckets",
    "job_queries",
    "job_records",
    "job_recovery",
    "node_lifecycle",
    "object_relay",
    "rebalance",
    "redirect",
    "upload_relay",
]

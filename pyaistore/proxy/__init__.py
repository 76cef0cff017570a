"""Gateway behaviour, HTTP-free and async: bucket metadata, redirects, cluster-wide fan-out and jobs."""

__all__ = [
    "access_policy",
    "bucket_summary",
    "buckets",
    "cluster_config",
    "cluster_jobs",
    "cluster_mountpaths",
    "erasure_props",
    "etl_admin",
    "fanout",
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

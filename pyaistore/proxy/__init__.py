"""Gateway behaviour, HTTP-free and async: bucket metadata, redirects and cluster-wide fan-out."""

__all__ = [
    "bucket_summary",
    "buckets",
    "cluster_config",
    "cluster_jobs",
    "erasure_props",
    "etl_admin",
    "fanout",
    "job_buckets",
    "job_queries",
    "rebalance",
    "redirect",
]

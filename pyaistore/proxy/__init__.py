"""Gateway behaviour, HTTP-free and async: bucket metadata, redirects and cluster-wide fan-out."""

__all__ = [
    "bucket_jobs",
    "bucket_summary",
    "buckets",
    "cluster_config",
    "cluster_jobs",
    "etl_admin",
    "fanout",
    "job_queries",
    "redirect",
]

"""Gateway behaviour, HTTP-free and async: bucket metadata, redirects and cluster-wide fan-out."""

__all__ = [
    "buckets",
    "etl_admin",
    "fanout",
    "redirect",
]

"""The only place aiohttp's server is used: parse, call one operation, render. Thin by rule."""

__all__ = [
    "app",
    "app_keys",
    "cluster_auth",
    "custom_md",
    "dsort_handlers",
    "ec_handlers",
    "error_mapping",
    "etl_handlers",
    "internal_handlers",
    "job_handlers",
    "ml_handlers",
    "mountpath_handlers",
    "multipart_handlers",
    "node_handlers",
    "object_headers",
    "proxy_handlers",
    "request_parsing",
    "routes",
    "streaming",
    "target_handlers",
]

"""The `pyaistore` command for people; built on the SDK (the server only behind `serve`)."""

__all__ = [
    "archive_cmds",
    "auth_cmds",
    "bucket_cmds",
    "cluster_cmds",
    "context",
    "errors",
    "etl_cmds",
    "job_cmds",
    "job_watch",
    "main",
    "object_cmds",
    "refs",
    "render",
    "serve_cmd",
    "storage_cmds",
    "transfer",
]

"""The `pyaistore` command for people; built on the SDK (the server only behind `serve`)."""

__all__ = [
    "bucket_cmds",
    "cluster_cmds",
    "context",
    "errors",
    "main",
    "object_cmds",
    "refs",
    "render",
    "serve_cmd",
    "transfer",
]

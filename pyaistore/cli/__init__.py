"""The `pyaistore` command for people; built on the SDK (the server only behind `serve`)."""

__all__ = ["main", "serve_cmd"]

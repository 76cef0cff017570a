"""Processes: one daemon (proxy or target) and the zero-configuration local cluster."""

__all__ = ["daemon", "http_workers", "local_cluster"]

"""Processes: one daemon (proxy or target), the zero-configuration local cluster, ETL transform servers."""

__all__ = ["daemon", "event_loop", "http_workers", "local_cluster", "transform_server"]

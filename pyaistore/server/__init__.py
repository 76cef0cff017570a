"""Processes: one daemon (proxy or target), the zero-configuration local cluster and its
supervision, the launcher's lifeline, ETL transform servers."""

__all__ = [
    "daemon",
    "event_loop",
    "exit_status",
    "http_workers",
    "lifeline",
    "local_cluster",
    "supervisor",
    "target_store",
    "tls_files",
    "transform_server",
]

"""Processes: one daemon (proxy or target), the zero-configuration local cluster and its
supervision, the launcher's lifeline (and the watch on a `make` that runs it), ETL transform
servers."""

__all__ = [
    "authn_daemon",
    "daemon",
    "event_loop",
    "exit_status",
    "http_workers",
    "launcher_watch",
    "lifeline",
    "local_cluster",
    "local_security",
    "public_port",
    "supervisor",
    "target_store",
    "tls_files",
    "transform_server",
]

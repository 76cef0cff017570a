"""Processes: one daemon (proxy or target), the zero-configuration local cluster and its
supervision, the launcher's lifeline (and the watch on a `make` that runs it), ETL transform
servers."""

__all__ = [
    "authn_daemon",
    "cluster_readiness",
    "daemon",
    "event_loop",
    "exit_status",
    "http_workers",
    "launcher_watch",
    "lifeline",
    "listen_ports",
    "local_cluster",
    "local_nodes",
    "local_security",
    "node_control",
    "node_launch",
    "public_port",
    "supervisor",
    "target_store",
    "tls_files",
    "transform_server",
]

"""User transforms (ETL) in child processes: definitions, environments, transform servers, calls.

No HTTP server code here: transform servers live in pyaistore.server.transform_server, and the
/v1/etl endpoints in pyaistore.web.
"""

__all__ = [
    "dependencies",
    "errors",
    "registry",
    "spec",
    "transform",
    "worker_main",
    "worker_pool",
    "ws_sockets",
]

"""What operators see of a node: request counters shared by its processes, the metrics a scrape
collects and writes in the Prometheus format, numbers read from the operating system, and the
node's log files (AIS's `what=log`). No HTTP: web/ serves them."""

__all__ = [
    "counter_block",
    "exposition",
    "host_sample",
    "log_files",
    "node_metrics",
    "node_monitor",
    "request_counters",
]

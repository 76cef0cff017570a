"""What operators read from a node: the Prometheus route, node logs (`what=log`) and the dashboard.

Node logs are AIS's (reference "Node logs"): `GET /v1/daemon?what=log&severity=info|warning|error`
with `offset=N` (from byte N) or `all=true` (a .tar.gz of every log file of that severity), relayed
by a proxy through `/v1/reverse/daemon` with `Ais-Node-Id`. Only the first letter of a severity
counts; warning and error read the same file.
"""

from typing import Final

# GET /metrics on every node's public port (no /v1), as AIS serves it.
METRICS_PATH: Final = "/metrics"
# The Prometheus text format, version 0.0.4 (what client_golang sends by default).
METRICS_CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

# GET /v1/cluster?what=prometheus on a proxy: every node's exposition, {"metrics": {node ID: text},
# "unreachable": {node ID: reason}} (a pyaistore addition: AIS has no cluster-wide scrape).
WHAT_PROMETHEUS: Final = "prometheus"
METRICS_KEY: Final = "metrics"
UNREACHABLE_KEY: Final = "unreachable"

# Node logs: query names and severities.
LOG_SEVERITY: Final = "severity"
LOG_OFFSET: Final = "offset"
LOG_ALL: Final = "all"
SEVERITY_INFO: Final = "info"
SEVERITY_WARNING: Final = "warning"
SEVERITY_ERROR: Final = "error"
SEVERITIES: Final = (SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_ERROR)
LOG_ARCHIVE_TYPE: Final = "application/x-gzip"

# The dashboard, served by proxies: the page, its script and style, and the state it polls.
DASHBOARD_PATH: Final = "/dashboard"
DASHBOARD_STATE_PATH: Final = "/dashboard/api/state"
# With client auth on: the login form posts a token here (field DASHBOARD_TOKEN_FIELD), and the
# proxy keeps it in the DASHBOARD_COOKIE cookie, which only the dashboard's routes read.
DASHBOARD_LOGIN_PATH: Final = "/dashboard/login"
DASHBOARD_TOKEN_FIELD: Final = "token"
DASHBOARD_COOKIE: Final = "pyaistore_token"

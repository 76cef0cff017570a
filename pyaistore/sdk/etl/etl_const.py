"""ETL defaults and names: communication types and runtimes (jobs reference §4, §7.4)."""

from typing import Final

__all__ = [
    "DEFAULT_ETL_COMM",
    "DEFAULT_ETL_OBJ_TIMEOUT",
    "DEFAULT_ETL_RUNTIME",
    "DEFAULT_ETL_TIMEOUT",
    "ETL_COMM_CODE",
    "ETL_COMM_SPEC",
    "ETL_STAGE_RUNNING",
    "ETL_SUPPORTED_PYTHON_VERSIONS",
]

ETL_COMM_HPUSH: Final = "hpush"
ETL_COMM_HPULL: Final = "hpull"
ETL_COMM_HREV: Final = "hrev"
ETL_COMM_IO: Final = "io"
ETL_COMM_WS: Final = "ws"
ETL_COMM_SPEC: Final = (ETL_COMM_HPUSH, ETL_COMM_HPULL, ETL_COMM_HREV, ETL_COMM_WS)
ETL_COMM_CODE: Final = (ETL_COMM_HPUSH, ETL_COMM_HPULL, ETL_COMM_HREV, ETL_COMM_IO)
COMM_SUFFIX: Final = "://"

DEFAULT_ETL_COMM: Final = ETL_COMM_HPUSH
DEFAULT_ETL_TIMEOUT: Final = "5m"
DEFAULT_ETL_OBJ_TIMEOUT: Final = "45s"
ETL_STAGE_RUNNING: Final = "Running"

# Runtimes of the code-based init: "python3.<minor>v2" (legacy init_code, reference §4.5).
ETL_SUPPORTED_PYTHON_VERSIONS: Final = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
DEFAULT_ETL_RUNTIME: Final = "python3.8v2"
RUNTIME_TEMPLATE: Final = "python{version}v2"
TRANSFORM_FUNC_NAME: Final = "transform"

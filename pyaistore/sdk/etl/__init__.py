"""ETLs: defining transforms (from a pod spec, Python code or an image) and applying them."""

from pyaistore.sdk.etl.etl import Etl, get_default_runtime
from pyaistore.sdk.etl.etl_config import ETLConfig

__all__ = ["ETLConfig", "Etl", "get_default_runtime"]

"""dsort: reshard a dataset's records in a new order, as `aistore.sdk.dsort`."""

from pyaistore.sdk.dsort.core import Dsort
from pyaistore.sdk.dsort.ekm import EKM_FILE_NAME, ExternalKeyMap
from pyaistore.sdk.dsort.framework import DsortAlgorithm, DsortFramework, DsortShardsGroup
from pyaistore.sdk.dsort.types import DsortMetrics, JobInfo, PhaseInfo

__all__ = [
    "EKM_FILE_NAME",
    "Dsort",
    "DsortAlgorithm",
    "DsortFramework",
    "DsortMetrics",
    "DsortShardsGroup",
    "ExternalKeyMap",
    "JobInfo",
    "PhaseInfo",
]

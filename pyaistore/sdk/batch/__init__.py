"""Get-batch (AIS's MOSS): many objects and archived files in one request, as `aistore.sdk.batch`."""

from pyaistore.sdk.batch.batch import Batch, BatchResult
from pyaistore.sdk.batch.types import MossIn, MossOut, MossReq, MossResp

__all__ = ["Batch", "BatchResult", "MossIn", "MossOut", "MossReq", "MossResp"]

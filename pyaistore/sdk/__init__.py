"""A Python SDK for AIStore-compatible clusters, laid out like the official `aistore.sdk`.

Code written for `aistore.sdk` runs after changing one import:

    from pyaistore.sdk import Client

    client = Client("http://localhost:8080")
    bucket = client.bucket("photos").create(exist_ok=True)
    bucket.object("cat.jpg").get_writer().put_file("cat.jpg")
    data = bucket.object("cat.jpg").get_reader().read_all()

The SDK logs (retries, progress of waits) to the `pyaistore.sdk` logger and prints nothing: an
application that wants those lines configures logging.
"""

import logging

from pyaistore.sdk.archive_config import ArchiveConfig, ArchiveMode
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.client import Client
from pyaistore.sdk.cluster import Cluster
from pyaistore.sdk.etl.etl import Etl
from pyaistore.sdk.etl.etl_config import ETLConfig
from pyaistore.sdk.job import Job
from pyaistore.sdk.list_object_flag import ListObjectFlag
from pyaistore.sdk.multiobj.object_range import ObjectRange
from pyaistore.sdk.namespace import Namespace
from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.retry_config import NetworkRetry, RetryConfig
from pyaistore.sdk.wait_result import WaitResult

__all__ = [
    "ArchiveConfig",
    "ArchiveMode",
    "Bucket",
    "Client",
    "Cluster",
    "ETLConfig",
    "Etl",
    "Job",
    "ListObjectFlag",
    "Namespace",
    "NetworkRetry",
    "Object",
    "ObjectRange",
    "Provider",
    "RetryConfig",
    "WaitResult",
]

# A library's loggers must not fall back to printing on stderr when the application configured
# none (logging.lastResort): this handler keeps the retry lines in the log, where they belong.
logging.getLogger(__name__).addHandler(logging.NullHandler())

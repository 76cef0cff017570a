"""Single objects: the Object handle, its readers, writers, file objects and attributes."""

from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.obj.object_attributes import ObjectAttributes
from pyaistore.sdk.obj.object_client import ObjectClient
from pyaistore.sdk.obj.object_file import ObjectFileReader
from pyaistore.sdk.obj.object_file_writer import ObjectFileWriter
from pyaistore.sdk.obj.object_iterator import BucketLister, ObjectIterator
from pyaistore.sdk.obj.object_props import ObjectProps
from pyaistore.sdk.obj.object_reader import ObjectReader, ObjStream
from pyaistore.sdk.obj.object_writer import ObjectWriter
from pyaistore.sdk.obj.resumable_stream import ResumableStream

__all__ = [
    "BucketLister",
    "ObjStream",
    "Object",
    "ObjectAttributes",
    "ObjectClient",
    "ObjectFileReader",
    "ObjectFileWriter",
    "ObjectIterator",
    "ObjectProps",
    "ObjectReader",
    "ObjectWriter",
    "ResumableStream",
]

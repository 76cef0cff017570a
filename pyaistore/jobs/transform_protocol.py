"""The seam between copy jobs and ETL: anything that turns one object's bytes into new bytes.

Copy jobs (bucket copy, multi-object copy) take an optional ObjectTransformer; ETL provides one
per running ETL on each target. Neither side imports the other's internals.
"""

from collections.abc import AsyncIterator, Callable
from typing import Protocol

from pyaistore.wire.bucket_id import BucketId


class ObjectTransformer(Protocol):
    """Transforms one object's content as a stream."""

    def transform(
        self, bucket: BucketId, name: str, data: AsyncIterator[bytes], args: str = "", staged: bool = False
    ) -> AsyncIterator[bytes]:
        """Yield the transformed bytes of object `bucket/name` read from `data`.

        `staged`: `data` is the output of a previous ETL of a pipeline, not the stored object, so
        it must be what is transformed (a transformer that would read the object itself may not).
        """
        ...


# Looks up a running ETL by name on this node, for the job whose ID is given (its failures are
# recorded under that job); raises a typed "ETL not found" error when absent.
TransformerLookup = Callable[[str, str], ObjectTransformer]

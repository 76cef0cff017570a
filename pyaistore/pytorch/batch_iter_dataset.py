"""AISBatchIterDataset: objects fetched with get-batch, `max_batch_size` per request."""

import logging
from collections.abc import Iterator, Sequence

from pyaistore.pytorch.base_iter_dataset import AISBaseIterDataset
from pyaistore.pytorch.sources import AISSource, PrefixMap
from pyaistore.sdk.client import Client
from pyaistore.sdk.enums import Colocation
from pyaistore.sdk.obj.object import Object

__all__ = ["AISBatchIterDataset"]

log = logging.getLogger(__name__)


class AISBatchIterDataset(AISBaseIterDataset):
    """Iterable dataset of (name, bytes), read `max_batch_size` objects per get-batch request.

    Args:
        ais_source_list: a source (Bucket) or a list of them.
        client: the client that sends the batches.
        prefix_map: source -> prefix or prefixes to read.
        show_progress: accepted for compatibility.
        max_batch_size: objects per request.
        output_format: the archive format of the replies.
        streaming: stream the replies (no metadata part).
        colocation: which target assembles each batch.
        partition_sources_by_worker: split whole sources among readers.
        cont_on_err: skip missing objects (logged) instead of failing.
        rank: this process's distributed rank.
        world_size: the number of ranks.
    """

    def __init__(
        self,
        ais_source_list: AISSource | Sequence[AISSource],
        client: Client,
        prefix_map: PrefixMap | None = None,
        show_progress: bool = False,
        max_batch_size: int = 32,
        output_format: str = ".tar",
        streaming: bool = True,
        colocation: Colocation = Colocation.NONE,
        partition_sources_by_worker: bool = False,
        cont_on_err: bool = False,
        *,
        rank: int | None = None,
        world_size: int | None = None,
    ) -> None:
        super().__init__(
            ais_source_list, prefix_map, partition_sources_by_worker, rank=rank, world_size=world_size
        )
        self.client = client
        self.max_batch_size = max_batch_size
        self.output_format = output_format
        self.streaming = streaming
        self.colocation = colocation
        self.cont_on_err = cont_on_err
        self._show_progress = show_progress

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        objects, _ = self._objects()
        pending: list[Object] = []
        for obj in objects:
            pending.append(obj)
            if len(pending) == self.max_batch_size:
                yield from self._fetch(pending)
                pending = []
        if pending:
            yield from self._fetch(pending)

    def _fetch(self, objects: list[Object]) -> Iterator[tuple[str, bytes]]:
        batch = self.client.batch(
            objects=objects,
            output_format=self.output_format,
            streaming_get=self.streaming,
            colocation=self.colocation,
            cont_on_err=self.cont_on_err,
        )
        for out, data in batch.get():
            if out.err_msg:
                if not self.cont_on_err:
                    raise RuntimeError(f"{out.obj_name}: {out.err_msg}")
                log.warning("Skipping %s: %s", out.obj_name, out.err_msg)
                continue
            yield out.obj_name, data

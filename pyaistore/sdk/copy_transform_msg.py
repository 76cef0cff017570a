"""The value of copy and transform actions, for whole buckets and for object selections.

Shapes per the jobs reference §2.3 and §2.5 (AIS's TCBMsg): the copy options, then for a
transform the ETL's name, pipeline and per-object timeout.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CopyTransformMsg"]


@dataclass(frozen=True, slots=True)
class CopyTransformMsg:
    """Options of a copy or transform.

    Args:
        prefix: copy only objects whose names start with it (bucket-wide operations).
        prepend: add this to every destination name.
        dry_run: visit everything, write nothing.
        force: run even if conflicting jobs are running.
        latest: for remote sources, fetch the latest version first.
        sync: like latest, and also drop destination objects removed at the source.
        ext: rename extensions, e.g. {"jpg": "png"}.
        num_workers: 0 lets the cluster choose, -1 means serial.
        cont_on_err: continue when single objects fail.
        etl_name: the ETL of a transform ("" for a copy).
        etl_pipeline: further ETLs applied after `etl_name`.
        timeout: per-object ETL timeout, e.g. "5m".
    """

    prefix: str = ""
    prepend: str = ""
    dry_run: bool = False
    force: bool = False
    latest: bool = False
    sync: bool = False
    ext: Mapping[str, str] | None = None
    num_workers: int | None = None
    cont_on_err: bool = False
    etl_name: str = ""
    etl_pipeline: list[str] | None = None
    timeout: str = ""

    def to_json(self) -> dict[str, Any]:
        """The action value; optional fields are left out when unset."""
        value: dict[str, Any] = {
            "prefix": self.prefix,
            "prepend": self.prepend,
            "dry_run": self.dry_run,
            "force": self.force,
            "latest-ver": self.latest,
            "synchronize": self.sync,
        }
        if self.ext:
            value["ext"] = dict(self.ext)
        if self.num_workers:
            value["num-workers"] = self.num_workers
        if self.cont_on_err:
            value["coer"] = True
        if self.etl_name:
            value.update(id=self.etl_name, request_timeout=self.timeout, pipeline=self.etl_pipeline)
        return value

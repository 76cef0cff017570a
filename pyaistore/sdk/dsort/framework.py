"""A dsort job described in code: input and output shard groups, the ordering, the shard size."""

import json
from pathlib import Path
from typing import Any

from pyaistore.sdk.dsort.ekm import ExternalKeyMap
from pyaistore.sdk.multiobj.object_names import ObjectNames
from pyaistore.sdk.multiobj.object_range import ObjectRange
from pyaistore.sdk.types import BucketModel
from pyaistore.wire import dsort as wire

__all__ = ["DsortAlgorithm", "DsortFramework", "DsortShardsGroup", "load_spec"]


class DsortShardsGroup:
    """The input or output shards of a dsort job.

    Args:
        bck: the bucket of the shards.
        role: "input" or "output".
        format: input: ObjectNames or ObjectRange; output: ObjectRange or ExternalKeyMap.
        extension: the shards' extension (".tar", ".tgz", ".tar.gz", ".zip").

    Raises:
        ValueError: a role or format that does not fit.
    """

    def __init__(
        self, bck: BucketModel, role: str, format: ObjectNames | ObjectRange | ExternalKeyMap, extension: str
    ) -> None:
        if role not in ("input", "output"):
            raise ValueError('role must be either "input" or "output"')
        if role == "input" and not isinstance(format, ObjectNames | ObjectRange):
            raise ValueError('format of input role must be an instance of "ObjectNames" or "ObjectRange"')
        if role == "output" and not isinstance(format, ObjectRange | ExternalKeyMap):
            raise ValueError('format of output role must be an instance of "ObjectRange" or "ExternalKeyMap"')
        self.bck = bck
        self.role = role
        self.extension = extension
        self.format = format

    def as_dict(self) -> dict[str, Any]:
        """This group's part of the spec."""
        value: Any = self.format.get_value() if self.role == "input" else str(self.format)  # type: ignore[union-attr]
        return {
            f"{self.role}_bck": self.bck.as_dict(),
            f"{self.role}_format": value,
            f"{self.role}_extension": self.extension,
        }


class DsortAlgorithm:
    """How records are ordered: "alphanumeric" (default), "shuffle" (seed) or "content"
    (the sort key read from each record's file with `extension`, typed by `content_key_type`).

    Raises:
        ValueError: content without its extension and key type, or those given to another kind.
    """

    def __init__(
        self,
        kind: str = wire.ALPHANUMERIC,
        decreasing: bool = False,
        seed: str = "",
        extension: str | None = None,
        content_key_type: str | None = None,
        missing_keys: bool = False,
    ) -> None:
        if kind not in (wire.ALPHANUMERIC, wire.SHUFFLE, wire.CONTENT):
            raise ValueError(f'invalid algorithm kind "{kind}"')
        if kind == wire.CONTENT:
            if not extension:
                raise ValueError('For kind="content", the "extension" field is required.')
            if not content_key_type:
                raise ValueError('For kind="content", the "content_key_type" field is required.')
        elif extension or content_key_type:
            raise ValueError(
                'The "extension" and "content_key_type" fields are only allowed for kind="content".'
            )
        self.kind, self.decreasing, self.seed = kind, decreasing, seed
        self.extension, self.content_key_type, self.missing_keys = extension, content_key_type, missing_keys

    def as_dict(self) -> dict[str, Any]:
        """The spec's `algorithm` section."""
        out: dict[str, Any] = {"kind": self.kind, "decreasing": self.decreasing, "seed": self.seed}
        if self.kind == wire.CONTENT:
            out.update(extension=self.extension, content_key_type=self.content_key_type)
            if self.missing_keys:
                out["missing_keys"] = True
        return out


class DsortFramework:
    """A whole dsort job.

    Args:
        input_shards: the input group.
        output_shards: the output group.
        algorithm: the ordering (default alphanumeric).
        description: free text shown with the job.
        output_shard_size: the target size of output shards, e.g. "10MiB".
    """

    def __init__(
        self,
        input_shards: DsortShardsGroup,
        output_shards: DsortShardsGroup,
        algorithm: DsortAlgorithm | None = None,
        description: str | None = None,
        output_shard_size: str | None = None,
    ) -> None:
        self.input_shards = input_shards
        self.output_shards = output_shards
        self.algorithm = algorithm or DsortAlgorithm()
        self.description = description
        self.output_shard_size = output_shard_size
        self.ekm_file: str | None = None
        self.ekm_sep: str | None = None

    @classmethod
    def from_file(cls, spec: str | Path) -> "DsortFramework":
        """Load a JSON (or, with PyYAML installed, YAML) spec file."""
        data = load_spec(Path(spec))
        input_format = data.get("input_format")
        if not isinstance(input_format, dict):
            raise ValueError("input_format must be a dictionary")
        if "template" in input_format:
            source: ObjectNames | ObjectRange = ObjectRange.from_string(input_format["template"])
        elif "objnames" in input_format:
            source = ObjectNames(input_format["objnames"])
        else:
            raise ValueError('"input_format" dictionary must contain either the key "template" or "objnames"')
        output_format = data.get("output_format")
        if not isinstance(output_format, str):
            raise ValueError('"output_format" must be a range string')
        framework = cls(
            DsortShardsGroup(
                BucketModel(**data["input_bck"]), "input", source, data.get("input_extension", "")
            ),
            DsortShardsGroup(
                BucketModel(**data["output_bck"]),
                "output",
                ObjectRange.from_string(output_format),
                data.get("output_extension", ""),
            ),
            DsortAlgorithm(**(data.get("algorithm") or {})),
            output_shard_size=data.get("output_shard_size", ""),
        )
        framework.ekm_file = data.get("ekm_file", "")
        framework.ekm_sep = data.get("ekm_file_sep", "")
        return framework

    def to_spec(self) -> dict[str, Any]:
        """The spec the cluster takes."""
        spec = {**self.input_shards.as_dict(), **self.output_shards.as_dict()}
        spec["algorithm"] = self.algorithm.as_dict()
        spec["description"] = self.description or ""
        if self.output_shard_size:
            spec["output_shard_size"] = self.output_shard_size
        if self.ekm_file:
            spec["ekm_file"] = self.ekm_file
            spec["ekm_file_sep"] = self.ekm_sep
        return spec


def load_spec(path: Path) -> dict[str, Any]:
    """A spec file's mapping: JSON, or YAML when PyYAML is installed."""
    ext = path.suffix.lower()
    if ext not in (".json", ".yaml", ".yml"):
        raise ValueError("Specification must be a JSON or YAML file")
    text = path.read_text(encoding="utf-8")
    if ext == ".json":
        data = json.loads(text)
    else:
        try:
            import yaml
        except ImportError as exc:
            raise ValueError("YAML specs need PyYAML (pip install pyyaml)") from exc
        data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("Specification must contain a mapping")
    return data

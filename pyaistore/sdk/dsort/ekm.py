"""ExternalKeyMap: which output shard (a `%d` format) each record goes to."""

from typing import Final

from pyaistore.sdk.multiobj.object_names import ObjectNames

__all__ = ["EKM_FILE_NAME", "ExternalKeyMap"]

# The object the map is uploaded as, in the input bucket.
EKM_FILE_NAME: Final = "ekm-file.json"


class ExternalKeyMap(dict[str, ObjectNames]):
    """Output shard format (e.g. "cats-%d.tar") -> the names of the records it holds."""

    def __setitem__(self, key: str, value: ObjectNames) -> None:
        if not isinstance(key, str):
            raise TypeError(f"Key must be a string, got {type(key).__name__}")
        if not isinstance(value, ObjectNames):
            raise TypeError(f"Value must be an instance of ObjectNames, got {type(value).__name__}")
        super().__setitem__(key, value)

    def as_dict(self) -> dict[str, list[str]]:
        """The JSON shape of the map file."""
        return {shard_format: list(names.get_value()["objnames"]) for shard_format, names in self.items()}

    def __str__(self) -> str:
        return ""

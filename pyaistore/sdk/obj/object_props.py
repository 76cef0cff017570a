"""An object's attributes together with its name and bucket."""

from pyaistore.sdk import const
from pyaistore.sdk.obj.object_attributes import ObjectAttributes

__all__ = ["ObjectProps"]


class ObjectProps(ObjectAttributes):
    """Object attributes plus the object's name, bucket name and provider."""

    @property
    def bucket_name(self) -> str:
        """Name of the object's bucket."""
        return self.headers.get(const.AIS_BCK_NAME, "")

    @property
    def bucket_provider(self) -> str:
        """Provider of the object's bucket."""
        return self.headers.get(const.AIS_BCK_PROVIDER, "")

    @property
    def name(self) -> str:
        """Name of the object."""
        return self.headers.get(const.AIS_OBJ_NAME, "")

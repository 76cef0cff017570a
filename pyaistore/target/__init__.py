"""Storage-node behaviour, HTTP-free and async: serve, write and list the objects this target owns."""

__all__ = ["bucket_sync", "byte_range", "get_object", "list_objects", "object_ops", "put_object"]

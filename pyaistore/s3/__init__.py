"""The S3 dialect on the gateway: a translator onto the native operations, never a second storage path."""

__all__ = ["sigv4"]

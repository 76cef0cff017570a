"""pyaistore: an AIStore-compatible object store for AI data, written in Python."""

__version__ = "0.1.0"

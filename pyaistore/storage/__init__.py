"""The storage engine: objects as files plus metadata on local mountpaths.

Blocking, thread-safe calls only (the web layer runs them via asyncio.to_thread); no HTTP and no
asyncio here. Start at `object_store.ObjectStore`; `layout` documents the on-disk tree.
"""

__all__ = [
    "append_session",
    "archive",
    "archive_append",
    "archive_formats",
    "archive_index",
    "archive_match",
    "atomic_write",
    "bucket_meta",
    "checksums",
    "commit_queue",
    "disk_sync",
    "erasure_code",
    "errors",
    "layout",
    "listing",
    "meta_store",
    "mirror",
    "mountpath_state",
    "mountpaths",
    "multipart",
    "names",
    "object_file",
    "object_locks",
    "object_meta",
    "object_store",
    "per_root",
    "resilver",
    "slice_file",
    "slice_store",
    "staged_write",
    "store_listing",
    "write_journal",
]

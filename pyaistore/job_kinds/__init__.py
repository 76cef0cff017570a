"""The job kinds this cluster runs, one module each, and the registry that is their only dispatcher."""

__all__ = [
    "archive",
    "blob_download",
    "bucket_copy",
    "bucket_rename",
    "bucket_summary",
    "dsort",
    "ec_encode",
    "get_batch",
    "housekeeping",
    "kind",
    "make_n_copies",
    "multi_object",
    "promote",
    "rebalance",
    "registry",
    "remote_cache",
    "resilver",
]

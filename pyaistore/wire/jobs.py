"""Job kinds and their completion rules shared by client and server (jobs reference §1.3)."""

from typing import Final

# Kinds whose completion is "idle on every target" rather than "finished".
IDLE_JOB_KINDS: Final = frozenset(
    {
        "ec-get",
        "ec-put",
        "ec-resp",
        "put-copies",
        "archive",
        "copy-listrange",
        "etl-listrange",
        "download",
        "list",
        "get-batch",
    }
)
# Kinds that run on one target only.
SINGLE_NODE_JOB_KINDS: Final = frozenset({"blob-download", "resilver"})
# Go's zero time: the end time of a job that has not finished.
GO_ZERO_TIME: Final = "0001-01-01T00:00:00Z"

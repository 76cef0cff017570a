"""The static table of job kinds: names, display names, flags, and which jobs may run together."""

from pyaistore.jobs import kinds
from pyaistore.wire import jobs as wire_jobs


def test_every_kind_of_the_reference_is_known() -> None:
    assert len(kinds.KINDS) == 34
    for kind, info in kinds.KINDS.items():
        assert info.kind == kind
        assert kinds.resolve(kind) == kind


def test_display_names_resolve_to_kinds() -> None:
    assert kinds.resolve("copy-objects") == "copy-listrange"
    assert kinds.resolve("rename-bucket") == "move-bck"
    assert kinds.resolve("copy-bucket") == "copy-bck"
    assert kinds.resolve("warm-up-metadata") == "load-lom-cache"
    assert kinds.resolve("nonsense") is None
    assert kinds.display_name("etl-bck") == "etl-bucket"
    assert kinds.display_name("rebalance") == "rebalance"


def test_idle_flags_match_the_sdk_wait_rules() -> None:
    idle = {kind for kind, info in kinds.KINDS.items() if info.idles}
    assert idle == wire_jobs.IDLE_JOB_KINDS


def test_flags_of_a_few_kinds() -> None:
    assert kinds.KINDS["move-bck"].ic and kinds.KINDS["move-bck"].exclusive
    assert kinds.KINDS["prefetch-listrange"].startable
    assert kinds.KINDS["lru"].startable
    assert kinds.KINDS["resilver"].scope == kinds.TARGET
    assert not kinds.KINDS["copy-bck"].startable


def _conflict(
    new: str, new_buckets: set[str], old: str, old_buckets: set[str], force: bool = False
) -> str | None:
    pair = (sorted(new_buckets)[0], sorted(new_buckets)[-1])
    old_pair = (sorted(old_buckets)[0], sorted(old_buckets)[-1])
    return kinds.conflict_reason(new, new_buckets, pair, old, old_buckets, old_pair, force)


def test_rename_excludes_every_job_on_its_buckets() -> None:
    assert _conflict("move-bck", {"a", "b"}, "move-bck", {"a", "c"})
    assert _conflict("copy-bck", {"x", "b"}, "move-bck", {"a", "b"})
    assert _conflict("delete-listrange", {"a"}, "move-bck", {"a", "b"})
    assert _conflict("move-bck", {"a", "b"}, "copy-listrange", {"b", "z"}, force=True)
    assert _conflict("move-bck", {"a", "b"}, "copy-bck", {"c", "d"}) is None


def test_one_copy_per_bucket_pair_unless_forced() -> None:
    assert _conflict("copy-bck", {"a", "b"}, "copy-bck", {"a", "b"})
    assert _conflict("copy-bck", {"a", "b"}, "copy-bck", {"a", "b"}, force=True) is None
    assert _conflict("copy-bck", {"a", "c"}, "copy-bck", {"a", "b"}) is None
    assert _conflict("copy-listrange", {"a", "b"}, "copy-listrange", {"a", "b"}) is None
    assert _conflict("delete-listrange", {"a"}, "delete-listrange", {"a"}) is None

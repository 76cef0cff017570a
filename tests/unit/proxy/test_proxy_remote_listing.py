"""Merging a backend's entry with the cluster's stored copy."""

from pyaistore.proxy.remote_listing import _merged
from pyaistore.wire.messages import ENTRY_PRESENT, ListEntry


def test_a_stored_object_gets_the_cached_flag_and_keeps_backend_only_props() -> None:
    remote = ListEntry("a", size=3, version="v7", checksum="etag")
    local = ListEntry("a", size=3, atime="01 Jan 26 00:00 UTC", flags=ENTRY_PRESENT)
    merged = _merged(remote, local)
    assert merged.flags & ENTRY_PRESENT and merged.version == "v7" and merged.atime
    assert merged.checksum == "etag"


def test_an_object_not_stored_keeps_the_backends_entry() -> None:
    remote = ListEntry("b", size=4)
    assert _merged(remote, None) is remote and not remote.flags

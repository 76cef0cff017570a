"""Remote-bucket messages: attached clusters (AIS's shape), a backend's bucket answer, a page."""

import msgpack
import pytest

from pyaistore.wire.messages import ENTRY_IS_DIR, ListEntry
from pyaistore.wire.remote import RemoteBucketInfo, RemoteCluster, RemoteClusterList, RemotePage


def test_remote_cluster_list_is_ais_shape() -> None:
    listed = RemoteClusterList((RemoteCluster("teamZ", "http://h:1", "U1", None),), 3)
    assert listed.to_json() == {
        "a": [{"smap": None, "url": "http://h:1", "alias": "teamZ", "uuid": "U1"}],
        "ver": 3,
    }
    assert RemoteClusterList.from_json(listed.to_json()) == listed
    with pytest.raises(ValueError):
        RemoteClusterList.from_json({"a": "nope"})


def test_bucket_info_round_trip() -> None:
    info = RemoteBucketInfo(versioning=True, region="eu", uuid="U")
    assert RemoteBucketInfo.from_json(info.to_json()) == info


def test_page_round_trip_through_msgpack() -> None:
    page = RemotePage([ListEntry("a", size=3), ListEntry("d/", flags=ENTRY_IS_DIR)], "token-1")
    again = RemotePage.from_msgpack(msgpack.unpackb(msgpack.packb(page.to_msgpack())))
    assert again == page

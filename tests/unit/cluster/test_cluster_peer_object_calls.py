"""Object calls between targets: the internal URL of a peer's own copy."""

from pyaistore.cluster.peer_client import PeerClient
from pyaistore.cluster.peer_object_calls import ObjectCalls
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import NetInfo, Snode


def test_internal_object_url_goes_to_the_control_url_and_quotes_the_name() -> None:
    node = Snode("t1", "target", NetInfo("127.0.0.1", 1), NetInfo("127.0.0.1", 2))
    calls = ObjectCalls(PeerClient(), "t0")
    url = calls.object_url(node, BucketId("b"), "dir/a b?#", "transfer=copy")
    assert url == "http://127.0.0.1:2/v1/internal/objects/b/dir/a%20b%3F%23?provider=ais&transfer=copy"

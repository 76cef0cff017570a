"""Which target owns an object: HRW over the cluster map's targets."""

from pyaistore.cluster.errors import NoTargets
from pyaistore.wire import hrw
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import Smap, Snode


def owner(smap: Smap, bucket: BucketId, obj_name: str) -> Snode:
    """The target that owns `bucket/obj_name`; NoTargets when the map has none."""
    node = hrw.choose(smap.targets.values(), bucket.object_uname(obj_name))
    if node is None:
        raise NoTargets()
    return node

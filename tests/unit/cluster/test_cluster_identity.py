"""The cluster UUID a node keeps in its data dir, and the rule that compares it with a cluster's."""

from pathlib import Path

import pytest

from pyaistore.cluster import cluster_identity
from pyaistore.cluster.errors import ClusterMismatch


def test_a_fresh_data_dir_has_no_cluster(tmp_path: Path) -> None:
    assert cluster_identity.load(tmp_path) == ""


def test_saved_uuid_is_read_back_and_no_temp_file_stays(tmp_path: Path) -> None:
    cluster_identity.save(tmp_path / "node", "Abc123xyz")
    assert cluster_identity.load(tmp_path / "node") == "Abc123xyz"
    assert sorted(p.name for p in (tmp_path / "node").iterdir()) == [cluster_identity.UUID_FILE]


@pytest.mark.parametrize(("node_uuid", "cluster_uuid"), [("", "Abc"), ("Abc", "Abc"), ("Abc", "")])
def test_a_fresh_node_or_a_member_may_join(node_uuid: str, cluster_uuid: str) -> None:
    cluster_identity.check("t[x]", node_uuid, cluster_uuid)


def test_a_node_of_another_cluster_is_refused_with_both_uuids() -> None:
    with pytest.raises(ClusterMismatch) as refused:
        cluster_identity.check("t[x]", "Mine", "Theirs")
    assert "t[x]" in refused.value.message
    assert '"Mine"' in refused.value.message and '"Theirs"' in refused.value.message

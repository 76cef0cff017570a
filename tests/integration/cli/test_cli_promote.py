"""`pyaistore object promote`: files under the cluster's promote root become objects, with a job
bar and a summary, and a clear error for a path the cluster refuses."""

from pathlib import Path

from cli_it_support import CliRun, contents_of, make_tree, unique_name

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


def test_promote_a_tree_and_report_it(promote_root: Path, promote_cluster: LocalCluster) -> None:
    run, client = CliRun(promote_cluster.endpoint), Client(promote_cluster.endpoint)
    bucket = client.bucket(unique_name("prm")).create()
    source = promote_root / unique_name("tree")
    files = make_tree(source)
    result = run("object", "promote", str(source), f"ais://{bucket.name}/in/", "--recursive", "--delete-src")
    assert result.exit_code == 0, result.output
    assert f"promoted {source} into ais://{bucket.name}/in/: {len(files)} objects" in result.output
    assert contents_of(bucket) == {f"in/{name}": data for name, data in files.items()}
    assert not [path for path in source.rglob("*") if path.is_file()]


def test_a_path_outside_the_root_is_a_clear_error(
    promote_root: Path, promote_cluster: LocalCluster, tmp_path: Path
) -> None:
    run, client = CliRun(promote_cluster.endpoint), Client(promote_cluster.endpoint)
    bucket = client.bucket(unique_name("prm")).create()
    result = run("object", "promote", str(tmp_path), f"ais://{bucket.name}")
    assert result.exit_code != 0
    assert "not under the promote root" in result.output and "Traceback" not in result.output

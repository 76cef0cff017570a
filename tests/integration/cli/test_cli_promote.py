"""`pyaistore object promote`: files under the cluster's promote root become objects, with a job
bar and a summary, and a clear error for a path the cluster refuses."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_it_support import CliRun, contents_of, make_tree, unique_name

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cluster's promote root."""
    return tmp_path_factory.mktemp("cli-promote-root")


@pytest.fixture(scope="module")
def promoting(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[LocalCluster]:
    """A cluster whose promote root is `root`."""
    data = tmp_path_factory.mktemp("cli-promote") / "data"
    with LocalCluster(data, port=0, targets=2, env={"PYAISTORE_PROMOTE_ROOT": str(root)}) as cluster:
        yield cluster


def test_promote_a_tree_and_report_it(root: Path, promoting: LocalCluster) -> None:
    run, client = CliRun(promoting.endpoint), Client(promoting.endpoint)
    bucket = client.bucket(unique_name("prm")).create()
    source = root / unique_name("tree")
    files = make_tree(source)
    result = run("object", "promote", str(source), f"ais://{bucket.name}/in/", "--recursive", "--delete-src")
    assert result.exit_code == 0, result.output
    assert f"promoted {source} into ais://{bucket.name}/in/: {len(files)} objects" in result.output
    assert contents_of(bucket) == {f"in/{name}": data for name, data in files.items()}
    assert not [path for path in source.rglob("*") if path.is_file()]


def test_a_path_outside_the_root_is_a_clear_error(
    root: Path, promoting: LocalCluster, tmp_path: Path
) -> None:
    run, client = CliRun(promoting.endpoint), Client(promoting.endpoint)
    bucket = client.bucket(unique_name("prm")).create()
    result = run("object", "promote", str(tmp_path), f"ais://{bucket.name}")
    assert result.exit_code != 0
    assert "not under the promote root" in result.output and "Traceback" not in result.output

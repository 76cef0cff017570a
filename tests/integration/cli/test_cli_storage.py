"""`pyaistore storage mountpath ls|attach|detach|enable|disable` and `pyaistore bucket mirror`.

A cluster of its own for the module (one target with two mountpaths): the shared one has one
mountpath per target, too few to mirror.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_it_support import CliRun, fill, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def storage_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One target with two mountpaths."""
    with LocalCluster(tmp_path_factory.mktemp("cli-storage"), targets=1, mountpaths=2) as running:
        yield running


@pytest.fixture(scope="module")
def cli(storage_cluster: LocalCluster) -> CliRun:
    """`pyaistore --endpoint <this module's cluster> ...`."""
    return CliRun(storage_cluster.endpoint)


@pytest.fixture(scope="module")
def sdk(storage_cluster: LocalCluster) -> Client:
    """Our SDK on this module's cluster."""
    return Client(storage_cluster.endpoint)


@pytest.fixture(scope="module")
def node(sdk: Client) -> str:
    """The target's ID."""
    (node_id,) = sdk.cluster().get_info().tmap
    return node_id


@pytest.fixture(scope="module")
def roots(storage_cluster: LocalCluster) -> list[str]:
    """The target's two configured mountpaths."""
    target = (storage_cluster.data_dir / "target-0").resolve()
    return [str(target / "mp0"), str(target / "mp1")]


def test_ls_lists_every_mountpath(cli: CliRun, node: str, roots: list[str]) -> None:
    table = cli("storage", "mountpath", "ls")
    assert table.exit_code == 0, table.output
    assert all(root in table.stdout for root in roots) and "available" in table.stdout
    assert "2 mountpath(s) on 1 target(s)" in table.stdout
    as_json = cli("--json", "storage", "mountpath", "ls", node)
    assert json.loads(as_json.stdout) == {node: {"available": roots, "waiting_dd": [], "disabled": []}}


def test_attach_disable_enable_detach(
    cli: CliRun, sdk: Client, node: str, roots: list[str], tmp_path: Path
) -> None:
    extra = str(tmp_path.resolve())
    attached = cli("storage", "mountpath", "attach", f"{node}={extra}")
    assert attached.exit_code == 0 and f"attached {extra} to {node}" in attached.stdout
    assert extra in sdk.cluster().list_mountpaths(node).available

    disabled = cli("storage", "mountpath", "disable", f"{node}={extra}", "--no-resilver")
    assert disabled.exit_code == 0 and f"disabled {extra} on {node}" in disabled.stdout
    again = cli("storage", "mountpath", "disable", f"{node}={extra}")
    assert again.exit_code == 0 and "is disabled already" in again.stdout
    assert sdk.cluster().list_mountpaths(node).disabled == (extra,)

    enabled = cli("storage", "mountpath", "enable", f"{node}={extra}")
    assert enabled.exit_code == 0 and f"enabled {extra} on {node}" in enabled.stdout
    assert "is enabled already" in cli("storage", "mountpath", "enable", f"{node}={extra}").stdout

    detached = cli("storage", "mountpath", "detach", f"{node}={extra}")
    assert detached.exit_code == 0 and f"detached {extra} from {node}" in detached.stdout
    assert sdk.cluster().list_mountpaths(node).available == tuple(roots)


def test_errors_name_the_node_or_mountpath(cli: CliRun, node: str, roots: list[str], tmp_path: Path) -> None:
    unknown_node = cli("storage", "mountpath", "enable", f"tNoSuchNode={roots[0]}")
    assert unknown_node.exit_code == 1
    assert "node tNoSuchNode is not in the cluster" in unknown_node.output
    unknown_path = cli("storage", "mountpath", "disable", f"{node}={tmp_path}/none")
    assert unknown_path.exit_code == 1
    assert f"node {node} has no mountpath {tmp_path}/none" in unknown_path.output
    last = cli("storage", "mountpath", "disable", f"{node}={roots[0]}")
    assert last.exit_code == 0
    refused = cli("storage", "mountpath", "disable", f"{node}={roots[1]}")
    assert refused.exit_code == 1 and "last available one" in refused.output
    assert cli("storage", "mountpath", "enable", f"{node}={roots[0]}").exit_code == 0
    missing = cli("storage", "mountpath", "attach", f"{node}={tmp_path}/missing")
    assert missing.exit_code == 1 and "does not exist" in missing.output and "HTTP 400" in missing.output
    for bad in ("no-equals-sign", f"{node}=relative/path", f"={roots[0]}"):
        usage = cli("storage", "mountpath", "attach", bad)
        assert usage.exit_code == 2, bad


@pytest.fixture()
def mirrored(sdk: Client) -> Iterator[Bucket]:
    """A fresh bucket, destroyed after the test."""
    made = sdk.bucket(unique_name("mirror")).create()
    yield made
    made.delete(missing_ok=True)


def test_bucket_mirror_makes_and_removes_copies(
    cli: CliRun, mirrored: Bucket, roots: list[str], storage_cluster: LocalCluster
) -> None:
    names = [f"obj-{index:02d}" for index in range(30)]
    fill(mirrored, names, max_size=100)

    def on_disk(name: str) -> int:
        return sum((Path(root) / "ais" / "@#" / mirrored.name / "obj" / name).is_file() for root in roots)

    result = cli("bucket", "mirror", mirrored.name, "--copies", "2")
    assert result.exit_code == 0, result.output
    assert f"mirrored ais://{mirrored.name} (2 copies per object): 30 objects" in result.stdout
    assert [on_disk(name) for name in names] == [2] * len(names)
    props = json.loads(mirrored.head()["Ais-Bucket-Props"])["mirror"]
    assert (props["enabled"], props["copies"]) == (True, 2)

    too_many = cli("bucket", "mirror", mirrored.name, "--copies", "3")
    assert too_many.exit_code == 1
    assert "number of copies (3) exceeds the number of mountpaths (2) (HTTP 400)" in too_many.output

    back = cli("--json", "bucket", "mirror", f"ais://{mirrored.name}", "--copies", "1")
    assert back.exit_code == 0, back.output
    assert json.loads(back.stdout)[0]["kind"] == "make-n-copies"
    assert [on_disk(name) for name in names] == [1] * len(names)

    missing = cli("bucket", "mirror", f"{mirrored.name}-none", "--copies", "2")
    assert missing.exit_code == 1 and "does not exist" in missing.output

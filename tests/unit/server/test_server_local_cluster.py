"""LocalCluster is its parts composed on one class: the surface it had before the split, none of
the parts shadowing another, and the names other modules import from local_cluster."""

import inspect

from pyaistore.server import local_cluster
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.server.local_nodes import LocalNodes

# Every public method of LocalCluster and its signature, as tests, benchmarks and the supervisor use them.
_SURFACE = {
    "__init__": (
        "(self, data_dir: pathlib.Path, port: int = 0, targets: int = 2, mountpaths: int = 1, "
        "host: str = '127.0.0.1', extra_args: tuple[str, ...] = (), log_dir: pathlib.Path | None = None, "
        "http_workers: int = 0, env: collections.abc.Mapping[str, str] | None = None, "
        "provision_secret: bool = True, auth: bool = False, tls: bool = False, cert: str = '', "
        "key: str = '', authn_port: int = 0) -> None"
    ),
    "__enter__": "(self) -> 'LocalCluster'",
    "__exit__": "(self, *_: object) -> None",
    "add_target": "(self) -> int",
    "forget": "(self, name: str) -> None",
    "is_ready": "(self) -> bool",
    "kill_target": "(self, index: int, sig: int = <Signals.SIGKILL: 9>) -> None",
    "log_tail": "(self, name: str, lines: int = 5) -> str",
    "node_names": "(self) -> list[str]",
    "own_proxy_id": "(self) -> str",
    "process": "(self, name: str) -> 'subprocess.Popen[bytes] | None'",
    "restart": "(self) -> None",
    "restart_authn": "(self) -> None",
    "restart_node": "(self, name: str) -> None",
    "start": "(self) -> 'LocalCluster'",
    "start_proxy": "(self) -> None",
    "start_target": "(self, index: int) -> None",
    "stop": "(self) -> None",
    "target_count": "(self) -> int",
    "target_ids": "(self) -> dict[str, int]",
    "wait_own_proxy": "(self, timeout: float = 30.0) -> None",
    "wait_ready": "(self, targets: int, timeout: float = 30.0) -> None",
}

# The parts LocalCluster is composed of, in method-resolution order, then their shared base.
_PARTS = [part for part in LocalCluster.__mro__[1:-2] if issubclass(part, LocalNodes)]


def _own_names(part: type) -> set[str]:
    return {name for name in vars(part) if not name.startswith("__")}


def test_every_public_method_keeps_its_signature() -> None:
    methods = {name for name in dir(LocalCluster) if callable(getattr(LocalCluster, name))}
    public = {name for name in methods if not name.startswith("_")}
    assert public == {name for name in _SURFACE if not name.startswith("_")}
    for name, signature in _SURFACE.items():
        assert str(inspect.signature(getattr(LocalCluster, name))) == signature, name
    assert isinstance(inspect.getattr_static(LocalCluster, "endpoint"), property)


def test_no_two_parts_define_the_same_name() -> None:
    """Two parts with one name would leave the one that comes later in the MRO unreachable."""
    seen: dict[str, str] = {}
    clashes = []
    parts: list[type] = [LocalNodes, *_PARTS, LocalCluster]
    for part in parts:
        for name in _own_names(part):
            if name in seen:
                clashes.append(f"{name}: {seen[name]} and {part.__name__}")
            seen[name] = part.__name__
    assert LocalCluster.__mro__[-2:] == (LocalNodes, object) and len(_PARTS) >= 3
    assert clashes == []


def test_names_other_modules_import_stay_in_local_cluster() -> None:
    imported = ["LocalCluster", "PortInUse", "check_port", "cli_command"]
    imported += ["default_data_dir", "free_port", "main", "run"]
    for name in imported:
        assert name in local_cluster.__all__ and hasattr(local_cluster, name), name

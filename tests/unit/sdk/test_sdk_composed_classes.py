"""Cluster and Bucket, assembled from one module per group of calls: Cluster still is the class it
was (every method with its parameters), and in both each name is defined by exactly one group and
every group module is composed in."""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any, Final

import pytest

import pyaistore.sdk
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.cluster import Cluster

# Cluster's public surface when it was one module: method -> its parameters after `self`.
_METHODS: Final[dict[str, tuple[str, ...]]] = {
    "attach_mountpath": ("target_id", "mountpath", "label"),
    "attach_remote": ("alias", "url"),
    "decommission_node": ("node_id", "rm_user_data", "no_shutdown", "skip_rebalance"),
    "detach_mountpath": ("target_id", "mountpath", "dont_resilver"),
    "detach_remote": ("alias",),
    "disable_mountpath": ("target_id", "mountpath", "dont_resilver"),
    "enable_mountpath": ("target_id", "mountpath"),
    "get_cluster_logs": ("severity", "role"),
    "get_config": (),
    "get_info": (),
    "get_metrics": (),
    "get_node_config": ("node_id",),
    "get_node_log": ("node_id", "severity"),
    "get_node_log_archive": ("node_id", "severity"),
    "get_node_log_from": ("node_id", "offset", "severity"),
    "get_primary_url": (),
    "get_uuid": (),
    "is_aistore_running": (),
    "is_ready": (),
    "list_all_mountpaths": (),
    "list_buckets": ("provider",),
    "list_etls": ("stages",),
    "list_jobs_status": ("job_kind", "target_id"),
    "list_mountpaths": ("target_id",),
    "list_remote_clusters": (),
    "list_running_jobs": ("job_kind", "target_id"),
    "set_config": ("nvs", "transient"),
    "set_node_config": ("node_id", "nvs", "transient"),
    "shutdown": (),
    "shutdown_node": ("node_id",),
    "start_maintenance": ("node_id", "skip_rebalance"),
    "stop_maintenance": ("node_id",),
}


def _groups(composed: type) -> list[type]:
    """`composed` and every class it is assembled from, `object` aside."""
    return [cls for cls in composed.__mro__ if cls is not object]


def test_cluster_keeps_every_method_with_its_parameters() -> None:
    for name, parameters in _METHODS.items():
        method: Callable[..., Any] | None = getattr(Cluster, name, None)
        assert callable(method), f"Cluster lost {name}"
        assert tuple(inspect.signature(method).parameters)[1:] == parameters, name
        assert inspect.getdoc(method), f"{name} has no docstring"
    assert isinstance(inspect.getattr_static(Cluster, "client"), property)
    assert list(inspect.signature(Cluster).parameters) == ["client"]


@pytest.mark.parametrize("composed", [Cluster, Bucket])
def test_no_two_groups_define_the_same_name(composed: type) -> None:
    owner: dict[str, str] = {}
    for cls in _groups(composed):
        for name in vars(cls):
            if name.startswith("__"):
                continue
            assert name not in owner, f"{name} is defined by both {owner[name]} and {cls.__qualname__}"
            owner[name] = cls.__qualname__


@pytest.mark.parametrize(("composed", "prefix"), [(Cluster, "cluster_"), (Bucket, "bucket_")])
def test_every_group_module_is_composed_into_its_class(composed: type, prefix: str) -> None:
    modules = pkgutil.iter_modules(pyaistore.sdk.__path__)
    names = [info.name for info in modules if info.name.startswith(prefix)]
    assert names, f"no {prefix}* modules found"
    for name in names:
        module = importlib.import_module(f"{pyaistore.sdk.__name__}.{name}")
        for exported in module.__all__:
            assert getattr(module, exported) in _groups(composed), (
                f"{name}.{exported} is not part of {composed}"
            )

"""The registry: providers without a backend answer 501, backends are built once, calls run in its pool."""

import asyncio
import threading

import pytest

from pyaistore.backends.base import BackendNotImplemented
from pyaistore.backends.registry import BackendRegistry


@pytest.mark.parametrize("provider", ["hdfs", "oci"])
def test_providers_without_a_backend_are_not_implemented(provider: str) -> None:
    registry = BackendRegistry(env={})
    try:
        with pytest.raises(BackendNotImplemented) as caught:
            registry.backend(provider)
        assert provider in caught.value.message and caught.value.status == 501
    finally:
        registry.close()


def test_a_backend_is_built_once_per_provider() -> None:
    registry = BackendRegistry(env={})
    try:
        first = registry.backend("aws")
        assert registry.backend("aws") is first
        assert first.provider == "aws"
        assert registry.backend("ht").provider == "ht"
    finally:
        registry.close()


def test_calls_run_in_the_registry_threads() -> None:
    registry = BackendRegistry(env={}, threads=2)
    try:
        name = asyncio.run(registry.run(lambda: threading.current_thread().name))
        assert name.startswith("backend")
        assert registry.threads == 2
    finally:
        registry.close()


def test_the_redactor_knows_the_environment_secrets() -> None:
    registry = BackendRegistry(env={"AWS_SECRET_ACCESS_KEY": "do-not-tell-anyone"})
    try:
        assert registry.redactor.clean("key do-not-tell-anyone") == "key ***"
    finally:
        registry.close()

"""Etl members of the seed documentation against a real cluster."""

import pytest

from pyaistore.sdk import Client
from pyaistore.sdk.errors import ErrETLNotFound
from pyaistore.sdk.etl import get_default_runtime


def _upper(data: bytes) -> bytes:
    return data.upper()


def test_default_runtime_names_a_python_v2_runtime() -> None:
    assert get_default_runtime().startswith("python3.")
    assert get_default_runtime().endswith("v2")


def test_invalid_names_are_refused_before_any_request(client: Client) -> None:
    with pytest.raises(ValueError):
        client.etl().init_code(_upper, "UPPER")
    with pytest.raises(ValueError):
        client.etl().init_spec("spec: {}", "ok-name-1", communication_type="carrier-pigeon")


def test_list_returns_a_list(client: Client) -> None:
    assert isinstance(client.etl().list(), list)


def test_unknown_etl(client: Client) -> None:
    etl = client.etl()
    for call in (etl.view, etl.start, etl.stop, etl.delete):
        with pytest.raises(ErrETLNotFound):
            call("sdk-no-such-etl")


def test_code_etl_life_cycle(client: Client) -> None:
    etl = client.etl("sdk-upper-etl")
    etl.init_code(_upper)
    try:
        assert "sdk-upper-etl" in [info.id for info in etl.list()]
        assert etl.view().name == "sdk-upper-etl"
        etl.stop()
        etl.start()
    finally:
        etl.stop()
        etl.delete()
    with pytest.raises(ErrETLNotFound):
        etl.view()

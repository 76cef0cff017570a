"""Config keys: Go-style durations, each kind's checks, refusals naming the key, and the layering."""

from pathlib import Path

import pytest

from pyaistore.cluster import config_settings as settings
from pyaistore.cluster.config_table import ConfigTable
from pyaistore.cluster.errors import BadRequest
from pyaistore.config import TARGET, NodeConfig


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90.0),
        ("1.5", 1.5),
        ("90s", 90.0),
        ("1m30s", 90.0),
        ("500ms", 0.5),
        ("2h", 7200.0),
        (".5s", 0.5),
    ],
)
def test_durations_read_as_go_writes_them(text: str, seconds: float) -> None:
    assert settings.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "s", "1x", "1m30", "-5s", "5 s", "1s1", "nan", "inf"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        settings.parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(90.0, "1m30s"), (0.5, "500ms"), (6.0, "6s"), (0.0, "0s"), (604800.0, "168h0m0s")]
)
def test_durations_are_written_in_go_spelling(seconds: float, text: str) -> None:
    assert settings.format_duration(seconds) == text
    assert settings.parse_duration(text) == seconds


def test_values_are_stored_canonical() -> None:
    assert settings.parse_settings({"LOG.Level": " debug ", "timeout.body_idle": "90"}) == {
        "log.level": "DEBUG",
        "timeout.body_idle": "1m30s",
    }


@pytest.mark.parametrize(
    ("pairs", "error", "named"),
    [
        ({"no.such.key": "1"}, settings.UnknownConfigKey, '"no.such.key"'),
        ({"disk.fsync": "false"}, settings.ConfigKeyReadOnly, '"disk.fsync" cannot be changed at run time'),
        ({"rebalance.workers": "0"}, settings.InvalidConfigValue, '"0" for config key "rebalance.workers"'),
        ({"rebalance.workers": "many"}, settings.InvalidConfigValue, "expected an integer >= 1"),
        ({"log.level": "LOUD"}, settings.InvalidConfigValue, "one of DEBUG, INFO"),
        ({"timeout.body_idle": "soon"}, settings.InvalidConfigValue, "a duration such as 30s"),
        ({}, BadRequest, "no config keys to set"),
    ],
)
def test_refusals_name_the_key_and_are_400s(
    pairs: dict[str, str], error: type[Exception], named: str
) -> None:
    with pytest.raises(error) as caught:
        settings.parse_settings(pairs)
    assert isinstance(caught.value, BadRequest)  # mapped to 400 along the MRO
    assert named in str(caught.value)


def test_later_layers_win_and_only_runtime_keys_apply(tmp_path: Path) -> None:
    base = NodeConfig(role=TARGET, data_dir=tmp_path)
    cluster = {"log.level": "DEBUG", "rebalance.workers": "4", "disk.fsync": "false"}
    node = {"rebalance.workers": "2"}
    effective = settings.apply(base, cluster, node)
    assert (effective.log_level, effective.rebalance_workers, effective.fsync) == ("DEBUG", 2, True)
    assert settings.render(effective)["rebalance.workers"] == "2"
    assert settings.apply(base) is base


def test_sections_nest_and_flatten_back() -> None:
    flat = {"log.level": "INFO", "timeout.body_idle": "1m0s", "timeout.max_keepalive": "6s"}
    tree = settings.nested(flat)
    assert tree == {"log": {"level": "INFO"}, "timeout": {"body_idle": "1m0s", "max_keepalive": "6s"}}
    assert settings.flatten(tree) == flat
    assert settings.flatten({"disk": {"fsync": False}, "rebalance": {"workers": 3}}) == {
        "disk.fsync": "false",
        "rebalance.workers": "3",
    }


def test_tables_persist_and_grow_a_version_per_change(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    assert ConfigTable.load(path) == ConfigTable()
    table = ConfigTable().with_values({"log.level": "DEBUG"}).with_values({"rebalance.workers": "3"})
    table.save(path)
    loaded = ConfigTable.load(path)
    assert loaded.version == 2
    assert dict(loaded.values) == {"log.level": "DEBUG", "rebalance.workers": "3"}
    with pytest.raises(ValueError):
        ConfigTable.from_json({"version": 1, "values": {"k": 1}})

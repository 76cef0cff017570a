"""`pyaistore config`: KEY=VALUE arguments, flattening a config for the table, narrowing it."""

import click
import pytest

from pyaistore.cli.config_cmds import flatten, parse_pairs, select


def test_pairs_split_at_the_first_equals_sign() -> None:
    assert parse_pairs(["log.level=DEBUG", "s3.domains=a=b", "x.y="]) == {
        "log.level": "DEBUG",
        "s3.domains": "a=b",
        "x.y": "",
    }


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ([], "at least one KEY=VALUE"),
        (["log.level"], "expected KEY=VALUE, got 'log.level'"),
        (["=DEBUG"], "expected KEY=VALUE, got '=DEBUG'"),
        (["a=1", "a=2"], "a is given twice"),
    ],
)
def test_bad_pairs_are_usage_errors(tokens: list[str], message: str) -> None:
    with pytest.raises(click.UsageError, match=message):
        parse_pairs(tokens)


def test_a_config_flattens_to_dotted_keys() -> None:
    data = {
        "log": {"level": "INFO"},
        "auth": {"enabled": False, "intra_cluster": {"enabled": True}},
        "local": {"mountpaths": ["/a", "/b"], "port": 8081},
        "config_version": 3,
        "overrides": {},
    }
    assert flatten(data) == {
        "log.level": "INFO",
        "auth.enabled": "false",
        "auth.intra_cluster.enabled": "true",
        "local.mountpaths": "/a, /b",
        "local.port": "8081",
        "config_version": "3",
        "overrides": "",
    }


def test_a_section_or_a_key_narrows_the_rows() -> None:
    flat = {
        "timeout.body_idle": "1m0s",
        "timeout.max_keepalive": "6s",
        "timeouts.x": "1",
        "log.level": "INFO",
    }
    assert select(flat, "") == flat
    assert select(flat, "timeout") == {"timeout.body_idle": "1m0s", "timeout.max_keepalive": "6s"}
    assert select(flat, "log.level") == {"log.level": "INFO"}
    with pytest.raises(
        click.UsageError, match=r"no config key or section 'time' \(sections: log, timeout, timeouts\)"
    ):
        select(flat, "time")

"""Every command explains itself; usage errors exit with 2, before any request is sent."""

from pathlib import Path

import click
import pytest
from cli_it_support import CliRun

from pyaistore import __version__
from pyaistore.cli.main import cli

# Unreachable on purpose: none of these tests may talk to a cluster.
_NOWHERE = "http://127.0.0.1:9"


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under `group`, as argument tuples."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


USER_GROUPS = ("cluster", "bucket", "object", "archive", "job", "etl", "storage")
USER_COMMANDS = [path for path in _command_paths(cli) if path[0] in USER_GROUPS]


def test_top_level_help_lists_groups_and_global_options() -> None:
    result = CliRun(_NOWHERE)("--help")
    assert result.exit_code == 0
    for word in (*USER_GROUPS, "serve", "--endpoint", "AIS_ENDPOINT", "--json", "Example"):
        assert word in result.output


def test_short_help_option() -> None:
    assert CliRun(_NOWHERE)("object", "-h").exit_code == 0


@pytest.mark.parametrize("path", USER_COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRun(_NOWHERE)(*path, "--help")
    assert result.exit_code == 0
    assert "Usage: pyaistore " + " ".join(path) in result.output
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    if not isinstance(command, click.Group):
        assert "Example:" in result.output
        assert f"pyaistore {' '.join(path)}" in result.output.split("Example:")[1]


def test_version() -> None:
    result = CliRun(_NOWHERE)("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("nonsense",),
        ("bucket", "create"),
        ("bucket", "create", "a/b"),
        ("bucket", "props", "nope://x"),
        ("bucket", "ls", "--provider", "nope"),
        ("object", "get"),
        ("object", "head", "ais://bucket"),
        ("object", "cat", "bucket/dir/"),
        ("object", "rm", "bucket/ok", "bucket"),
        ("object", "ls", "bucket", "--props", "name,colour"),
        ("object", "ls", "bucket/pre", "--prefix", "pre"),
        ("object", "ls", "bucket", "--limit", "-1"),
        ("object", "put", "/no/such/file", "bucket"),
        ("object", "put", "/dev/null", "bucket"),
        ("object", "get", "bucket/", "-"),
        ("object", "ls", "://x"),
        ("object", "rm", "bucket/name", "--template", "x-{0..9}"),
        ("object", "rm", "bucket", "--template", ""),
        ("object", "get", "bucket/x", "--etl", "a b"),
        ("bucket", "cp", "bucket"),
        ("bucket", "cp", "a", "b", "--timeout", "0"),
        ("bucket", "mv", "a", "s3://b"),
        ("bucket", "transform", "a", "b"),
        ("bucket", "transform", "a", "b", "--etl", "x", "--ext", "jpg"),
        ("job", "show"),
        ("job", "wait", "a/b"),
        ("job", "stop"),
        ("archive", "create", "bucket/a.tar"),
        ("archive", "create", "bucket/a.tar", "--template", "x", "--list", "y"),
        ("archive", "create", "bucket/", "--list", "y"),
        ("archive", "ls", "bucket"),
        ("archive", "get", "bucket/a.tar"),
        ("etl", "init"),
        ("etl", "init", "--from-file", "/no/such/file.py"),
        ("etl", "init", "--from-file", "/dev/null", "--comm", "ws"),
        ("etl", "logs"),
        ("bucket", "mirror", "bucket"),
        ("bucket", "mirror", "bucket", "--copies", "17"),
        ("storage", "mountpath", "attach", "no-equals-sign"),
        ("storage", "mountpath", "detach", "tXyz12345=relative/dir"),
        ("storage", "mountpath", "ls", "a/b"),
    ],
    ids=" ".join,
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = CliRun(_NOWHERE)(*args)
    assert result.exit_code == 2, result.output
    assert "cannot reach" not in result.output


def test_putting_a_directory_needs_recursive(tmp_path: Path) -> None:
    result = CliRun(_NOWHERE)("object", "put", str(tmp_path), "bucket")
    assert result.exit_code == 2
    assert "--recursive" in result.output

"""The CLI on remote buckets: `bucket ls` of a provider and of a cloud bucket (cached or not),
`object prefetch|evict`, `bucket evict`, and `cluster remote attach|detach|ls`."""

import json

from click.testing import CliRunner, Result
from stand_ins_cluster_it_support import REMOTE_ALIAS, StandIns

from pyaistore.cli.main import cli
from pyaistore.sdk import Client, ListObjectFlag


def _run(client: Client, *args: str) -> Result:
    result = CliRunner().invoke(
        cli, ["--endpoint", client.request_client.endpoint, *args], prog_name="pyaistore"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_bucket_ls_prefetch_and_evict(stand_ins: StandIns, client: Client) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    for index in range(4):
        cloud.put(name, f"shard-{index}.tar", b"s" * (index + 1))
    listed = _run(client, "--json", "bucket", "ls", "s3://")
    assert listed.exit_code == 0, listed.output
    assert f"s3://{name}" in {item["bucket"] for item in json.loads(listed.output)}
    objects = json.loads(_run(client, "--json", "bucket", "ls", f"s3://{name}").output)
    assert [(item["name"], item["cached"]) for item in objects] == [
        (f"shard-{i}.tar", "no") for i in range(4)
    ]
    done = _run(client, "object", "prefetch", f"s3://{name}", "--template", "shard-{0..2}.tar")
    assert done.exit_code == 0, done.output
    assert "prefetched" in done.output
    not_cached = json.loads(_run(client, "--json", "bucket", "ls", f"s3://{name}", "--not-cached").output)
    assert [item["name"] for item in not_cached] == ["shard-3.tar"]
    evicted = _run(client, "object", "evict", f"s3://{name}/shard-0.tar", f"s3://{name}/shard-1.tar")
    assert evicted.exit_code == 0, evicted.output
    cached = json.loads(_run(client, "--json", "bucket", "ls", f"s3://{name}", "--cached").output)
    assert [item["name"] for item in cached] == ["shard-2.tar"]
    assert _run(client, "bucket", "evict", f"s3://{name}", "--keep-md").exit_code == 0
    flags = [ListObjectFlag.CACHED]
    assert not client.bucket(name, provider="s3").list_objects(flags=flags).entries


def test_cluster_remote_commands(stand_ins: StandIns, client: Client) -> None:
    shown = json.loads(_run(client, "--json", "cluster", "remote", "ls").output)
    assert {item["alias"]: item["state"] for item in shown}[REMOTE_ALIAS] == "online"
    url = stand_ins.proxies["ais"].url
    assert _run(client, "cluster", "remote", "attach", f"cli-alias={url}").exit_code == 0
    cloud = stand_ins.cloud("ais")
    name = cloud.new_bucket()
    cloud.put(name, "x", b"y")
    objects = json.loads(_run(client, "--json", "bucket", "ls", f"ais://@cli-alias/{name}").output)
    assert [item["name"] for item in objects] == ["x"]
    assert _run(client, "cluster", "remote", "detach", "cli-alias").exit_code == 0
    missing = _run(client, "cluster", "remote", "detach", "cli-alias")
    assert missing.exit_code != 0 and "not attached" in missing.output
    bad = _run(client, "cluster", "remote", "attach", "no-url")
    assert bad.exit_code == 2


def test_creating_a_remote_bucket_explains(client: Client) -> None:
    result = _run(client, "bucket", "create", "s3://foo")
    assert result.exit_code == 2
    assert "remote bucket" in result.output and "first use" in result.output

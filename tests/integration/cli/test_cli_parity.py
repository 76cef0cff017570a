"""The commands `ais` users reach for daily: shortcuts, selections, cp/mv/set-custom, props set,
`ls --summary`, `get --archpath`, `cluster show` with metrics, `logs`, and shell completion."""

import io
import json
import tarfile
from pathlib import Path

from cli_it_support import CliRun, fill, unique_name
from click.shell_completion import ShellComplete

from pyaistore.cli.main import cli
from pyaistore.sdk import Bucket, Client


def test_ls_shortcut_lists_buckets_objects_and_summary(run: CliRun, bucket: Bucket) -> None:
    contents = fill(bucket, ["x/1", "x/2", "y"], max_size=100)
    buckets = run("ls")
    assert buckets.exit_code == 0, buckets.output
    assert bucket.name in buckets.stdout
    objects = run("--json", "ls", f"ais://{bucket.name}/x/")
    assert objects.exit_code == 0, objects.output
    assert sorted(entry["name"] for entry in json.loads(objects.stdout)) == ["x/1", "x/2"]
    summary = run("--json", "ls", bucket.name, "--summary")
    assert summary.exit_code == 0, summary.output
    data = json.loads(summary.stdout)
    assert int(data["ObjCount"]["obj_count_present"]) == 3
    assert int(data["TotalSize"]["size_all_present_objs"]) == sum(len(c) for c in contents.values())
    table = run("ls", bucket.name, "--summary")
    assert "objects" in table.stdout and "size on disk" in table.stdout


def test_put_and_get_by_template_and_list(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for index in range(5):
        (source / f"shard-{index}.bin").write_bytes(bytes([index]) * (index + 1))
    put = run("put", str(source), f"ais://{bucket.name}/data/", "--template", "shard-{1..3}.bin")
    assert put.exit_code == 0, put.output
    assert "uploaded 3 file(s)" in put.stdout
    names = sorted(entry.name for entry in bucket.list_objects_iter())
    assert names == ["data/shard-1.bin", "data/shard-2.bin", "data/shard-3.bin"]
    missing = run("put", str(source), bucket.name, "--list", "shard-0.bin,nope.bin")
    assert missing.exit_code == 1 and "nope.bin: no such file" in missing.output
    out = tmp_path / "out"
    got = run("get", f"ais://{bucket.name}/data/", str(out), "--list", "shard-1.bin,shard-3.bin")
    assert got.exit_code == 0, got.output
    assert sorted(p.name for p in out.iterdir()) == ["shard-1.bin", "shard-3.bin"]
    assert (out / "shard-3.bin").read_bytes() == bytes([3]) * 4
    both = run("get", bucket.name, str(out), "--list", "a", "--template", "b")
    assert both.exit_code == 2 and "not both" in both.output


def test_get_archpath(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        member = tarfile.TarInfo("inner/label.json")
        payload = b'{"label": 7}'
        member.size = len(payload)
        tar.addfile(member, io.BytesIO(payload))
    bucket.object("shard.tar").get_writer().put_content(buffer.getvalue())
    target = tmp_path / "label.json"
    result = run("get", f"{bucket.name}/shard.tar", str(target), "--archpath", "inner/label.json")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == payload
    absent = run("get", f"{bucket.name}/shard.tar", str(target), "--archpath", "nope")
    assert absent.exit_code == 1 and "has no file nope" in absent.output


def test_object_cp_mv_set_custom(run: CliRun, bucket: Bucket, client: Client) -> None:
    other = client.bucket(unique_name("cp")).create()
    try:
        bucket.object("a/pic.jpg").get_writer().put_content(b"pixels")
        copied = run("object", "cp", f"{bucket.name}/a/pic.jpg", f"ais://{other.name}/")
        assert copied.exit_code == 0, copied.output
        assert other.object("pic.jpg").get_reader().read_all() == b"pixels"
        nowhere = run("object", "cp", f"{bucket.name}/a/pic.jpg", f"ais://{other.name}-absent/")
        assert nowhere.exit_code == 1 and f"bucket ais://{other.name}-absent does not exist" in nowhere.output
        moved = run("object", "mv", f"{bucket.name}/a/pic.jpg", "b/renamed.jpg")
        assert moved.exit_code == 0, moved.output
        assert [e.name for e in bucket.list_objects_iter()] == ["b/renamed.jpg"]
        custom = run("object", "set-custom", f"{bucket.name}/b/renamed.jpg", "owner=ann", "label=cat")
        assert custom.exit_code == 0, custom.output
        assert bucket.object("b/renamed.jpg").head().custom_metadata == {"owner": "ann", "label": "cat"}
        replaced = run("object", "set-custom", f"{bucket.name}/b/renamed.jpg", "label=dog", "--replace")
        assert replaced.exit_code == 0, replaced.output
        assert bucket.object("b/renamed.jpg").head().custom_metadata == {"label": "dog"}
        gone = run("object", "set-custom", f"{bucket.name}/nothing", "k=v")
        assert gone.exit_code == 1 and f"object ais://{bucket.name}/nothing does not exist" in gone.output
        bad = run("object", "set-custom", f"{bucket.name}/b/renamed.jpg", "novalue")
        assert bad.exit_code == 2 and "KEY=VALUE" in bad.output
    finally:
        other.delete(missing_ok=True)


def test_bucket_props_set_and_show(run: CliRun, bucket: Bucket) -> None:
    result = run("bucket", "props", "set", bucket.name, "checksum.type=md5", "versioning.enabled=false")
    assert result.exit_code == 0, result.output
    for args in (("bucket", "props", bucket.name), ("bucket", "props", "show", bucket.name)):
        shown = json.loads(run(*args).stdout)
        assert shown["checksum"]["type"] == "md5" and shown["versioning"]["enabled"] is False
    refused = run("bucket", "props", "set", bucket.name, "mirror.enabled=true", "mirror.copies=99")
    assert refused.exit_code == 1 and "HTTP 400" in refused.output


def test_cluster_show_reads_the_metrics(run: CliRun, client: Client) -> None:
    result = run("--json", "cluster", "show", "--interval", "0.3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    smap = client.cluster().get_info()
    assert {node["id"] for node in data["nodes"]} == {*smap.pmap, *smap.tmap}
    for node in data["nodes"]:
        assert node["memory"] > 0 and node["uptime"] >= 0 and node["cpu_percent"] >= 0
        assert node["requests_per_s"] >= 0
    assert {record["node"] for record in data["mountpaths"]} == set(smap.tmap)
    for record in data["mountpaths"]:
        assert 0 < record["used"] < record["capacity"] and record["free"] > 0
    table = run("cluster", "show", "--interval", "0")
    assert table.exit_code == 0, table.output
    for header in ("CPU", "MEM", "REQ/S", "CAP FREE", "MOUNTPATH", "USED %"):
        assert header in table.stdout


def test_logs(run: CliRun, client: Client, tmp_path: Path) -> None:
    target_id = sorted(client.cluster().get_info().tmap)[0]
    shown = run("logs", target_id)
    assert shown.exit_code == 0, shown.output
    assert "listening on" in shown.stdout
    assert run("logs", f"t[{target_id}]", "--severity", "error").exit_code == 0
    archive = tmp_path / "logs.tar.gz"
    saved = run("logs", target_id, "--all", str(archive))
    assert saved.exit_code == 0, saved.output
    with tarfile.open(archive, "r:gz") as tar:
        assert "target.INFO" in tar.getnames()
    missing = run("logs", "tNoSuchNode")
    assert missing.exit_code == 1 and "node tNoSuchNode is not in the cluster" in missing.output


def test_completion_script_and_names(run: CliRun, bucket: Bucket) -> None:
    script = run("completion", "bash")
    assert script.exit_code == 0 and "_PYAISTORE_COMPLETE=bash_complete" in script.stdout
    assert "compdef" in run("completion", "zsh").stdout
    bucket.object("dir/one.txt").get_writer().put_content(b"1")
    bucket.object("dir/two.txt").get_writer().put_content(b"2")
    complete = ShellComplete(cli, {}, "pyaistore", "_PYAISTORE_COMPLETE")
    args = ["--endpoint", run.endpoint]
    buckets = [item.value for item in complete.get_completions([*args, "ls"], bucket.name[:8])]
    assert f"{bucket.name}/" in buckets
    names = [item.value for item in complete.get_completions([*args, "get"], f"ais://{bucket.name}/dir/t")]
    assert names == [f"ais://{bucket.name}/dir/two.txt"]
    props = [item.value for item in complete.get_completions([*args, "bucket", "rm"], bucket.name)]
    assert props == [bucket.name]

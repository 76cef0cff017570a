"""SDK calls the CLI relies on: list_archive, Etl.logs, init_code from module source, snapshot buckets."""

import base64

from sdk_fake_transport import FakeTransport, Reply

from pyaistore.sdk import Client
from pyaistore.sdk.types import JobSnap


def test_list_archive_keeps_only_the_shard_members(client: Client, transport: FakeTransport) -> None:
    entries = [
        {"n": "a.tar", "s": 3072, "f": 64 | 512},
        {"n": "a.tar/x.txt", "s": 5, "f": 64 | 128},
        {"n": "a.tar/dir/y.bin", "s": 7, "f": 64 | 128},
        {"n": "a.tar.bak", "s": 9, "f": 64},
    ]
    reply = Reply.msgpack({"UUID": "u", "ContinuationToken": "", "Entries": entries, "Flags": 0})
    transport.queue = [reply, reply]
    members = client.bucket("b").list_archive("a.tar")
    assert [(entry.name, entry.size) for entry in members] == [("a.tar/x.txt", 5), ("a.tar/dir/y.bin", 7)]
    assert all(entry.is_in_archive() and not entry.is_archive() for entry in members)
    value = transport.sent[0].json()["value"]
    assert (value["prefix"], value["flags"]) == ("a.tar", "8")

    with_shard = client.bucket("b").list_archive("a.tar", include_archive_obj=True)
    assert [entry.name for entry in with_shard] == ["a.tar", "a.tar/x.txt", "a.tar/dir/y.bin"]
    assert with_shard[0].is_archive()


def test_etl_logs_are_decoded_per_target(client: Client, transport: FakeTransport) -> None:
    encoded = base64.b64encode("started ✓\n".encode()).decode()
    transport.queue = [Reply.json([{"target_id": "t1", "logs": encoded}]), Reply.json([])]
    logs = client.etl("my-etl").logs()
    assert [(entry.target_id, entry.logs) for entry in logs] == [("t1", "started ✓\n")]
    assert client.etl().logs(target_id="t2", etl_id="other-etl") == []
    assert [sent.path for sent in transport.sent] == ["/v1/etl/my-etl/logs", "/v1/etl/other-etl/logs/t2"]


def test_init_code_ships_module_source_as_is(client: Client, transport: FakeTransport) -> None:
    # No trailing newline on purpose: the SDK adds one.
    source = "import zlib\n\ndef helper(data):\n    return data[::-1]\n\n"
    source += "def transform(data):\n    return helper(data)"
    transport.queue = [Reply(body=b"etl-1"), Reply(body=b"etl-2")]
    client.etl("src-etl").init_code(source, dependencies=["six"])
    body = transport.sent[0].json()
    assert base64.b64decode(body["code"]).decode() == source + "\n"
    # Source needs no cloudpickle on the cluster: only the user's requirements travel.
    assert base64.b64decode(body["dependencies"]).decode() == "six"

    client.etl("io-etl").init_code("def transform():\n    pass\n", communication_type="io")
    io_body = transport.sent[1].json()
    assert base64.b64decode(io_body["code"]).decode().endswith("\ntransform()\n")
    assert io_body["communication"] == "io://"


def test_job_snap_reads_source_and_destination_buckets() -> None:
    bucket = {"name": "src", "provider": "ais", "namespace": {"uuid": "", "name": ""}}
    snap = JobSnap.from_json(
        {"id": "j", "bck": bucket, "src-bck": bucket, "dst-bck": {**bucket, "name": "dst"}, "stats": {}}
    )
    assert snap.source_bck is not None and snap.source_bck.name == "src"
    assert snap.destination_bck is not None and snap.destination_bck.name == "dst"
    assert JobSnap.from_json({"id": "j", "src-bck": None}).source_bck is None

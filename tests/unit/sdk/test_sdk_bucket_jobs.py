"""The jobs a Bucket starts: the copy and transform requests it sends (fake transport)."""

from sdk_fake_transport import FakeTransport, Reply

from pyaistore.sdk import Client


def test_copy_seed_and_official_spellings(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"j1"), Reply(body=b"j2")]
    src = client.bucket("src")
    assert src.copy("dst", prefix="img/", dry_run=True, force=True) == "j1"
    first = transport.sent[0]
    assert first.query["bck_to"] == "ais/@#/dst/"
    assert first.json() == {
        "action": "copy-bck",
        "name": "",
        "value": {
            "prefix": "img/",
            "prepend": "",
            "dry_run": True,
            "force": True,
            "latest-ver": False,
            "synchronize": False,
        },
    }
    assert src.copy(to_bck=client.bucket("d2", "gcp"), prefix_filter="p", prepend="x/", num_workers=4) == "j2"
    second = transport.sent[1]
    assert second.query["bck_to"] == "gcp/@#/d2/"
    assert second.json()["value"]["prepend"] == "x/"
    assert second.json()["value"]["num-workers"] == 4


def test_transform_puts_seed_prefix_in_front_of_names(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"etl-job")]
    job = client.bucket("src").transform("my-etl", "dst", prefix="out/", ext={"jpg": "txt"})
    assert job == "etl-job"
    sent = transport.sent[0]
    assert sent.query["bck_to"] == "ais/@#/dst/"
    value = sent.json()["value"]
    assert sent.json()["action"] == "etl-bck"
    assert (value["id"], value["prepend"], value["prefix"], value["ext"]) == (
        "my-etl",
        "out/",
        "",
        {"jpg": "txt"},
    )
    assert value["request_timeout"] == "5m"

"""ObjectFileReader resumes broken streams with Range reads (fake transport)."""

import pytest
from sdk_fake_transport import FakeTransport, Handler, Reply, Sent

from pyaistore.sdk import Client
from pyaistore.sdk.errors import ObjectFileReaderMaxResumeError

DATA = b"0123456789" * 10


def _truncating(cut: int, honour_range: bool = True) -> Handler:
    """A cluster whose first GET stops after `cut` bytes while announcing the full length."""
    state = {"gets": 0}

    def handle(sent: Sent) -> Reply:
        if sent.method == "HEAD":
            return Reply(headers={"Ais-Present": "true", "Content-Length": str(len(DATA))})
        state["gets"] += 1
        if state["gets"] == 1:
            return Reply(body=DATA[:cut], headers={"Content-Length": str(len(DATA))})
        start = int(sent.headers.get("Range", "bytes=0-").removeprefix("bytes=").split("-")[0] or 0)
        if honour_range and start:
            return Reply(206, DATA[start:])
        return Reply(body=DATA)

    return handle


def test_short_stream_resumes_at_the_offset(client: Client, transport: FakeTransport) -> None:
    transport.handler = _truncating(37)
    with client.bucket("b").object("o").get_reader(chunk_size=8).as_file() as file:
        assert file.read() == DATA
    gets = [sent for sent in transport.sent if sent.method == "GET"]
    assert gets[1].headers["Range"] == "bytes=37-"


def test_resume_when_the_server_ignores_the_range(client: Client, transport: FakeTransport) -> None:
    transport.handler = _truncating(25, honour_range=False)
    with client.bucket("b").object("o").get_reader(chunk_size=10).as_file() as file:
        assert file.read(20) == DATA[:20]
        assert file.read() == DATA[20:]


def test_archive_reads_restart_from_zero(client: Client, transport: FakeTransport) -> None:
    transport.handler = _truncating(30)
    reader = client.bucket("b").object("o").get(archpath="member")
    assert reader.as_file().read() == DATA
    retry = [sent for sent in transport.sent if sent.method == "GET"][1]
    assert "Range" not in retry.headers


def test_gives_up_after_max_resume(client: Client, transport: FakeTransport) -> None:
    transport.handler = lambda sent: Reply(
        headers={"Ais-Present": "true", "Content-Length": str(len(DATA))},
        body=b"" if sent.method == "HEAD" else DATA[:5],
    )
    file = client.bucket("b").object("o").get_reader().as_file(max_resume=2)
    with pytest.raises(ObjectFileReaderMaxResumeError) as info:
        file.read()
    assert info.value.resumes == 3


def test_read_after_end_sends_nothing(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=DATA)]
    file = client.bucket("b").object("o").get_reader().as_file()
    assert file.read() == DATA
    assert file.read() == b""
    assert file.read1() == b""
    assert len(transport.sent) == 1
    assert file.readable()
    file.close()
    assert not file.readable()

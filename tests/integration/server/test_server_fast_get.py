"""A target's lean front answers plain GETs itself (small objects inline, larger ones with
sendfile), exactly as the full handler would.

The front's replies carry no `Server` header (aiohttp's do), which tells the two paths apart. A
query key the front does not take (`latest-ver=false`, which changes nothing for an ais bucket)
sends the same request through aiohttp: both replies must agree byte for byte and header for
header, for whole objects and ranges.
"""

import socket
from collections.abc import Callable

import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from raw_protocol import object_url, owner_url

from pyaistore.sdk import Client as OurClient

SMALL = b"0123456789abcdef" * 64  # 1 KiB
LARGE = bytes(range(256)) * 4096 + b"L"  # 1 MiB and a byte: sent from the file, past the inline limit
SAME_HEADERS = ("Ais-Checksum-Type", "Ais-Checksum-Value", "Ais-Version", "Ais-Atime", "Content-Type")


def _direct(endpoint: str, bucket: str, name: str) -> str:
    return str(object_url(owner_url(endpoint, bucket, name), bucket, name))


def test_the_front_and_aiohttp_reply_alike(endpoint: str, make_bucket: Callable[[], Bucket]) -> None:
    bucket = make_bucket()
    bucket.object("small").get_writer().put_content(SMALL)
    bucket.object("large").get_writer().put_content(LARGE)
    ranges: tuple[dict[str, str], ...] = ({}, {"Range": "bytes=10-19"}, {"Range": "bytes=-5"})
    large_ranges = ({"Range": "bytes=3-"}, {"Range": "bytes=100-300000"})  # ranges sent from the file
    for name, extras in (("small", ranges), ("large", ranges + large_ranges)):
        url = _direct(endpoint, bucket.name, name)
        for extra in extras:
            for _ in range(2):  # the first GET decides afresh, the second from what it kept
                fast = requests.get(url, headers=extra, timeout=10)
                full = requests.get(url, headers=extra, params={"latest-ver": "false"}, timeout=10)
                assert "Server" not in fast.headers and "aiohttp" in full.headers["Server"]
                assert fast.status_code == full.status_code == (206 if extra else 200)
                assert fast.content == full.content
                for header in (*SAME_HEADERS, "Content-Range", "Content-Length"):
                    assert fast.headers.get(header) == full.headers.get(header), header
    url = _direct(endpoint, bucket.name, "small")
    assert requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10).content == SMALL[10:20]
    url = _direct(endpoint, bucket.name, "large")
    assert requests.get(url, headers={"Range": "bytes=100-300000"}, timeout=10).content == LARGE[100:300001]


def test_requests_pipelined_behind_a_large_reply_wait_for_it(
    endpoint: str, make_bucket: Callable[[], Bucket]
) -> None:
    """Replies keep request order on one connection while a large object's bytes are sent."""
    bucket = make_bucket()
    bucket.object("large").get_writer().put_content(LARGE)
    bucket.object("small").get_writer().put_content(SMALL)
    owner = owner_url(endpoint, bucket.name, "large")
    if owner != owner_url(endpoint, bucket.name, "small"):  # both on one target: pick another small name
        name = next(
            f"small-{i}" for i in range(1000) if owner_url(endpoint, bucket.name, f"small-{i}") == owner
        )
        bucket.object(name).get_writer().put_content(SMALL)
    else:
        name = "small"
    host, port = owner.removeprefix("http://").rsplit(":", 1)
    path = f"/v1/objects/{bucket.name}"
    request = b"".join(
        f"GET {path}/{object_name}?provider=ais HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        for object_name in ("large", name, "large")
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        received = bytearray()
        expected = 2 * len(LARGE) + len(SMALL)
        while received.count(b"HTTP/1.1 200") < 3 or len(received) < expected:
            chunk = conn.recv(1 << 20)
            assert chunk, "the connection closed before every reply was sent"
            received += chunk
    first, second, third = (
        part.split(b"\r\n\r\n", 1)[1] for part in bytes(received).split(b"HTTP/1.1 200 OK\r\n")[1:]
    )
    assert first == LARGE and second == SMALL and third == LARGE


def test_what_the_front_leaves_to_aiohttp(endpoint: str, make_bucket: Callable[[], Bucket]) -> None:
    bucket = make_bucket()
    bucket.object("small").get_writer().put_content(SMALL)
    missing = requests.get(_direct(endpoint, bucket.name, "missing"), timeout=10)
    assert missing.status_code == 404 and "does not exist" in missing.json()["message"]
    bad_range = requests.get(
        _direct(endpoint, bucket.name, "small"), headers={"Range": "bytes=5000-"}, timeout=10
    )
    assert bad_range.status_code == 416
    # A target that does not own the object sends the client on (the front never serves it).
    other = next(url for url in _target_urls(endpoint) if url != owner_url(endpoint, bucket.name, "small"))
    moved = requests.get(object_url(other, bucket.name, "small"), allow_redirects=False, timeout=10)
    assert moved.status_code == 301


def test_the_proxy_front_redirects_as_aiohttp_does(endpoint: str, make_bucket: Callable[[], Bucket]) -> None:
    bucket = make_bucket()
    bucket.object("a/b c").get_writer().put_content(SMALL)
    url = object_url(endpoint, bucket.name, "a/b c")
    owner = owner_url(endpoint, bucket.name, "a/b c")
    for method, status in (("GET", 301), ("HEAD", 307)):
        fast = requests.request(method, url, allow_redirects=False, timeout=10)
        full = requests.request(
            method, url, params={"latest-ver": "false"}, allow_redirects=False, timeout=10
        )
        assert "Server" not in fast.headers and "aiohttp" in full.headers["Server"]
        assert fast.status_code == full.status_code == status
        assert fast.headers["Location"].startswith(f"{owner}/v1/objects/{bucket.name}/a/b%20c?pid=")
        assert fast.content == full.content
    missing_bucket = requests.get(
        object_url(endpoint, "no-such-bucket", "x"), allow_redirects=False, timeout=10
    )
    assert missing_bucket.status_code == 404 and "aiohttp" in missing_bucket.headers["Server"]


def test_gets_through_the_proxy_by_both_sdks(
    endpoint: str, ais_client: Client, make_bucket: Callable[[], Bucket]
) -> None:
    bucket = make_bucket()
    contents = {f"dir/o{index}": bytes([index]) * (index * 97 + 1) for index in range(40)}
    for name, data in contents.items():
        bucket.object(name).get_writer().put_content(data)
    ours = OurClient(endpoint).bucket(bucket.name)
    for name, data in contents.items():
        assert bucket.object(name).get_reader().read_all() == data
        assert ours.object(name).get_reader().read_all() == data
        assert ours.object(name).get_reader(byte_range="bytes=0-0").read_all() == data[:1]


def test_one_connection_mixes_fast_gets_and_other_requests(
    endpoint: str, make_bucket: Callable[[], Bucket]
) -> None:
    """Keep-alive through the front: GET (fast), PUT (aiohttp), HEAD, GET again, all on one socket."""
    bucket = make_bucket()
    bucket.object("x").get_writer().put_content(SMALL)
    target = owner_url(endpoint, bucket.name, "x")
    host, port = target.removeprefix("http://").rsplit(":", 1)
    path = f"/v1/objects/{bucket.name}"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        stream = sock.makefile("rb")
        requests_ = [
            f"GET {path}/x HTTP/1.1\r\nHost: t\r\n\r\n".encode(),
            f"PUT {path}/x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nnew".encode(),
            f"HEAD {path}/x HTTP/1.1\r\nHost: t\r\n\r\n".encode(),
            f"GET {path}/x HTTP/1.1\r\nHost: t\r\n\r\n".encode(),
        ]
        sock.sendall(b"".join(requests_))  # pipelined: the replies must come in order
        bodies = []
        for method in ("GET", "PUT", "HEAD", "GET"):
            status = stream.readline()
            assert status.startswith(b"HTTP/1.1 200"), (method, status)
            length = 0
            while (line := stream.readline()) != b"\r\n":
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            bodies.append(stream.read(length) if method != "HEAD" else b"")
    assert bodies[0] == SMALL and bodies[3] == b"new"


def _target_urls(endpoint: str) -> list[str]:
    smap = requests.get(f"{endpoint}/v1/daemon", params={"what": "smap"}, timeout=10).json()
    return [node["public_net"]["direct_url"] for node in smap["tmap"].values()]


def test_the_front_never_serves_a_stale_object(endpoint: str, make_bucket: Callable[[], Bucket]) -> None:
    """Kept GET decisions follow overwrites (same size), metadata edits, deletes and re-creates."""
    bucket = make_bucket()
    obj = bucket.object("hot")
    url = _direct(endpoint, bucket.name, "hot")

    def fast_get() -> requests.Response:
        reply = requests.get(url, timeout=10)
        assert "Server" not in reply.headers  # served by the front
        return reply

    for round_ in range(3):
        data = bytes([round_]) * 1000
        obj.get_writer().put_content(data)
        for _ in range(2):  # the second GET is answered from the kept decision
            reply = fast_get()
            assert reply.content == data and reply.headers["Ais-Checksum-Value"] == full_checksum(url)
    for value in ("a", "b", "c"):  # metadata edits in place, faster than any clock tick
        obj.get_writer().set_custom_props({"label": value}, replace_existing=True)
        assert fast_get().headers["Ais-Custom-Md"] == f"label={value}"
    assert fast_get().headers["Ais-Custom-Md"] == "label=c"
    obj.delete()
    assert requests.get(url, timeout=10).status_code == 404
    obj.get_writer().put_content(b"again")
    assert fast_get().content == b"again"
    assert requests.get(url, headers={"Range": "bytes=1-2"}, timeout=10).content == b"ga"


def full_checksum(url: str) -> str:
    """The checksum the full handler reports for the object at `url`."""
    return str(requests.get(url, params={"latest-ver": "false"}, timeout=10).headers["Ais-Checksum-Value"])


def _head_lines(reply: requests.Response) -> dict[str, str]:
    """A HEAD reply's headers, less those that differ by path or moment (Server, Date)."""
    return {name: value for name, value in reply.headers.items() if name not in ("Server", "Date")}


def test_the_front_answers_plain_heads_as_aiohttp_does(
    endpoint: str, make_bucket: Callable[[], Bucket]
) -> None:
    bucket = make_bucket()
    for name, data in (("small", SMALL), ("empty", b""), ("large", LARGE)):
        bucket.object(name).get_writer().put_content(data)
        url = _direct(endpoint, bucket.name, name)
        for _ in range(2):  # the second HEAD is answered from the kept headers
            fast = requests.head(url, timeout=10)
            full = requests.head(url, params={"latest-ver": "false"}, timeout=10)
            assert "Server" not in fast.headers and "aiohttp" in full.headers["Server"]
            assert fast.status_code == full.status_code == 200
            assert _head_lines(fast) == _head_lines(full)
        assert fast.headers.get("Content-Length") == (str(len(data)) if data else None)
    props = OurClient(endpoint).bucket(bucket.name).object("small").head()
    assert props.size == len(SMALL) and props.present
    missing = requests.head(_direct(endpoint, bucket.name, "missing"), timeout=10)
    assert missing.status_code == 404 and "aiohttp" in missing.headers["Server"]


def test_kept_heads_follow_overwrites_and_edits(endpoint: str, make_bucket: Callable[[], Bucket]) -> None:
    bucket = make_bucket()
    obj = bucket.object("hot")
    url = _direct(endpoint, bucket.name, "hot")

    def fast_head() -> requests.Response:
        reply = requests.head(url, timeout=10)
        assert "Server" not in reply.headers  # served by the front
        return reply

    for round_ in range(3):
        obj.get_writer().put_content(bytes([round_]) * 1000)  # same size, new content
        for _ in range(2):
            assert fast_head().headers["Ais-Checksum-Value"] == full_checksum(url)
        assert fast_head().headers["Ais-Version"] == str(round_ + 1)
    obj.get_writer().set_custom_props({"label": "x"}, replace_existing=True)
    assert fast_head().headers["Ais-Custom-Md"] == "label=x"
    obj.delete()
    assert requests.head(url, timeout=10).status_code == 404

"""A target's lean front takes plain small PUTs; what it stores and answers is the full handler's.

A query key the front does not take (`skip_vc=false`, which changes nothing) sends the same PUT
through aiohttp: both replies must agree byte for byte but for the values that differ per
request (Date, atime, version, the client's port). Objects the front wrote read back with their
metadata through GET and HEAD, by both SDKs.
"""

import re
import socket
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import requests
from aistore.sdk.bucket import Bucket
from raw_protocol import checksum_headers, object_url, owner_url, xxhash2

from pyaistore.sdk import Client as OurClient

SMALL = bytes(range(256)) * 4  # 1 KiB
# Values that differ between two otherwise identical replies.
_VARYING = re.compile(rb"(Date: |Ais-Atime: |Ais-Version: |\"remote_addr\":\"127\.0\.0\.1:)[^\r\n\"]*")


def _raw_put(
    endpoint: str, bucket: str, name: str, body: bytes, query: str = "", extra: bytes = b""
) -> bytes:
    """PUT straight to the owning target on a fresh connection; the whole reply as sent."""
    target = urlsplit(owner_url(endpoint, bucket, name))
    path = f"/v1/objects/{bucket}/{quote(name, safe='')}" + (f"?{query}" if query else "")
    request = b"PUT %s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\nConnection: close\r\n%s\r\n%s" % (
        path.encode(),
        len(body),
        extra,
        body,
    )
    with socket.create_connection((target.hostname, target.port), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply


def _normalized(reply: bytes) -> bytes:
    return _VARYING.sub(rb"\1*", reply)


def test_the_front_and_aiohttp_reply_alike(endpoint: str, make_bucket: Callable[[], Bucket]) -> None:
    bucket = make_bucket().name
    fast = _raw_put(endpoint, bucket, "a b", SMALL)
    full = _raw_put(endpoint, bucket, "a b", SMALL, query="skip_vc=false")
    assert fast.startswith(b"HTTP/1.1 200 OK\r\n") and b"Ais-Version: 1\r\n" in fast
    assert b"Ais-Version: 2\r\n" in full
    assert b"Ais-Checksum-Value: %s\r\n" % xxhash2(SMALL).encode() in fast
    assert _normalized(fast) == _normalized(full)
    # Errors: the front hands these on, and aiohttp answers both forms alike.
    for bucket_name, name, status in ((bucket, "../b", b"400"), ("no-such-bucket", "x", b"404")):
        fast = _raw_put(endpoint, bucket_name, name, SMALL)
        full = _raw_put(endpoint, bucket_name, name, SMALL, query="skip_vc=false")
        assert fast.startswith(b"HTTP/1.1 " + status), fast[:200]
        assert _normalized(fast) == _normalized(full)


def test_objects_the_front_wrote_read_back_with_their_metadata(
    endpoint: str, make_bucket: Callable[[], Bucket]
) -> None:
    bucket = make_bucket()
    first, second = SMALL, SMALL[::-1]
    sum_header = b"".join(
        b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in checksum_headers(first).items()
    )
    assert _raw_put(endpoint, bucket.name, "obj", first, extra=sum_header).startswith(b"HTTP/1.1 200")
    props = bucket.object("obj").props
    assert (props.checksum_type, props.checksum_value) == ("xxhash2", xxhash2(first))
    assert props.obj_version == "1" and props.size == len(first)
    assert bucket.object("obj").get_reader().read_all() == first
    # The official SDK's own PUT (through the proxy's redirect), then ours read it back.
    bucket.object("obj").get_writer().put_content(second)
    ours = OurClient(endpoint).bucket(bucket.name).object("obj")
    assert ours.get_reader().read_all() == second
    assert ours.props.obj_version == "2" and bucket.object("obj").props.checksum_value == xxhash2(second)
    direct = requests.head(
        f"{owner_url(endpoint, bucket.name, 'obj')}/v1/objects/{bucket.name}/obj", timeout=10
    )
    assert direct.headers["Ais-Checksum-Value"] == xxhash2(second) and direct.headers["Ais-Version"] == "2"
    assert int(direct.headers["Ais-Atime"]) > 0
    # A checksum that does not match: refused, the object as it was.
    wrong = b"Ais-Checksum-Type: xxhash2\r\nAis-Checksum-Value: 0000000000000000\r\n"
    reply = _raw_put(endpoint, bucket.name, "obj", first, extra=wrong)
    assert reply.startswith(b"HTTP/1.1 400") and b"ErrBadChecksum" in reply
    assert (
        bucket.object("obj").get_reader().read_all() == second
        and bucket.object("obj").props.obj_version == "2"
    )


def test_puts_the_front_leaves_to_aiohttp_still_work(
    endpoint: str, make_bucket: Callable[[], Bucket]
) -> None:
    bucket = make_bucket()
    url = object_url(endpoint, bucket.name, "custom")
    assert requests.put(url, data=SMALL, headers={"Ais-Custom-Md": "k=v"}, timeout=10).status_code == 200
    assert bucket.object("custom").props.custom_metadata == {"k": "v"}
    large = b"L" * (2 << 20)  # past the front's limit
    assert requests.put(object_url(endpoint, bucket.name, "large"), data=large, timeout=30).status_code == 200
    assert bucket.object("large").get_reader().read_all() == large
    # Straight to the owner: a redirect cannot replay a generator's body.
    owner = owner_url(endpoint, bucket.name, "chunked")
    chunked = requests.put(object_url(owner, bucket.name, "chunked"), data=iter([SMALL, SMALL]), timeout=10)
    assert chunked.status_code == 200
    assert bucket.object("chunked").get_reader().read_all() == SMALL * 2
    empty = requests.put(object_url(endpoint, bucket.name, "empty"), data=b"", timeout=10)
    assert empty.status_code == 200 and bucket.object("empty").head().size == 0

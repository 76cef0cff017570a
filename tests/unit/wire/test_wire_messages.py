"""JSON and msgpack shapes the official SDK decodes."""

import msgpack
from aistore.sdk.types import Smap as OfficialSmap

from pyaistore.wire.error_body import ErrorBody
from pyaistore.wire.messages import ActionMsg, ListEntry, LsoMsg, LsoPage, NetInfo, Smap, Snode


def _smap() -> Smap:
    proxy = Snode("p1", "proxy", NetInfo("127.0.0.1", 8080))
    target = Snode("t1", "target", NetInfo("127.0.0.1", 8081))
    return Smap(3, "uuid1", "2026-11-21 00:00:00", proxy, {"p1": proxy}, {"t1": target})


def test_smap_is_accepted_by_the_official_model() -> None:
    wire = _smap().to_json()
    assert wire["version"] == "3"
    assert wire["tmap"]["t1"]["public_net"]["daemon_port"] == "8081"
    parsed = OfficialSmap(**wire)
    assert parsed.proxy_si.public_net.direct_url == "http://127.0.0.1:8080"
    assert Smap.from_json(wire) == _smap()


def test_action_msg_requires_an_object_with_string_action() -> None:
    assert ActionMsg.from_json({"action": "list", "value": None}) == ActionMsg("list")
    bad: object
    for bad in ([], "x", {"action": 3}):
        try:
            ActionMsg.from_json(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_lso_msg_accepts_string_flags_and_trims_star() -> None:
    msg = LsoMsg.from_json({"prefix": "a/*", "flags": "2048", "pagesize": 5})
    assert (msg.prefix, msg.flags, msg.page_size) == ("a/", 2048, 5)
    assert LsoMsg.from_json(msg.to_json()) == msg


def test_page_msgpack_omits_empty_fields_and_round_trips() -> None:
    page = LsoPage("u", "tok", [ListEntry("a", size=3, flags=64), ListEntry("d/", flags=256)])
    packed = msgpack.unpackb(msgpack.packb(page.to_msgpack()))
    assert packed["Entries"][0] == {"n": "a", "s": 3, "f": 64}
    assert packed["Entries"][1] == {"n": "d/", "f": 256}
    assert set(packed) == {"UUID", "ContinuationToken", "Entries", "Flags"}
    assert LsoPage.from_wire(packed).entries[0].size == 3
    json_form = page.to_json()
    assert json_form["entries"][0]["size"] == "3"
    assert LsoPage.from_wire(json_form).entries[1].name == "d/"


def test_error_body_keeps_slashes_unescaped() -> None:
    text = ErrorBody(404, "t[x]: ais://b/o does not exist", "ErrObjNotFound").to_json()
    assert "ais://b/o" in text and "\\/" not in text
    parsed = ErrorBody.parse(text, 404)
    assert parsed.tcode == "ErrObjNotFound" and parsed.status == 404
    assert ErrorBody.parse("plain text", 500).message == "plain text"

"""Listings of names and sizes are answered from the directory walk: the sizes must be the objects'
own, nothing unpublished may show, and properties that need the metadata must still come from it."""

from aistore.sdk.bucket import Bucket
from aistore.sdk.list_object_flag import ListObjectFlag
from raw_protocol import xxhash2

PRESENT, DIRECTORY = 64, 256
SIZES = {"s/zero": 0, "s/one": 1, "s/odd": 4097, "s/large": 300_001}


def _listed(bucket: Bucket, props: str = "name,size", prefix: str = "") -> dict[str, int]:
    return {entry.name: entry.size for entry in bucket.list_all_objects(prefix=prefix, props=props)}


def test_sizes_are_the_objects_sizes(bucket: Bucket) -> None:
    for name, size in SIZES.items():
        bucket.object(name).get_writer().put_content(bytes(size))
    bucket.object("s/odd").get_writer().put_content(b"shrunk")  # overwritten with another size
    expected = SIZES | {"s/odd": 6}
    assert _listed(bucket) == expected
    assert _listed(bucket, props="") == expected  # the SDK's default props are name and size
    assert _listed(bucket, props="name,size,cached,status") == expected


def test_metadata_props_still_come_from_the_metadata(bucket: Bucket) -> None:
    bucket.object("v").get_writer().put_content(b"first version")
    bucket.object("v").get_writer().put_content(b"second")
    (entry,) = bucket.list_objects(props="name,size,checksum,version").entries
    assert (entry.name, entry.size, entry.checksum, entry.version) == ("v", 6, xxhash2(b"second"), "2")
    (entry,) = bucket.list_objects(props="name,size").entries
    assert (entry.size, entry.checksum, entry.version) == (6, "", "")


def test_appends_and_uploads_in_progress_are_not_listed(bucket: Bucket) -> None:
    bucket.object("done").get_writer().put_content(b"12345")
    writer = bucket.object("appending").get_writer()
    handle = writer.append_content(b"abc")
    handle = writer.append_content(b"defg", handle=handle)
    upload = bucket.object("uploading").multipart_upload().create()
    upload.add_part(1).put_content(b"part one")
    assert _listed(bucket) == {"done": 5}
    writer.append_content(b"", handle=handle, flush=True)
    upload.complete()
    assert _listed(bucket) == {"appending": 7, "done": 5, "uploading": 8}


def test_name_only_listings(bucket: Bucket) -> None:
    bucket.object("a/b").get_writer().put_content(b"123")
    bucket.object("c").get_writer().put_content(b"4")
    entries = bucket.list_objects(props="name").entries
    assert [(e.name, e.size, e.flags) for e in entries] == [("a/b", 0, PRESENT), ("c", 0, PRESENT)]
    level = bucket.list_objects(props="name", flags=[ListObjectFlag.NO_RECURSION]).entries
    assert [(e.name, e.size, e.flags) for e in level] == [("a/", 0, DIRECTORY), ("c", 0, PRESENT)]

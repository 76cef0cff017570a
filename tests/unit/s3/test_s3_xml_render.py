"""S3's XML documents: what boto3 parses back, and the request bodies read."""

import xml.etree.ElementTree as ElementTree

import pytest

from pyaistore.s3 import xml_render
from pyaistore.s3.s3_errors import S3Error

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def test_list_objects_v2_shape() -> None:
    document = xml_render.list_objects(
        "b",
        "p/",
        "/",
        2,
        [xml_render.ListedObject("p/a&b", 3, '"e"', "2025-01-01T00:00:00Z")],
        ["p/d/"],
        "p/a&b",
        True,
    )
    root = ElementTree.fromstring(document)
    assert root.tag == NS + "ListBucketResult"
    assert root.findtext(NS + "KeyCount") == "2" and root.findtext(NS + "IsTruncated") == "true"
    assert root.findtext(f"{NS}Contents/{NS}Key") == "p/a&b"
    assert root.findtext(f"{NS}CommonPrefixes/{NS}Prefix") == "p/d/"
    assert root.findtext(NS + "NextContinuationToken") == "p/a&b"


def test_iso_time() -> None:
    assert xml_render.iso_time(1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123Z"


def test_parse_complete_and_delete() -> None:
    body = (
        b'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b'<Part><ETag>"a"</ETag><PartNumber>1</PartNumber></Part>'
        b"<Part><PartNumber>2</PartNumber><ETag>b</ETag></Part></CompleteMultipartUpload>"
    )
    assert xml_render.parse_complete(body) == [(1, '"a"'), (2, "b")]
    keys, quiet = xml_render.parse_delete(
        b"<Delete><Quiet>true</Quiet><Object><Key>x</Key></Object></Delete>"
    )
    assert keys == ["x"] and quiet
    assert (
        xml_render.parse_versioning(
            b"<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"
        )
        is False
    )


@pytest.mark.parametrize(
    "body",
    [
        b"<Delete><Object>",
        b"<Other/>",
        b"<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>",
    ],
)
def test_malformed_documents(body: bytes) -> None:
    with pytest.raises(S3Error) as caught:
        xml_render.parse_complete(body) if b"Complete" in body else xml_render.parse_delete(body)
    assert caught.value.code == "MalformedXML"

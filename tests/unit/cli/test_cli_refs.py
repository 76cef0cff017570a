"""Bucket and object arguments: `bucket/name`, `ais://bucket/name`, provider aliases."""

import click
import pytest

from pyaistore.cli.refs import (
    BUCKET,
    ETL,
    JOB,
    MOUNTPATH,
    NODE,
    OBJECT,
    BucketRef,
    JobRef,
    MountpathRef,
    NodeRef,
    ObjectRef,
    parse_object_ref,
)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("photos", ObjectRef(BucketRef("photos"), "")),
        ("photos/", ObjectRef(BucketRef("photos"), "")),
        ("photos/cat.jpg", ObjectRef(BucketRef("photos"), "cat.jpg")),
        ("ais://photos/a/b/", ObjectRef(BucketRef("photos"), "a/b/")),
        ("s3://data/x", ObjectRef(BucketRef("data", "aws"), "x")),
        ("gs://data", ObjectRef(BucketRef("data", "gcp"), "")),
        ("az://data/k", ObjectRef(BucketRef("data", "azure"), "k")),
        ("ht://site/doc.pdf", ObjectRef(BucketRef("site", "ht"), "doc.pdf")),
        ("ais://@team/b/x", ObjectRef(BucketRef("b", "ais", "team"), "x")),
        ("photos/a//b", ObjectRef(BucketRef("photos"), "a//b")),
    ],
)
def test_parse(text: str, ref: ObjectRef) -> None:
    assert parse_object_ref(text) == ref


@pytest.mark.parametrize("text", ["", "/name", "ais://", "ais:///x", "nope://b/x", "://b/x"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_object_ref(text)


def test_display_and_prefix() -> None:
    assert str(ObjectRef(BucketRef("b"), "x/y")) == "ais://b/x/y"
    assert str(BucketRef("b", "aws")) == "s3://b"
    assert str(BucketRef("b", "gcp")) == "gs://b"
    assert str(BucketRef("b", "azure")) == "az://b"
    assert ObjectRef(BucketRef("b")).is_prefix and ObjectRef(BucketRef("b"), "d/").is_prefix
    assert not ObjectRef(BucketRef("b"), "d").is_prefix


def test_param_types() -> None:
    assert BUCKET.convert("ais://b/", None, None) == BucketRef("b")
    assert OBJECT.convert("b/o", None, None) == ObjectRef(BucketRef("b"), "o")
    with pytest.raises(click.BadParameter, match="names an object"):
        BUCKET.convert("b/o", None, None)
    with pytest.raises(click.BadParameter, match="unknown provider"):
        OBJECT.convert("xyz://b/o", None, None)


def test_job_and_etl_arguments() -> None:
    assert JOB.convert("D-ViE6HEL_j", None, None) == JobRef("D-ViE6HEL_j")
    assert str(ETL.convert(" md5-etl ", None, None)) == "md5-etl"
    for bad in ("", "a b", "a/b"):
        with pytest.raises(click.BadParameter):
            JOB.convert(bad, None, None)
        with pytest.raises(click.BadParameter):
            ETL.convert(bad, None, None)


def test_mountpath_arguments_are_node_id_equals_absolute_path() -> None:
    ref = MOUNTPATH.convert("t1=/mnt/a=b", None, None)
    assert ref == MountpathRef(NodeRef("t1"), "/mnt/a=b") and str(ref) == "t1=/mnt/a=b"
    for bad in ("t1", "=/mnt/a", "t1=", "t1=mnt/a", "t 1=/mnt/a"):
        with pytest.raises(click.BadParameter):
            MOUNTPATH.convert(bad, None, None)
    assert NODE.convert("t1", None, None) == NodeRef("t1")

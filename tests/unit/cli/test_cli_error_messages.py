"""Cluster errors named after the command's argument of the right kind (errors.describe)."""

from pyaistore.cli.errors import describe
from pyaistore.cli.refs import ArchivedFileRef, BucketRef, EtlRef, JobRef, MountpathRef, NodeRef, ObjectRef
from pyaistore.sdk.errors import AISError, ErrBckNotFound, ErrETLAlreadyExists, ErrETLNotFound, ErrObjNotFound

ENDPOINT = "http://localhost:8080"
SHARD = ObjectRef(BucketRef("b"), "s.tar")


def test_etl_errors_name_the_etl_among_other_arguments() -> None:
    missing = ErrETLNotFound(404, "p[x]: etl job up does not exist", "url")
    assert describe(missing, ENDPOINT, [SHARD, EtlRef("up-etl")]).startswith("ETL up-etl does not exist")
    exists = ErrETLAlreadyExists(409, "etl job up already exists", "url")
    assert describe(exists, ENDPOINT, EtlRef("up-etl")).startswith("ETL up-etl already exists")
    # Without an ETL argument the cluster's message is shown.
    assert describe(missing, ENDPOINT) == "etl job up does not exist (HTTP 404)"


def test_a_404_about_a_job() -> None:
    error = AISError(404, 'job "j1" not found', "url")
    assert describe(error, ENDPOINT, JobRef("j1")).startswith("job j1 does not exist")
    # A missing bucket stays a missing bucket even when a job ID is among the arguments.
    missing_bucket = ErrBckNotFound(404, "bucket missing", "url")
    assert describe(missing_bucket, ENDPOINT, [JobRef("j1"), BucketRef("b")]).startswith(
        "bucket ais://b does"
    )


def test_a_missing_file_in_a_shard() -> None:
    error = ErrObjNotFound(404, "not found", "url")
    message = describe(error, ENDPOINT, [SHARD, ArchivedFileRef(SHARD, "x/y.jpg")])
    assert message.startswith("ais://b/s.tar has no file x/y.jpg")
    assert describe(error, ENDPOINT, SHARD) == "object ais://b/s.tar does not exist"


def test_two_buckets_without_a_choice_show_the_cluster_message() -> None:
    error = ErrBckNotFound(404, 'bucket "ais://a" does not exist', "url")
    assert describe(error, ENDPOINT, [BucketRef("a"), BucketRef("b")]).endswith("(HTTP 404)")


def test_a_missing_node_or_mountpath_is_named_by_the_error_code() -> None:
    mountpath = MountpathRef(NodeRef("t1"), "/mnt/d9")
    no_node = AISError(404, "p[x]: cannot forward request to node t1", "url", tcode="ErrNotFound")
    assert describe(no_node, ENDPOINT, mountpath).startswith("node t1 is not in the cluster")
    assert describe(no_node, ENDPOINT, NodeRef("t1")).startswith("node t1 is not in the cluster")
    no_path = AISError(404, 't[t1]: mountpath "/mnt/d9" does not exist', "url", tcode="ErrMpathNotFound")
    assert describe(no_path, ENDPOINT, mountpath).startswith("node t1 has no mountpath /mnt/d9")
    refused = AISError(400, 't[t1]: cannot disable mountpath "/mnt/d9": it is the last available one', "url")
    assert describe(refused, ENDPOINT, mountpath) == (
        'cannot disable mountpath "/mnt/d9": it is the last available one (HTTP 400)'
    )

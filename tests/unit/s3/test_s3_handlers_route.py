"""Which operation each S3 request reaches (method, level, sub-resource)."""

import pytest
from multidict import MultiDict, MultiDictProxy

from pyaistore.s3 import bucket_handlers, multipart, object_handlers
from pyaistore.s3.addressing import S3Request
from pyaistore.s3.handlers import route
from pyaistore.s3.s3_errors import S3Error


def _req(method: str, bucket: str = "", key: str = "", query: str = "", **headers: str) -> S3Request:
    pairs = MultiDict(item.partition("=")[::2] for item in query.split("&") if item)
    hdrs = {name.replace("_", "-"): [value] for name, value in headers.items()}
    return S3Request(method, bucket, key, MultiDictProxy(pairs), hdrs, None)


@pytest.mark.parametrize(
    ("req", "operation"),
    [
        (_req("GET"), bucket_handlers.list_buckets),
        (_req("PUT", "b"), bucket_handlers.create_bucket),
        (_req("GET", "b", query="list-type=2"), bucket_handlers.list_objects),
        (_req("GET", "b", query="uploads"), bucket_handlers.list_uploads),
        (_req("PUT", "b", query="versioning"), bucket_handlers.put_versioning),
        (_req("POST", "b", query="delete"), bucket_handlers.delete_objects),
        (_req("DELETE", "b"), bucket_handlers.delete_bucket),
        (_req("HEAD", "b"), bucket_handlers.head_bucket),
        (_req("GET", "b", "k"), object_handlers.get_object),
        (_req("PUT", "b", "k"), object_handlers.put_object),
        (_req("PUT", "b", "k", **{"x_amz_copy_source": "/a/b"}), object_handlers.copy_object),
        (_req("POST", "b", "k", query="uploads"), multipart.create_upload),
        (_req("PUT", "b", "k", query="uploadId=u&partNumber=1"), multipart.upload_part),
        (_req("POST", "b", "k", query="uploadId=u"), multipart.complete_upload),
        (_req("DELETE", "b", "k", query="uploadId=u"), multipart.abort_upload),
        (_req("GET", "b", "k", query="uploadId=u"), multipart.list_parts),
    ],
)
def test_route(req: S3Request, operation: object) -> None:
    assert route(req) is operation


def test_not_allowed() -> None:
    with pytest.raises(S3Error) as caught:
        route(_req("DELETE"))
    assert caught.value.code == "MethodNotAllowed"

"""Error responses map to SDK exceptions by status, tcode and request scope, never by message text."""

import json

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from pyaistore.sdk import errors
from pyaistore.sdk.response_handler import RequestScope, ResponseHandler, request_scope
from pyaistore.wire import error_body

OBJ_URL = "http://p:8080/v1/objects/bck/dir/obj.bin?provider=ais"
BCK_URL = "http://p:8080/v1/buckets/bck?provider=ais"
REMOTE_BCK_URL = "http://p:8080/v1/buckets/bck?provider=s3"
ETL_URL = "http://p:8080/v1/etl/my-etl"


def response(
    method: str,
    url: str,
    status: int,
    body: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """A response to a prepared request, as the SDK would receive it."""
    result = requests.Response()
    result.status_code = status
    result._content = json.dumps(body).encode() if body is not None else b""
    result.headers = CaseInsensitiveDict(headers or {})
    result.request = requests.Request(method, url).prepare()
    result.url = url
    return result


def error_for(method: str, url: str, status: int, tcode: str = "", message: str = "boom") -> errors.AISError:
    body: dict[str, object] = {"message": message, "status": status}
    if tcode:
        body["tcode"] = tcode
    return ResponseHandler().parse_error(response(method, url, status, body))


@pytest.mark.parametrize(
    ("tcode", "expected"),
    [
        (error_body.BUCKET_NOT_FOUND, errors.ErrBckNotFound),
        (error_body.REMOTE_BUCKET_NOT_FOUND, errors.ErrRemoteBckNotFound),
        (error_body.BUCKET_EXISTS, errors.ErrBckAlreadyExists),
        (error_body.OBJECT_NOT_FOUND, errors.ErrObjNotFound),
        (error_body.ETL_NOT_FOUND, errors.ErrETLNotFound),
        (error_body.ETL_EXISTS, errors.ErrETLAlreadyExists),
    ],
)
def test_specific_tcode_decides_whatever_the_url(tcode: str, expected: type[errors.AISError]) -> None:
    err = error_for("GET", OBJ_URL, 404 if "Exists" not in tcode else 409, tcode)
    assert type(err) is expected
    assert err.tcode == tcode


def test_missing_bucket_on_object_request_is_bucket_error() -> None:
    assert type(error_for("GET", OBJ_URL, 404, error_body.BUCKET_NOT_FOUND)) is errors.ErrBckNotFound


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (OBJ_URL, errors.ErrObjNotFound),
        (BCK_URL, errors.ErrBckNotFound),
        (REMOTE_BCK_URL, errors.ErrRemoteBckNotFound),
        ("http://p/v1/buckets/b?provider=ais&namespace=%40uuid%23ns", errors.ErrRemoteBckNotFound),
        (ETL_URL, errors.ErrETLNotFound),
        ("http://p/v1/daemon?what=smap", errors.AISError),
    ],
)
def test_404_without_tcode_uses_request_scope(url: str, expected: type[errors.AISError]) -> None:
    assert type(error_for("GET", url, 404)) is expected
    assert type(error_for("GET", url, 404, error_body.NOT_FOUND)) is expected


def test_message_text_is_ignored() -> None:
    # The official SDK would read "ais://x" in the text and say "bucket"; we go by the request.
    err = error_for("GET", OBJ_URL, 404, message='bucket "ais://x" does not exist etl job')
    assert type(err) is errors.ErrObjNotFound
    assert err.message == 'bucket "ais://x" does not exist etl job'


def test_409_on_object_get_is_get_conflict_even_with_busy_tcode() -> None:
    assert type(error_for("GET", OBJ_URL, 409)) is errors.ErrGETConflict
    assert type(error_for("GET", OBJ_URL, 409, error_body.BUSY)) is errors.ErrGETConflict


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("POST", BCK_URL, errors.ErrBckAlreadyExists),
        ("PUT", ETL_URL, errors.ErrETLAlreadyExists),
        ("PUT", OBJ_URL, errors.AISError),
    ],
)
def test_409_without_tcode_uses_scope(method: str, url: str, expected: type[errors.AISError]) -> None:
    assert type(error_for(method, url, 409)) is expected


def test_other_tcode_is_plain_ais_error() -> None:
    assert type(error_for("POST", BCK_URL, 409, error_body.BUSY)) is errors.AISError
    assert type(error_for("GET", BCK_URL, 404, error_body.INVALID_NAME)) is errors.AISError


def test_head_error_comes_from_hdr_error_header() -> None:
    header = json.dumps({"tcode": error_body.BUCKET_NOT_FOUND, "message": "no such bucket", "status": 404})
    resp = response("HEAD", OBJ_URL, 404, headers={"Hdr-Error": header})
    err = ResponseHandler().parse_error(resp)
    assert type(err) is errors.ErrBckNotFound
    assert err.message == "no such bucket"


def test_head_without_hdr_error_falls_back_on_scope() -> None:
    err = ResponseHandler().parse_error(response("HEAD", OBJ_URL, 404))
    assert type(err) is errors.ErrObjNotFound


def test_non_json_body_becomes_message() -> None:
    resp = response("GET", BCK_URL, 400)
    resp._content = b"plain text failure"
    err = ResponseHandler().parse_error(resp)
    assert type(err) is errors.AISError
    assert err.message == "plain text failure"
    assert err.status_code == 400


def test_ais_errors_are_requests_http_errors() -> None:
    err = error_for("GET", OBJ_URL, 404)
    assert isinstance(err, requests.HTTPError)
    assert isinstance(err, errors.AISRetryableError)
    assert err.response is not None and err.response.status_code == 404
    assert err.req_url == OBJ_URL


def test_handle_response_passes_success_and_redirect_statuses() -> None:
    handler = ResponseHandler()
    for status in (200, 202, 206, 307):
        resp = response("GET", OBJ_URL, status)
        assert handler.handle_response(resp) is resp
    with pytest.raises(errors.ErrObjNotFound):
        handler.handle_response(response("GET", OBJ_URL, 404))


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("http://h/v1/objects/b/o", RequestScope.OBJECT),
        ("http://h/v1/objects/b/a%2Fb", RequestScope.OBJECT),
        ("http://h/v1/objects/b", RequestScope.BUCKET),
        ("http://h/v1/buckets/b", RequestScope.BUCKET),
        ("http://h/v1/buckets/b?provider=gs", RequestScope.REMOTE_BUCKET),
        ("http://h/v1/buckets/b?provider=bogus", RequestScope.REMOTE_BUCKET),
        ("http://h/v1/buckets", RequestScope.OTHER),
        ("http://h/v1/etl", RequestScope.ETL),
        ("http://h/v1/cluster?what=status", RequestScope.OTHER),
    ],
)
def test_request_scope(url: str, scope: RequestScope) -> None:
    assert request_scope(url) is scope

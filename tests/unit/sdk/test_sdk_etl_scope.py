"""A request that names an ETL is an ETL request when the 404 carries no specific type code."""

import json

from pyaistore.sdk.errors import ErrBckNotFound, ErrETLNotFound, ErrObjNotFound
from pyaistore.sdk.response_handler import RequestScope, ResponseHandler, request_scope

URL = "http://h:1/v1/objects/b/o?provider=ais"


def test_inline_etl_get_is_etl_scoped() -> None:
    assert request_scope(URL + "&etl_name=up") is RequestScope.ETL
    assert request_scope(URL) is RequestScope.OBJECT


def test_offline_transform_body_is_etl_scoped() -> None:
    body = json.dumps({"action": "etl-bck", "name": "", "value": {}})
    assert request_scope("http://h:1/v1/buckets/b?provider=ais", body) is RequestScope.ETL
    copy = json.dumps({"action": "copy-bck", "name": "", "value": {}}).encode()
    assert request_scope("http://h:1/v1/buckets/b?provider=ais", copy) is RequestScope.BUCKET
    assert request_scope("http://h:1/v1/buckets/b", b"not json") is RequestScope.BUCKET


def test_specific_codes_still_win_over_the_etl_scope() -> None:
    kind = ResponseHandler.exception_type
    assert kind(404, "ErrNotFound", "GET", RequestScope.ETL) is ErrETLNotFound
    assert kind(404, "ErrObjNotFound", "GET", RequestScope.ETL) is ErrObjNotFound
    assert kind(404, "ErrBckNotFound", "POST", RequestScope.ETL) is ErrBckNotFound

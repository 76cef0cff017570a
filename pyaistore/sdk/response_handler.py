"""HTTP status and structured error body -> SDK exception, in one place.

The choice never depends on message text:

1. The error body is parsed with `pyaistore.wire.error_body` (for HEAD, from the `Hdr-Error`
   header, since HEAD replies have no body).
2. A specific `tcode` decides the exception type directly; 409 on an object GET is always
   `ErrGETConflict` (the object is being written).
3. Without a tcode (real AIS omits it for some errors), or with a generic one (`ErrNotFound`,
   `ErrConflict`), the status decides together with what the request addressed, which we know
   from the request we made: an object, a bucket (remote or not) or an ETL. Any other tcode
   gives a plain `AISError`.
"""

import json
from collections.abc import Mapping
from enum import Enum
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

import requests

from pyaistore.sdk import const
from pyaistore.sdk.errors import (
    AISError,
    ErrBckAlreadyExists,
    ErrBckNotFound,
    ErrETLAlreadyExists,
    ErrETLNotFound,
    ErrGETConflict,
    ErrObjNotFound,
    ErrRemoteBckNotFound,
)
from pyaistore.wire import bucket_id, error_body

__all__ = ["RequestScope", "ResponseHandler", "request_scope"]

# Type codes that name the exception outright, whatever the request was.
_BY_TCODE: Final[Mapping[str, type[AISError]]] = {
    error_body.BUCKET_NOT_FOUND: ErrBckNotFound,
    error_body.REMOTE_BUCKET_NOT_FOUND: ErrRemoteBckNotFound,
    error_body.BUCKET_EXISTS: ErrBckAlreadyExists,
    error_body.OBJECT_NOT_FOUND: ErrObjNotFound,
    error_body.ETL_NOT_FOUND: ErrETLNotFound,
    error_body.ETL_EXISTS: ErrETLAlreadyExists,
}

# Type codes too generic to decide on their own: the request scope decides instead.
_GENERIC_TCODES: Final = frozenset({error_body.NOT_FOUND, error_body.CONFLICT})


class RequestScope(Enum):
    """What a request addressed, read from its URL path."""

    OBJECT = "object"
    BUCKET = "bucket"
    REMOTE_BUCKET = "remote-bucket"
    ETL = "etl"
    OTHER = "other"


def request_scope(url: str, body: object = None) -> RequestScope:
    """Classify a request: /v1/etl, or any request naming an ETL, is an ETL request; then
    /v1/objects/b/o is an object and /v1/buckets/b a bucket."""
    parts = urlsplit(url)
    if _names_etl(parts.query, body):
        return RequestScope.ETL
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if const.API_VERSION in segments:
        segments = segments[segments.index(const.API_VERSION) + 1 :]
    if not segments:
        return RequestScope.OTHER
    head, rest = segments[0], segments[1:]
    if head == const.URL_PATH_ETL:
        return RequestScope.ETL
    if head == const.URL_PATH_OBJECTS and len(rest) >= 2:
        return RequestScope.OBJECT
    if head in (const.URL_PATH_OBJECTS, const.URL_PATH_BUCKETS) and rest:
        return RequestScope.REMOTE_BUCKET if _is_remote(parts.query) else RequestScope.BUCKET
    return RequestScope.OTHER


def _names_etl(query_string: str, body: object) -> bool:
    """True for an inline-ETL GET (etl_name) or an offline transform (etl-bck, etl-listrange).

    A 404 that carries no specific type code then means the ETL is missing: AIS answers a missing
    object or bucket with their own codes, which are checked first.
    """
    if const.QPARAM_ETL_NAME in parse_qs(query_string):
        return True
    if isinstance(body, bytes | str) and body:
        try:
            action = json.loads(body).get("action")
        except (ValueError, AttributeError):
            return False
        return action in (const.ACT_ETL_BCK, const.ACT_TRANSFORM_OBJECTS)
    return False


def _is_remote(query_string: str) -> bool:
    """True when the query names a non-ais provider or a remote cluster's namespace."""
    query = parse_qs(query_string)
    provider = (query.get(const.QPARAM_PROVIDER) or [""])[0]
    namespace = (query.get(const.QPARAM_NAMESPACE) or [""])[0]
    try:
        provider = bucket_id.normalize_provider(provider)
    except bucket_id.InvalidProvider:
        return True
    return provider != bucket_id.AIS or bool(bucket_id.Namespace.parse(namespace).uuid)


class ResponseHandler:
    """Turns error responses into SDK exceptions."""

    def handle_response(self, response: requests.Response) -> requests.Response:
        """Return the response if its status is below 400, else raise the matching exception.

        Args:
            response: the final response (after redirects).

        Returns:
            The same response.

        Raises:
            AISError: or one of its subclasses, for any status of 400 or more.
        """
        if response.status_code < 400:
            return response
        raise self.parse_error(response)

    def parse_error(self, response: requests.Response) -> AISError:
        """Build the exception for an error response (see the module docstring for the rules)."""
        request = response.request
        method = (request.method or "").upper()
        url = request.url or response.url
        if method == const.HTTP_METHOD_HEAD or not response.content:
            text = response.headers.get(const.HEADER_ERROR, "")
        else:
            text = response.text
        body = error_body.ErrorBody.parse(text, response.status_code)
        scope = request_scope(url, request.body)
        exc_type = self.exception_type(response.status_code, body.tcode, method, scope)
        return exc_type(response.status_code, body.message, url, request, body.tcode, response)

    @staticmethod
    def exception_type(status: int, tcode: str, method: str, scope: RequestScope) -> type[AISError]:
        """The exception class for a status, type code, HTTP method and request scope."""
        if tcode in _BY_TCODE:
            return _BY_TCODE[tcode]
        if (
            status == const.STATUS_CONFLICT
            and method == const.HTTP_METHOD_GET
            and scope is RequestScope.OBJECT
        ):
            return ErrGETConflict
        if tcode and tcode not in _GENERIC_TCODES:
            return AISError
        if status == const.STATUS_NOT_FOUND:
            return _NOT_FOUND_BY_SCOPE.get(scope, AISError)
        if status == const.STATUS_CONFLICT:
            return _CONFLICT_BY_SCOPE.get(scope, AISError)
        return AISError


_NOT_FOUND_BY_SCOPE: Final[Mapping[RequestScope, type[AISError]]] = {
    RequestScope.OBJECT: ErrObjNotFound,
    RequestScope.BUCKET: ErrBckNotFound,
    RequestScope.REMOTE_BUCKET: ErrRemoteBckNotFound,
    RequestScope.ETL: ErrETLNotFound,
}
_CONFLICT_BY_SCOPE: Final[Mapping[RequestScope, type[AISError]]] = {
    RequestScope.BUCKET: ErrBckAlreadyExists,
    RequestScope.REMOTE_BUCKET: ErrBckAlreadyExists,
    RequestScope.ETL: ErrETLAlreadyExists,
}

"""Exceptions raised by the SDK.

Errors the cluster reports are `AISError`s, chosen in one place (`response_handler.py`) from the
HTTP status and the structured error body. They also derive from `requests.HTTPError`, so code
written against the 1.x documentation (`except requests.exceptions.HTTPError`) keeps working.
Network failures are not wrapped: they surface as the `requests` exceptions themselves
(`ConnectionError`, `ConnectTimeout`, `ReadTimeout`, ...).

    requests.HTTPError
     └── APIRequestError                 any error status from an HTTP server we talk to
          └── AISError                   any error status from an AIS cluster
               ├── AISRetryableError     may go away if the request is repeated
               │    ├── ErrObjNotFound
               │    └── ErrGETConflict   the object is being written (e.g. a cold GET)
               ├── ErrBckNotFound
               ├── ErrRemoteBckNotFound
               ├── ErrBckAlreadyExists
               ├── ErrETLNotFound
               └── ErrETLAlreadyExists
    Exception
     ├── InvalidBckProvider (ValueError)      provider unknown or wrong for the operation
     ├── InvalidObjectRangeIndex (ValueError)
     ├── InvalidURLException (ValueError)
     ├── UnexpectedHTTPStatusCode             a success status other than the one expected
     ├── Timeout                              waiting for a job took too long
     ├── JobInfoNotFound
     ├── NoTargetError                        the cluster map has no usable target
     └── ObjectFileReaderMaxResumeError       a file-like read broke more often than allowed
"""

from collections.abc import Iterable

import requests

__all__ = [
    "AISError",
    "AISRetryableError",
    "APIRequestError",
    "ErrBckAlreadyExists",
    "ErrBckNotFound",
    "ErrETLAlreadyExists",
    "ErrETLNotFound",
    "ErrGETConflict",
    "ErrObjNotFound",
    "ErrRemoteBckNotFound",
    "InvalidBckProvider",
    "InvalidObjectRangeIndex",
    "InvalidURLException",
    "JobInfoNotFound",
    "NoTargetError",
    "ObjectFileReaderMaxResumeError",
    "Timeout",
    "UnexpectedHTTPStatusCode",
]


class APIRequestError(requests.HTTPError):
    """An HTTP server answered with an error status.

    Attributes:
        status_code: the HTTP status.
        message: the server's message (the `message` field of a JSON error body, else the body).
        req_url: the URL of the request that failed.
        req: the request that failed.
        tcode: the server's error type code, empty when it sent none.
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        req_url: str,
        req: requests.PreparedRequest | None = None,
        tcode: str = "",
        response: requests.Response | None = None,
    ) -> None:
        self.status_code = status_code
        self.message = message
        self.req_url = req_url
        self.req = req
        self.tcode = tcode
        super().__init__(
            f"STATUS:{status_code}, MESSAGE:{message}, REQ_URL:{req_url}", request=req, response=response
        )


class AISError(APIRequestError):
    """The AIS cluster answered with an error status."""


class AISRetryableError(AISError):
    """An AIS error that may resolve if the request is repeated."""


class ErrObjNotFound(AISRetryableError):
    """The object does not exist."""


class ErrGETConflict(AISRetryableError):
    """The object cannot be read now because it is being written (409 on GET)."""


class ErrBckNotFound(AISError):
    """The ais bucket does not exist."""


class ErrRemoteBckNotFound(AISError):
    """The remote bucket does not exist."""


class ErrBckAlreadyExists(AISError):
    """The bucket already exists."""


class ErrETLNotFound(AISError):
    """The ETL does not exist."""


class ErrETLAlreadyExists(AISError):
    """An ETL with this name already exists."""


class InvalidBckProvider(ValueError):
    """The bucket provider is unknown or not valid for the requested operation."""

    def __init__(self, provider: object) -> None:
        self.provider = provider
        super().__init__(f"Invalid bucket provider: '{provider}'")


class InvalidObjectRangeIndex(ValueError):
    """The indices given to an ObjectRange are inconsistent."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Invalid argument provided for object range index: {message}")


class InvalidURLException(ValueError):
    """A URL is not of the form provider://bucket/object."""

    def __init__(self, url: str) -> None:
        super().__init__(f"Invalid URL: '{url}'. Ensure it follows the format 'provider://bucket/object'.")


class UnexpectedHTTPStatusCode(Exception):
    """A request succeeded with a status other than the expected ones."""

    def __init__(self, expected_status_codes: Iterable[int], received_status_code: int) -> None:
        expected = ", ".join(str(code) for code in expected_status_codes)
        self.received_status_code = received_status_code
        super().__init__(
            f"Unexpected status code received. Expected one of the following: {expected}, "
            f"but received: {received_status_code}"
        )


class Timeout(Exception):
    """Waiting for an operation took longer than allowed."""

    def __init__(self, action: str, message: str = "") -> None:
        super().__init__(f"Timed out while waiting for {action}. {message}".rstrip())


class JobInfoNotFound(Exception):
    """The cluster has no information about the job."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Job information not found on the cluster: {message}")


class NoTargetError(Exception):
    """The cluster map has no target that can own an object."""

    def __init__(self, total_nodes: int) -> None:
        super().__init__(f"No available targets in the cluster map. Total nodes: {total_nodes}")


class ObjectFileReaderMaxResumeError(Exception):
    """An object stream broke more often than the reader may resume it."""

    def __init__(self, original_error: BaseException, resumes: int) -> None:
        self.original_error = original_error
        self.resumes = resumes
        super().__init__(f"ObjectFileReader exceeded max number of stream resumptions: {resumes}")

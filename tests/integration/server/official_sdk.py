"""The official aistore SDK as the tests use it: no retries, throwaway bucket names."""

import secrets

import tenacity
from aistore.sdk import Client
from aistore.sdk.retry_config import RetryConfig
from urllib3.util.retry import Retry


def no_retry_client(endpoint: str) -> Client:
    """An official SDK client that never retries.

    The SDK's defaults retry 5xx for ~90 s and ErrObjNotFound up to 7 times; a test must see the
    first answer, so a 5xx fails at once instead of hiding behind a retry.
    """
    retry = RetryConfig(
        http_retry=Retry(total=0, connect=0, read=0, redirect=None, status_forcelist=[]),
        network_retry=tenacity.Retrying(retry=tenacity.retry_never, reraise=True),
    )
    return Client(endpoint, retry_config=retry, timeout=(5, 60))


def unique_bucket_name(tag: str = "b") -> str:
    """A bucket name no other test uses."""
    return f"srv-{tag}-{secrets.token_hex(5)}"

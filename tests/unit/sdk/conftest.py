"""Fixtures for SDK unit tests: a client whose requests go to a fake transport."""

from collections.abc import Iterator

import pytest
from sdk_fake_transport import PROXY, FakeTransport

from pyaistore.sdk import Client, RetryConfig


@pytest.fixture
def transport() -> FakeTransport:
    """The fake transport."""
    return FakeTransport()


@pytest.fixture
def client(transport: FakeTransport) -> Iterator[Client]:
    """A client whose session sends everything to the fake transport."""
    sdk_client = Client(PROXY, retry_config=RetryConfig.no_retries())
    session = sdk_client.request_client.session
    session.mount("http://", transport)
    session.mount("https://", transport)
    yield sdk_client
    sdk_client.request_client.close()

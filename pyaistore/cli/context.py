"""What the global options build and every command receives: endpoint, output mode, SDK client."""

import functools
from typing import Final

from rich.console import Console

from pyaistore.cli.refs import BucketRef, ObjectRef
from pyaistore.cli.render import make_console
from pyaistore.sdk import Bucket, Client, Namespace, NetworkRetry, Object, RetryConfig

__all__ = ["DEFAULT_ENDPOINT", "CliContext", "normalize_endpoint"]

DEFAULT_ENDPOINT: Final = "http://localhost:8080"

# A person is waiting: give up on an unreachable cluster after about a second, not the SDK's ~15 s.
_NETWORK_RETRY: Final = NetworkRetry(max_attempts=3, min_wait=0.2, max_wait=1.0)


def normalize_endpoint(endpoint: str) -> str:
    """Add `http://` when the scheme is missing (`localhost:8080` works) and drop a trailing `/`."""
    endpoint = endpoint.strip().rstrip("/")
    if "://" not in endpoint:
        endpoint = f"http://{endpoint}"
    return endpoint


class CliContext:
    """The state of one `pyaistore` invocation; the SDK client is made on first use.

    Args:
        endpoint: the cluster's URL.
        as_json: print data as JSON instead of tables.
    """

    def __init__(self, endpoint: str, as_json: bool = False) -> None:
        self.endpoint = normalize_endpoint(endpoint)
        self.as_json = as_json

    @functools.cached_property
    def client(self) -> Client:
        """The SDK client for the endpoint, with short network retries."""
        retry = RetryConfig(network_retry=_NETWORK_RETRY)
        return Client(self.endpoint, retry_config=retry)

    @functools.cached_property
    def out(self) -> Console:
        """Console for results (stdout)."""
        return make_console()

    @functools.cached_property
    def err(self) -> Console:
        """Console for progress bars and notes (stderr)."""
        return make_console(stderr=True)

    def close(self) -> None:
        """Release the client's connections, if a client was made."""
        client = self.__dict__.get("client")
        if isinstance(client, Client):
            client.request_client.close()

    def get_bucket(self, ref: BucketRef) -> Bucket:
        """The SDK bucket a command-line reference names."""
        namespace = Namespace(uuid=ref.namespace) if ref.namespace else None
        return self.client.bucket(ref.name, provider=ref.provider, namespace=namespace)

    def get_object(self, ref: ObjectRef) -> Object:
        """The SDK object a command-line reference names."""
        return self.get_bucket(ref.bucket).object(ref.name)

"""A bucket's identity and its endpoint: who it is (name, provider, namespace), how an action
message reaches `/v1/buckets/<name>`, and its objects by name. Bucket builds on it.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

from pyaistore.sdk import const
from pyaistore.sdk.namespace import Namespace
from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.obj.object_props import ObjectProps
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import ActionMsg, BucketModel

__all__ = ["BucketEndpoint"]


class BucketEndpoint:
    """A bucket's identity, bound to the client that sends its requests (see Bucket)."""

    def __init__(
        self,
        name: str,
        client: RequestClient,
        provider: Provider | str = Provider.AIS,
        namespace: Namespace | None = None,
    ) -> None:
        self._name = name
        self._client = client
        self._provider = Provider.parse(provider)
        self._namespace = namespace

    @property
    def client(self) -> RequestClient:
        """The client bound to this bucket."""
        return self._client

    @client.setter
    def client(self, client: RequestClient) -> None:
        self._client = client

    @property
    def bck(self) -> BucketModel:
        """The bucket's identity (name, provider, namespace) as a plain value."""
        return BucketModel(self._name, self._provider.value, self._namespace)

    @property
    def qparam(self) -> dict[str, str]:
        """The query parameters that identify this bucket in every request."""
        return self.bck.as_qparams()

    @property
    def provider(self) -> Provider:
        """The provider of this bucket."""
        return self._provider

    @property
    def name(self) -> str:
        """The name of this bucket."""
        return self._name

    @property
    def namespace(self) -> Namespace | None:
        """The namespace of this bucket."""
        return self._namespace

    def as_model(self) -> BucketModel:
        """The bucket's identity as a plain value."""
        return self.bck

    def get_path(self) -> str:
        """The bucket's uname, e.g. `ais/@#/photos/`."""
        return self.bck.get_path()

    def _path(self) -> str:
        """The bucket's path under /v1."""
        return f"{const.URL_PATH_BUCKETS}/{quote(self._name, safe='')}"

    def object(self, obj_name: str, props: ObjectProps | None = None) -> Object:
        """The object of this bucket with the given name (no request is sent).

        Args:
            obj_name: name of the object.
            props: properties already known, if any.

        Returns:
            The Object.
        """
        return Object(self._client, self.bck, obj_name, props)

    def make_request(
        self,
        method: str,
        action: str,
        value: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send an action message to the bucket's endpoint.

        Args:
            method: HTTP method, e.g. POST, GET or DELETE.
            action: the action name, e.g. "create-bck".
            value: the action's value (any JSON value).
            params: query parameters; defaults to the bucket's own (`qparam`).

        Returns:
            The response.

        Raises:
            AISError: the cluster answered with an error.
            requests.RequestException: the request failed.
        """
        body = ActionMsg(action, value=value).to_json()
        return self._client.request(method, self._path(), params=params or self.qparam, json=body)

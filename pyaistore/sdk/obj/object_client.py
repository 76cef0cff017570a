"""Requests about one object's content: GET (whole, ranged or from an offset) and HEAD."""

from collections.abc import Mapping

import requests

from pyaistore.sdk import const
from pyaistore.sdk.errors import ErrObjNotFound
from pyaistore.sdk.obj.object_attributes import ObjectAttributes
from pyaistore.sdk.request_client import RequestClient

__all__ = ["ByteRange", "ObjectClient"]

# (first, last) byte positions, inclusive; (None, n) is the suffix range "last n bytes".
ByteRange = tuple[int | None, int | None]


class ObjectClient:
    """Sends the GET and HEAD requests for one object.

    Args:
        request_client: the client that sends requests.
        path: the object's path under /v1, e.g. `objects/photos/a.jpg`.
        params: query parameters for every request (provider, archive, ETL ...).
        headers: extra headers for GET (e.g. Range).
        byte_range: the range requested by the caller, used to compute resumed ranges.
        uname: the object's uname; when given, requests go straight to the owning target.
    """

    def __init__(
        self,
        request_client: RequestClient,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str] | None = None,
        byte_range: ByteRange = (None, None),
        uname: str | None = None,
    ) -> None:
        self._request_client = request_client
        self._path = path
        self._params = dict(params)
        self._headers = dict(headers or {})
        self._byte_range = byte_range
        self._uname = uname
        if uname:
            self._use_owning_target(force_update=False)

    @property
    def path(self) -> str:
        """The object's path under /v1."""
        return self._path

    @property
    def params(self) -> dict[str, str]:
        """The query parameters sent with every request."""
        return self._params

    def _use_owning_target(self, force_update: bool) -> None:
        """Point the client at the target that owns the object, per the cluster map."""
        smap = self._request_client.get_smap(force_update)
        target = smap.get_target_for_object(self._uname or "")
        self._request_client = self._request_client.clone(target.public_net.direct_url)

    def _range_header(self, offset: int) -> str | None:
        """The Range header for a read that starts `offset` bytes into the requested range."""
        first, last = self._byte_range
        if not offset:
            return self._headers.get(const.HEADER_RANGE)
        if first is not None:
            first += offset
        elif last is not None:
            last -= offset
        else:
            first = offset
        return f"bytes={'' if first is None else first}-{'' if last is None else last}"

    def get(self, stream: bool, offset: int = 0) -> requests.Response:
        """GET the content, `offset` bytes into the requested range.

        Args:
            stream: leave the body unread, for streaming.
            offset: bytes of the requested range to skip (resumed reads).

        Returns:
            The response: 200, or 206 for a range.

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed.
        """
        headers = dict(self._headers)
        value = self._range_header(offset)
        if value:
            headers[const.HEADER_RANGE] = value
        try:
            return self._get(headers, stream)
        except ErrObjNotFound:
            if not self._uname:
                raise
            # The cluster map may be stale (a target joined or left): refresh it and try once more.
            self._use_owning_target(force_update=True)
            return self._get(headers, stream)

    def _get(self, headers: dict[str, str], stream: bool) -> requests.Response:
        """One GET."""
        return self._request_client.request(
            const.HTTP_METHOD_GET, self._path, params=self._params, headers=headers, stream=stream
        )

    def head(self, props: str = const.PROPS_READER_ATTRIBUTES) -> ObjectAttributes:
        """Selective HEAD of the object.

        Args:
            props: comma-separated properties to return; presence and size always come back.

        Returns:
            The object's attributes.

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster.
        """
        params = {**self._params, const.QPARAM_PROPS: props or const.PROPS_NAME_SIZE}
        response = self._request_client.request(const.HTTP_METHOD_HEAD, self._path, params=params)
        return ObjectAttributes(response.headers)

    def can_get_at_offset(self) -> bool:
        """Whether a read can resume at an offset: not for archive members, ETL output or suffix ranges."""
        params = self._params
        derived = any(params.get(name) for name in (const.QPARAM_ARCHPATH, const.QPARAM_ARCHREGX))
        suffix = self._byte_range[0] is None and self._byte_range[1] is not None
        if derived or params.get(const.QPARAM_ETL_NAME) or suffix:
            return False
        return self.head().present

"""Write an object: put bytes or a file, append in steps, set custom metadata."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import requests

from pyaistore.sdk import const
from pyaistore.sdk.obj.object_file_writer import ObjectFileWriter
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import ActionMsg

__all__ = ["ObjectWriter"]

_FILE_MODES = frozenset({"w", "a"})


class ObjectWriter:
    """Writes one object's content and attributes.

    Args:
        client: the client that sends requests.
        object_path: the object's path under /v1.
        query_params: query parameters for every request (provider, namespace).
    """

    def __init__(self, client: RequestClient, object_path: str, query_params: Mapping[str, str]) -> None:
        self._client = client
        self._object_path = object_path
        self.query_params = dict(query_params)

    def put_content(self, content: bytes) -> requests.Response:
        """Store bytes as the object's content, replacing what was there.

        Args:
            content: the new content.

        Returns:
            The response; its headers describe the stored object.

        Raises:
            ErrBckNotFound: the bucket does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        return self._put_data(content)

    def put_file(self, path: str | os.PathLike[str] | BinaryIO) -> requests.Response:
        """Store a local file as the object's content, streaming it from disk.

        Args:
            path: the local file, or a binary file open for reading (sent from its current
                position to its end; it must be seekable so that a retry can send it again).

        Returns:
            The response; its headers describe the stored object.

        Raises:
            ValueError: the path is not a regular file.
            ErrBckNotFound: the bucket does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed.
        """
        if not isinstance(path, str | os.PathLike):
            return self._put_data(path)
        if not Path(path).is_file():
            raise ValueError(f"Path: {path} is not a valid file.")
        with open(path, "rb") as file:
            return self._put_data(file)

    def _put_data(self, data: object) -> requests.Response:
        """PUT a body (bytes or an open file) as the object's content."""
        return self._client.request(
            const.HTTP_METHOD_PUT, self._object_path, params=self.query_params, data=data
        )

    def append_content(self, content: bytes, handle: str = "", flush: bool = False) -> str:
        """Append bytes to the object; the result becomes visible only when flushed.

        Args:
            content: the bytes to append; with `flush`, they are appended first, then everything
                is flushed (a flush request itself carries no body).
            handle: the handle returned by the previous append; empty for the first one.
            flush: publish everything appended under `handle` (and `content`) as the object's content.

        Returns:
            The handle for the next append or flush (empty after a flush).

        Raises:
            AISError: the cluster refused the append (e.g. a malformed handle).
            requests.RequestException: the request failed.
        """
        if flush and content:
            handle = self._append_request(const.APPEND_TYPE_APPEND, handle, content)
        if flush:
            return self._append_request(const.APPEND_TYPE_FLUSH, handle, b"")
        return self._append_request(const.APPEND_TYPE_APPEND, handle, content)

    def _append_request(self, append_type: str, handle: str, content: bytes) -> str:
        """One append or flush request; the handle the cluster returns."""
        params = {
            **self.query_params,
            const.QPARAM_OBJ_APPEND: append_type,
            const.QPARAM_OBJ_APPEND_HANDLE: handle,
        }
        response = self._client.request(const.HTTP_METHOD_PUT, self._object_path, params=params, data=content)
        return response.headers.get(const.HEADER_OBJECT_APPEND_HANDLE, "")

    def set_custom_props(
        self, custom_metadata: Mapping[str, str], replace_existing: bool = False
    ) -> requests.Response:
        """Set custom metadata; content, version and checksum stay as they are.

        Args:
            custom_metadata: the keys and values to set.
            replace_existing: drop all existing keys first instead of merging.

        Returns:
            The response.

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster (e.g. invalid keys).
            requests.RequestException: the request failed.
        """
        params = dict(self.query_params)
        if replace_existing:
            params[const.QPARAM_NEW_CUSTOM] = "true"
        body = ActionMsg(const.ACT_SET_CUSTOM, value=dict(custom_metadata)).to_json()
        return self._client.request(const.HTTP_METHOD_PATCH, self._object_path, params=params, json=body)

    def as_file(self, mode: str = "a") -> ObjectFileWriter:
        """A buffered file object that writes the object through appends.

        Args:
            mode: 'w' truncates the object first; 'a' (default) appends to its current content.

        Returns:
            The file object; nothing shows on the cluster until `flush()` or `close()`.

        Raises:
            ValueError: `mode` is neither 'w' nor 'a'.
        """
        if mode not in _FILE_MODES:
            raise ValueError(f"Invalid mode: {mode}")
        return ObjectFileWriter(self, mode)

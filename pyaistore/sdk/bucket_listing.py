"""Listing a bucket: one page of its objects, every page as an iterator or a list, and the
members of an archived object (a shard). Part of Bucket.
"""

from collections.abc import Iterable, Iterator
from typing import Any

import msgpack
import requests

from pyaistore.sdk import const
from pyaistore.sdk.bucket_endpoint import BucketEndpoint
from pyaistore.sdk.list_object_flag import ListObjectFlag
from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.obj.object_iterator import ObjectIterator
from pyaistore.sdk.obj.object_props import ObjectProps
from pyaistore.sdk.types import ActionMsg, BucketEntry, BucketList
from pyaistore.wire import messages

__all__ = ["BucketListing"]


class BucketListing(BucketEndpoint):
    """The listing methods of a Bucket."""

    def list_objects(
        self,
        prefix: str = "",
        props: str = "",
        page_size: int = 0,
        uuid: str = "",
        continuation_token: str = "",
        *,
        flags: Iterable[ListObjectFlag] | None = None,
        target: str = "",
        start_after: str = "",
    ) -> BucketList:
        """Return one page of the bucket's objects, with the token for the next page.

        Args:
            prefix: return only objects whose names start with it.
            props: comma-separated properties to return ("name,size" when empty); see the reference §3.8.
            page_size: at most this many objects; 0 means the cluster's maximum.
            uuid: the listing's ID, from the previous page (empty for the first page).
            continuation_token: the token from the previous page (empty for the first page).
            flags: listing flags, e.g. [ListObjectFlag.NO_RECURSION].
            target: list only the objects of this target.
            start_after: return only names after this one (first page, ais buckets).

        Returns:
            The page; an empty continuation token marks the last page.

        Raises:
            ErrBckNotFound: the bucket does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        lso = messages.LsoMsg(
            prefix=prefix,
            page_size=page_size,
            uuid=uuid,
            props=props,
            continuation_token=continuation_token,
            flags=ListObjectFlag.join_flags(flags or ()),
            start_after=start_after,
        ).to_json()
        lso["target"] = target
        response = self._client.request(
            const.HTTP_METHOD_GET,
            self._path(),
            params=self.qparam,
            headers={const.HEADER_ACCEPT: const.MSGPACK_CONTENT_TYPE},
            json=ActionMsg(const.ACT_LIST, value=lso).to_json(),
        )
        return BucketList.from_page(_decode_page(response))

    def list_objects_iter(
        self,
        prefix: str = "",
        props: str = "",
        page_size: int = 0,
        *,
        flags: Iterable[ListObjectFlag] | None = None,
        target: str = "",
        start_after: str = "",
    ) -> ObjectIterator:
        """Iterate over all of the bucket's objects, fetching pages as needed.

        Args:
            prefix: return only objects whose names start with it.
            props: comma-separated properties to return ("name,size" when empty).
            page_size: objects per page; 0 means the cluster's maximum.
            flags: listing flags.
            target: list only the objects of this target.
            start_after: return only names after this one.

        Returns:
            An iterator of BucketEntry (a `BucketLister`); pages are fetched as it advances.

        Raises:
            ErrBckNotFound: (while iterating) the bucket does not exist.
            AISError: (while iterating) any other error from the cluster.
        """
        flag_list = list(flags or ())

        def fetch(uuid: str, token: str) -> BucketList:
            return self.list_objects(
                prefix, props, page_size, uuid, token, flags=flag_list, target=target, start_after=start_after
            )

        return ObjectIterator(fetch)

    def list_all_objects_iter(
        self, prefix: str = "", props: str = "name,size", start_after: str = ""
    ) -> Iterator[Object]:
        """Every object of the bucket under `prefix`, as Objects carrying their listed properties.

        Args:
            prefix: return only objects whose names start with it.
            props: comma-separated properties to return (default "name,size").
            start_after: return only names after this one.

        Returns:
            An iterator of Object (pages are fetched as it advances).
        """
        for entry in self.list_objects_iter(prefix=prefix, props=props, start_after=start_after):
            yield self.object(entry.name, ObjectProps(entry.generate_object_props()))

    def list_all_objects(
        self,
        prefix: str = "",
        props: str = "",
        page_size: int = 0,
        *,
        flags: Iterable[ListObjectFlag] | None = None,
        target: str = "",
        start_after: str = "",
    ) -> list[BucketEntry]:
        """Return all of the bucket's objects (fetching every page).

        Args:
            prefix: return only objects whose names start with it.
            props: comma-separated properties to return ("name,size" when empty).
            page_size: objects per page; 0 means the cluster's maximum.
            flags: listing flags.
            target: list only the objects of this target.
            start_after: return only names after this one.

        Returns:
            The entries, sorted by name.

        Raises:
            ErrBckNotFound: the bucket does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        return list(
            self.list_objects_iter(
                prefix, props, page_size, flags=flags, target=target, start_after=start_after
            )
        )

    def list_archive(
        self,
        archive_obj_name: str,
        include_archive_obj: bool = False,
        props: str = "",
        page_size: int = 0,
    ) -> list[BucketEntry]:
        """List the files inside an archived object (a tar, tgz, tar.lz4 or zip shard).

        Args:
            archive_obj_name: name of the shard in this bucket, e.g. "shards/000.tar".
            include_archive_obj: also return the entry of the shard itself (first).
            props: comma-separated properties to return ("name,size" when empty).
            page_size: entries per page; 0 means the cluster's maximum.

        Returns:
            The members, named `<shard>/<path in the shard>`, sorted; other objects that merely
            share the shard's name as a prefix (e.g. "000.tar.bak") are left out.

        Raises:
            ErrBckNotFound: the bucket does not exist.
            AISError: any other error from the cluster (e.g. a damaged archive).
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        entries = self.list_all_objects(
            prefix=archive_obj_name, props=props, page_size=page_size, flags=[ListObjectFlag.ARCH_DIR]
        )
        members = f"{archive_obj_name}/"
        return [
            entry
            for entry in entries
            if entry.name.startswith(members) or (include_archive_obj and entry.name == archive_obj_name)
        ]


def _decode_page(response: requests.Response) -> dict[str, Any]:
    """A listing page as a dict, from msgpack or JSON according to the Content-Type."""
    content_type = response.headers.get(const.HEADER_CONTENT_TYPE, "")
    if content_type.startswith(const.MSGPACK_CONTENT_TYPE):
        data = msgpack.unpackb(response.content, raw=False, strict_map_key=False)
    else:
        data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"unexpected list-objects reply: {type(data).__name__}")
    return data

"""A bucket bound to a client: create, delete, rename, copy, list and address its objects."""

import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import msgpack
import requests
from requests.structures import CaseInsensitiveDict

from pyaistore.sdk import const
from pyaistore.sdk.copy_transform_msg import CopyTransformMsg
from pyaistore.sdk.errors import ErrBckAlreadyExists, ErrBckNotFound, InvalidBckProvider
from pyaistore.sdk.etl.etl_const import DEFAULT_ETL_TIMEOUT
from pyaistore.sdk.list_object_flag import ListObjectFlag
from pyaistore.sdk.multiobj.object_group import ObjectGroup
from pyaistore.sdk.multiobj.object_range import ObjectRange
from pyaistore.sdk.namespace import Namespace
from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.obj.object_iterator import ObjectIterator
from pyaistore.sdk.obj.object_props import ObjectProps
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import ActionMsg, BucketEntry, BucketList, BucketModel
from pyaistore.wire import messages, query

__all__ = ["Bucket"]


class Bucket:
    """A bucket of user data. Creating one sends no request.

    Args:
        name: name of the bucket.
        client: the client that sends requests.
        provider: provider of the bucket ("ais", "aws", "gcp", ...), defaults to "ais".
        namespace: namespace of the bucket, defaults to the global one.

    Raises:
        InvalidBckProvider: the provider is unknown.
    """

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

    def verify_cloud_bucket(self) -> None:
        """Raise InvalidBckProvider unless the bucket is remote."""
        if not self._provider.is_remote() and not (self._namespace and self._namespace.uuid):
            raise InvalidBckProvider(self._provider)

    def _verify_ais_bucket(self) -> None:
        """Raise InvalidBckProvider unless the bucket's provider is ais."""
        if self._provider.is_remote():
            raise InvalidBckProvider(self._provider)

    def create(self, exist_ok: bool = False) -> "Bucket":
        """Create the bucket (ais buckets only; remote buckets exist at their provider).

        Args:
            exist_ok: do not fail if the bucket already exists.

        Returns:
            This bucket.

        Raises:
            InvalidBckProvider: the bucket is not an ais bucket.
            ErrBckAlreadyExists: the bucket exists and `exist_ok` is False.
            AISError: any other error from the cluster (e.g. an invalid name).
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        self._verify_ais_bucket()
        try:
            self.make_request(const.HTTP_METHOD_POST, const.ACT_CREATE_BCK)
        except ErrBckAlreadyExists:
            if not exist_ok:
                raise
        return self

    def delete(self, missing_ok: bool = False) -> None:
        """Destroy the bucket: its objects and its metadata (a cloud bucket is only forgotten).

        Args:
            missing_ok: do not fail if the bucket does not exist.

        Raises:
            InvalidBckProvider: the bucket is not an ais bucket.
            ErrBckNotFound: the bucket does not exist and `missing_ok` is False.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        self._verify_ais_bucket()
        try:
            self.make_request(const.HTTP_METHOD_DELETE, const.ACT_DESTROY_BCK)
        except ErrBckNotFound:
            if not missing_ok:
                raise

    def rename(self, to_bck: str | None = None, *, to_bck_name: str | None = None) -> str:
        """Rename the bucket (ais buckets only); this object takes the new name at once.

        Args:
            to_bck: the new name (`to_bck_name` is accepted too).

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            ValueError: no new name was given.
            InvalidBckProvider: the bucket is not an ais bucket.
            ErrBckAlreadyExists: a bucket with the new name exists.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        new_name = to_bck or to_bck_name
        if not new_name:
            raise ValueError("rename needs the new bucket name")
        self._verify_ais_bucket()
        params = {
            **self.qparam,
            const.QPARAM_BCK_TO: BucketModel(new_name, self._provider, self._namespace).get_path(),
        }
        response = self.make_request(const.HTTP_METHOD_POST, const.ACT_MOVE_BCK, params=params)
        self._name = new_name
        return response.text

    def make_n_copies(self, copies: int) -> str:
        """Keep `copies` copies of every object on each target's mountpaths (1: no mirroring).

        Sets the bucket's `mirror.copies` (and `mirror.enabled` when above 1) and starts the
        make-n-copies job that makes or removes the copies.

        Args:
            copies: copies per object, the object itself included, in [1, 16] and at most the
                number of mountpaths of every target.

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            ErrBckNotFound: the bucket does not exist.
            AISError: the cluster refused (400: too many copies for some target's mountpaths).
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        return self.make_request(const.HTTP_METHOD_POST, const.ACT_MAKE_N_COPIES, value=copies).text

    def evict(self, keep_md: bool = False) -> None:
        """Drop the cluster's cached copy of a remote bucket.

        Args:
            keep_md: keep the bucket's metadata (name and properties), drop only the objects.

        Raises:
            InvalidBckProvider: the bucket is an ais bucket.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        self.verify_cloud_bucket()
        params = {**self.qparam, const.QPARAM_KEEP_REMOTE: query.format_bool(keep_md)}
        self.make_request(const.HTTP_METHOD_DELETE, const.ACT_EVICT_REMOTE_BCK, params=params)

    def head(self) -> "CaseInsensitiveDict[str]":
        """Request the bucket's properties.

        Returns:
            The response headers; `Ais-Bucket-Props` holds the properties as JSON.

        Raises:
            ErrBckNotFound: the bucket does not exist (ErrRemoteBckNotFound for a remote one).
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        response = self._client.request(const.HTTP_METHOD_HEAD, self._path(), params=self.qparam)
        return response.headers

    def copy(
        self,
        to_bck_name: "str | Bucket | None" = None,
        prefix: str = "",
        dry_run: bool = False,
        force: bool = False,
        to_provider: Provider | str = Provider.AIS,
        *,
        to_bck: "Bucket | None" = None,
        prefix_filter: str = "",
        prepend: str = "",
        ext: Mapping[str, str] | None = None,
        latest: bool = False,
        sync: bool = False,
        num_workers: int | None = 0,
    ) -> str:
        """Copy the bucket's objects to another bucket (an ais destination is created if missing).

        Args:
            to_bck_name: the destination bucket, by name (see `to_provider`) or as a Bucket.
            prefix: copy only objects whose names start with it (`prefix_filter` is accepted too).
            dry_run: visit everything, write nothing.
            force: run even if conflicting jobs are running.
            to_provider: provider of the destination, when given by name.
            to_bck: the destination as a Bucket (official-SDK spelling).
            prepend: add this to every destination name.
            ext: rename extensions, e.g. {"jpg": "png"}.
            latest: for remote sources, fetch the latest version first.
            sync: like latest, and also drop destination objects removed at the source.
            num_workers: concurrent workers (0: the cluster chooses; -1: serial).

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            ValueError: no destination was given.
            AISError: the cluster refused the copy (e.g. onto itself).
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        destination = self._destination(to_bck or to_bck_name, to_provider)
        msg = CopyTransformMsg(
            prefix=prefix or prefix_filter,
            prepend=prepend,
            dry_run=dry_run,
            force=force,
            latest=latest,
            sync=sync,
            ext=ext,
            num_workers=num_workers,
        )
        params = {**self.qparam, const.QPARAM_BCK_TO: destination.get_path()}
        return self.make_request(const.HTTP_METHOD_POST, const.ACT_COPY_BCK, msg.to_json(), params).text

    def transform(
        self,
        etl_id: str,
        to_bck: "str | Bucket",
        prefix: str = "",
        ext: Mapping[str, str] | None = None,
        force: bool = False,
        dry_run: bool = False,
        *,
        timeout: str = DEFAULT_ETL_TIMEOUT,
        prefix_filter: str = "",
        prepend: str = "",
        latest: bool = False,
        sync: bool = False,
        num_workers: int | None = 0,
        cont_on_err: bool = False,
        to_provider: Provider | str = Provider.AIS,
    ) -> str:
        """Transform every object with an ETL and store the results in another bucket.

        Args:
            etl_id: the ETL to apply.
            to_bck: the destination bucket, by name (see `to_provider`) or as a Bucket.
            prefix: added to the name of every resulting object (as in the 1.x API; same as `prepend`).
            ext: rename extensions, e.g. {"jpg": "txt"}.
            force: run even if conflicting jobs are running.
            dry_run: run the ETL, write nothing.
            timeout: per-object ETL timeout, e.g. "5m".
            prefix_filter: transform only objects whose names start with it.
            prepend: add this to every destination name.
            latest: for remote sources, fetch the latest version first.
            sync: like latest, and also drop destination objects removed at the source.
            num_workers: concurrent workers (0: the cluster chooses; -1: serial).
            cont_on_err: keep going when single objects fail.
            to_provider: provider of the destination, when given by name.

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        destination = self._destination(to_bck, to_provider)
        msg = CopyTransformMsg(
            prefix=prefix_filter,
            prepend=prepend or prefix,
            dry_run=dry_run,
            force=force,
            latest=latest,
            sync=sync,
            ext=ext,
            num_workers=num_workers,
            cont_on_err=cont_on_err,
            etl_name=etl_id,
            timeout=timeout,
        )
        params = {**self.qparam, const.QPARAM_BCK_TO: destination.get_path()}
        return self.make_request(const.HTTP_METHOD_POST, const.ACT_ETL_BCK, msg.to_json(), params).text

    def _destination(self, bck: "str | Bucket | None", provider: Provider | str) -> BucketModel:
        """The destination bucket of a copy or transform, given by name or as a Bucket."""
        if isinstance(bck, Bucket):
            return bck.bck
        if not bck:
            raise ValueError("a destination bucket is required")
        return BucketModel(bck, Provider.parse(provider).value)

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

    def object(self, obj_name: str, props: ObjectProps | None = None) -> Object:
        """The object of this bucket with the given name (no request is sent).

        Args:
            obj_name: name of the object.
            props: properties already known, if any.

        Returns:
            The Object.
        """
        return Object(self._client, self.bck, obj_name, props)

    def objects(
        self,
        obj_names: list[str] | None = None,
        obj_range: ObjectRange | None = None,
        obj_template: str | None = None,
    ) -> ObjectGroup:
        """A group of this bucket's objects, for multi-object jobs (give exactly one selection).

        Args:
            obj_names: names of the objects.
            obj_range: a numbered range of names.
            obj_template: a template such as `shard-{000..999}.tar`.

        Returns:
            The ObjectGroup.

        Raises:
            ValueError: not exactly one selection was given, or it is empty.
        """
        return ObjectGroup(self, obj_names=obj_names, obj_range=obj_range, obj_template=obj_template)

    def set_props(self, props: Mapping[str, Any]) -> str:
        """Change bucket properties (AIS's `set-bprops`, the Go API's `SetBucketProps`).

        Args:
            props: the properties to change, nested as in the bucket's props, e.g.
                `{"mirror": {"enabled": True, "copies": 2}}`.

        Returns:
            The ID of the job the change started (make-n-copies), or "".

        Raises:
            AISError: the cluster refused (400 for an invalid property or value).
        """
        response = self.make_request(const.HTTP_METHOD_PATCH, const.ACT_SET_BPROPS, value=dict(props))
        return response.text.strip().strip('"')

    def summary(
        self, uuid: str = "", prefix: str = "", cached: bool = True, present: bool = True
    ) -> dict[str, Any]:
        """The bucket's summary: object count, sizes, space on disk (starts a summary job and polls it).

        Args:
            uuid: the ID of a summary job already started ("" starts one).
            prefix: only objects with this prefix.
            cached: include objects present in the cluster.
            present: include present objects only.

        Returns:
            The summary as the cluster sends it (AIS's BsummResult).

        Raises:
            AISError: the cluster answered with an error (e.g. no such bucket).
        """
        value: dict[str, Any] = {"uuid": uuid, "prefix": prefix, "cached": cached, "present": present}
        reply = self.make_request(const.HTTP_METHOD_GET, const.ACT_SUMMARY_BCK, value=value)
        if reply.status_code == const.STATUS_ACCEPTED and not uuid:
            value["uuid"] = reply.text.strip().strip('"')
            reply = self.make_request(const.HTTP_METHOD_GET, const.ACT_SUMMARY_BCK, value=value)
        wait = 0.05
        while reply.status_code == const.STATUS_ACCEPTED:
            time.sleep(wait)
            wait = min(1.0, wait * 1.5)
            reply = self.make_request(const.HTTP_METHOD_GET, const.ACT_SUMMARY_BCK, value=value)
        results = reply.json()
        summary: dict[str, Any] = results[0] if isinstance(results, list) and results else {}
        return summary

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

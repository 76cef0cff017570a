"""A bucket bound to a client: create, delete, rename, copy, list and address its objects.

Bucket is one class, as in the official SDK, assembled from a module per concept: its identity
and endpoint (bucket_endpoint.py), listing (bucket_listing.py) and the jobs it starts
(bucket_jobs.py); what stays here is the bucket's own life: create, delete, rename, evict,
head, properties, and groups of its objects.
"""

from collections.abc import Mapping
from typing import Any

from requests.structures import CaseInsensitiveDict

from pyaistore.sdk import const
from pyaistore.sdk.bucket_jobs import BucketJobs
from pyaistore.sdk.bucket_listing import BucketListing
from pyaistore.sdk.errors import ErrBckAlreadyExists, ErrBckNotFound, InvalidBckProvider
from pyaistore.sdk.multiobj.object_group import ObjectGroup
from pyaistore.sdk.multiobj.object_range import ObjectRange
from pyaistore.sdk.types import BucketModel
from pyaistore.wire import query

__all__ = ["Bucket"]


class Bucket(BucketListing, BucketJobs):
    """A bucket of user data. Creating one sends no request.

    Args:
        name: name of the bucket.
        client: the client that sends requests.
        provider: provider of the bucket ("ais", "aws", "gcp", ...), defaults to "ais".
        namespace: namespace of the bucket, defaults to the global one.

    Raises:
        InvalidBckProvider: the provider is unknown.
    """

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

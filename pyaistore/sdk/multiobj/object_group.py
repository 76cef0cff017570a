"""Several objects of one bucket, acted on together by a cluster job."""

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pyaistore.sdk import const
from pyaistore.sdk.copy_transform_msg import CopyTransformMsg
from pyaistore.sdk.etl.etl_const import DEFAULT_ETL_TIMEOUT
from pyaistore.sdk.multiobj.object_collection import ObjectCollection
from pyaistore.sdk.multiobj.object_names import ObjectNames
from pyaistore.sdk.multiobj.object_range import ObjectRange
from pyaistore.sdk.multiobj.object_template import ObjectTemplate
from pyaistore.sdk.request_client import RequestClient

if TYPE_CHECKING:
    from pyaistore.sdk.bucket import Bucket

__all__ = ["ObjectGroup"]


class ObjectGroup:
    """Objects of one bucket selected by a list of names, a range or a template (exactly one).

    Every operation starts a job on the cluster and returns its ID at once.

    Args:
        bck: the bucket.
        obj_names: the object names.
        obj_range: a numbered range of names.
        obj_template: a template, e.g. `shard-{000..999}.tar`, passed to the cluster verbatim.

    Raises:
        ValueError: not exactly one selection was given, or it is empty.
        TypeError: `obj_range` is not an ObjectRange.
    """

    def __init__(
        self,
        bck: "Bucket",
        obj_names: list[str] | None = None,
        obj_range: ObjectRange | None = None,
        obj_template: str | None = None,
    ) -> None:
        given = [arg for arg in (obj_names, obj_range, obj_template) if arg is not None]
        if len(given) != 1:
            raise ValueError("ObjectGroup accepts one and only one of: obj_names, obj_range, or obj_template")
        if (obj_names is not None and not obj_names) or obj_template == "":
            raise ValueError("Object selection must not be empty")
        if obj_range is not None and not isinstance(obj_range, ObjectRange):
            raise TypeError("obj_range must be of type ObjectRange")
        self.bck = bck
        self._collection: ObjectCollection
        if obj_range is not None:
            self._collection = obj_range
        elif obj_names is not None:
            self._collection = ObjectNames(obj_names)
        else:
            self._collection = ObjectTemplate(obj_template or "")

    @property
    def client(self) -> RequestClient:
        """The client of the group's bucket."""
        return self.bck.client

    def list_names(self) -> list[str]:
        """The selected names, expanded on the client (a prefix-only range cannot be expanded)."""
        return list(self._collection)

    def __iter__(self) -> Iterator[str]:
        return iter(self._collection)

    def _start(self, method: str, action: str, value: Mapping[str, Any]) -> str:
        """Send the action for the selection to the bucket; return the job ID(s) text."""
        return self.bck.make_request(method, action, value=dict(value)).text

    def delete(self) -> str:
        """Delete the selected objects.

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            aistore.sdk.errors.AISError: All other types of errors with AIStore
            requests.ConnectionError: Connection error
            requests.ConnectTimeout: Timed out connecting to AIStore
            requests.exceptions.HTTPError: Service unavailable
            requests.RequestException: "There was an ambiguous exception that occurred while handling..."
            requests.ReadTimeout: Timed out receiving response from AIStore
        """
        return self._start(const.HTTP_METHOD_DELETE, const.ACT_DELETE_OBJECTS, self._collection.get_value())

    def evict(self) -> str:
        """Drop the cluster's cached copies of the selected objects (remote buckets only).

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            InvalidBckProvider: the bucket is an ais bucket.
            aistore.sdk.errors.AISError: All other types of errors with AIStore
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        self.bck.verify_cloud_bucket()
        return self._start(const.HTTP_METHOD_DELETE, const.ACT_EVICT_OBJECTS, self._collection.get_value())

    def prefetch(
        self,
        blob_threshold: int | None = None,
        num_workers: int | None = None,
        latest: bool = False,
        continue_on_error: bool = False,
    ) -> str:
        """Fetch the selected objects from the remote backend into the cluster (remote buckets only).

        Args:
            blob_threshold: objects at least this large are fetched by the blob downloader.
            num_workers: concurrent readers (0: the cluster chooses; -1: serial).
            latest: refresh cached copies whose remote version changed.
            continue_on_error: keep going when single objects fail.

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            InvalidBckProvider: the bucket is an ais bucket.
            aistore.sdk.errors.AISError: All other types of errors with AIStore
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        self.bck.verify_cloud_bucket()
        value = {**self._collection.get_value(), "coer": continue_on_error, "latest-ver": latest}
        if blob_threshold:
            value["blob-threshold"] = blob_threshold
        if num_workers:
            value["num-workers"] = num_workers
        return self._start(const.HTTP_METHOD_POST, const.ACT_PREFETCH_OBJECTS, value)

    def copy(
        self,
        to_bck: "Bucket",
        prepend: str = "",
        continue_on_error: bool = False,
        dry_run: bool = False,
        force: bool = False,
        latest: bool = False,
        sync: bool = False,
        num_workers: int | None = None,
    ) -> list[str]:
        """Copy the selected objects to another bucket (an ais destination is created if missing).

        Args:
            to_bck: the destination bucket.
            prepend: add this to every destination name.
            continue_on_error: keep going when single objects fail.
            dry_run: visit everything, write nothing.
            force: run even if conflicting jobs are running.
            latest: for remote sources, fetch the latest version first.
            sync: like latest, and also drop destination objects removed at the source.
            num_workers: concurrent workers (0: the cluster chooses; -1: serial).

        Returns:
            The IDs of the started jobs.

        Raises:
            aistore.sdk.errors.AISError: the cluster refused the request.
            requests.RequestException: the request failed.
        """
        msg = CopyTransformMsg(
            prepend=prepend, dry_run=dry_run, force=force, latest=latest, sync=sync, num_workers=num_workers
        )
        value = self._to_bucket_value(msg, to_bck, continue_on_error)
        return _job_ids(self._start(const.HTTP_METHOD_POST, const.ACT_COPY_OBJECTS, value))

    def transform(
        self,
        to_bck: "Bucket",
        etl_name: str,
        timeout: str = DEFAULT_ETL_TIMEOUT,
        prepend: str = "",
        ext: Mapping[str, str] | None = None,
        continue_on_error: bool = False,
        dry_run: bool = False,
        force: bool = False,
        latest: bool = False,
        sync: bool = False,
        num_workers: int | None = None,
    ) -> str:
        """Transform the selected objects with an ETL into another bucket.

        Args:
            to_bck: the destination bucket.
            etl_name: the ETL to apply.
            timeout: per-object ETL timeout, e.g. "5m".
            prepend: add this to every destination name.
            ext: rename extensions, e.g. {"jpg": "png"}.
            continue_on_error: keep going when single objects fail.
            dry_run: run the ETL, write nothing.
            force: run even if conflicting jobs are running.
            latest: for remote sources, fetch the latest version first.
            sync: like latest, and also drop destination objects removed at the source.
            num_workers: concurrent workers (0: the cluster chooses; -1: serial).

        Returns:
            Job ID (as str) that can be used to check the status of the operation.

        Raises:
            ErrETLNotFound: the ETL does not exist.
            aistore.sdk.errors.AISError: the cluster refused the request.
            requests.RequestException: the request failed.
        """
        msg = CopyTransformMsg(
            prepend=prepend,
            dry_run=dry_run,
            force=force,
            latest=latest,
            sync=sync,
            ext=ext,
            num_workers=num_workers,
            etl_name=etl_name,
            timeout=timeout,
        )
        value = self._to_bucket_value(msg, to_bck, continue_on_error)
        return self._start(const.HTTP_METHOD_POST, const.ACT_TRANSFORM_OBJECTS, value)

    def _to_bucket_value(self, msg: CopyTransformMsg, to_bck: "Bucket", cont_on_err: bool) -> dict[str, Any]:
        """Selection + copy options + destination, the value of copy-listrange and etl-listrange."""
        value = {**self._collection.get_value(), **msg.to_json()}
        value["tobck"] = to_bck.as_model().as_dict()
        value["coer"] = cont_on_err
        return value

    def archive(
        self,
        archive_name: str,
        mime: str = "",
        to_bck: "Bucket | None" = None,
        include_source_name: bool = False,
        allow_append: bool = False,
        continue_on_error: bool = False,
    ) -> list[str]:
        """Pack the selected objects into one archive object (tar, tgz, tar.lz4 or zip).

        Args:
            archive_name: name of the archive object; its extension sets the format.
            mime: the format, when the extension does not say it.
            to_bck: bucket for the archive; defaults to this bucket.
            include_source_name: prefix each member name with the source bucket's name.
            allow_append: append to the archive if it exists.
            continue_on_error: keep going when single objects fail.

        Returns:
            The IDs of the started jobs.

        Raises:
            aistore.sdk.errors.AISError: the cluster refused the request.
            requests.RequestException: the request failed.
        """
        value: dict[str, Any] = {
            **self._collection.get_value(),
            "archname": archive_name,
            "isbn": include_source_name,
            "aate": allow_append,
            "coer": continue_on_error,
            "tobck": (to_bck or self.bck).as_model().as_dict(),
        }
        if mime:
            value["mime"] = mime
        return _job_ids(self._start(const.HTTP_METHOD_PUT, const.ACT_ARCHIVE_OBJECTS, value))


def _job_ids(text: str) -> list[str]:
    """Split a comma-separated list of job IDs."""
    return [job_id for job_id in text.split(",") if job_id]

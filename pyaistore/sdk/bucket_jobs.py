"""The jobs a bucket starts: copy, transform (offline ETL), make-n-copies, and the summary job
it polls to its end. Part of Bucket.
"""

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyaistore.sdk import const
from pyaistore.sdk.bucket_endpoint import BucketEndpoint
from pyaistore.sdk.copy_transform_msg import CopyTransformMsg
from pyaistore.sdk.etl.etl_const import DEFAULT_ETL_TIMEOUT
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.types import BucketModel

if TYPE_CHECKING:
    from pyaistore.sdk.bucket import Bucket

__all__ = ["BucketJobs"]


class BucketJobs(BucketEndpoint):
    """The job-starting methods of a Bucket."""

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
        if isinstance(bck, BucketEndpoint):  # a Bucket (which this module cannot import at run time)
            return bck.bck
        if not bck:
            raise ValueError("a destination bucket is required")
        return BucketModel(bck, Provider.parse(provider).value)

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

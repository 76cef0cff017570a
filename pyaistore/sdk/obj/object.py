"""One object in a bucket: read, write, inspect and delete it."""

import io
from urllib.parse import quote

import requests
from requests.structures import CaseInsensitiveDict

from pyaistore.sdk import const
from pyaistore.sdk.archive_config import ArchiveConfig
from pyaistore.sdk.etl.etl_config import ETLConfig
from pyaistore.sdk.obj.object_client import ByteRange, ObjectClient
from pyaistore.sdk.obj.object_props import ObjectProps
from pyaistore.sdk.obj.object_reader import ObjectReader
from pyaistore.sdk.obj.object_writer import ObjectWriter
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.request_client import RequestClient
from pyaistore.sdk.types import ActionMsg, BucketModel
from pyaistore.wire import blob_download
from pyaistore.wire.promote import PromoteMsg

__all__ = ["Object"]

_RANGE_UNIT = "bytes="


class Object:
    """An object of a bucket, bound to a client. Creating one sends no request.

    Args:
        client: the client that sends requests.
        bck: the bucket the object belongs to.
        name: the object's name.
        props: attributes already known (e.g. from a listing).
    """

    def __init__(
        self, client: RequestClient, bck: BucketModel, name: str, props: ObjectProps | None = None
    ) -> None:
        self._client = client
        self._bck = bck
        self._name = name
        self._props = props
        self._query_params = bck.as_qparams()
        self._bucket_path = f"{const.URL_PATH_OBJECTS}/{quote(bck.name, safe='')}"
        self._object_path = f"{self._bucket_path}/{quote(name)}"

    @property
    def bck(self) -> BucketModel:
        """The bucket (name, provider, namespace) this object belongs to."""
        return self._bck

    @property
    def obj_name(self) -> str:
        """The name of this object."""
        return self._name

    @property
    def name(self) -> str:
        """The name of this object."""
        return self._name

    @property
    def bucket_name(self) -> str:
        """The name of the object's bucket."""
        return self._bck.name

    @property
    def bucket_provider(self) -> Provider:
        """The provider of the object's bucket."""
        return Provider.parse(self._bck.provider)

    @property
    def query_params(self) -> dict[str, str]:
        """The query parameters every request about this object carries."""
        return dict(self._query_params)

    @property
    def uname(self) -> str:
        """The object's uname, e.g. `ais/@#/bucket/object`."""
        return self._bck.get_path() + self._name

    @property
    def props(self) -> ObjectProps:
        """The object's current properties (sends a HEAD request)."""
        return self.head(const.PROPS_OBJECT_PROPS)

    @property
    def props_cached(self) -> ObjectProps | None:
        """The properties from the last HEAD or listing, without a request."""
        return self._props

    def head(self, props: str = "") -> ObjectProps:
        """Request the object's properties.

        Args:
            props: comma-separated properties to return (e.g. "size,checksum,version");
                empty asks for all of them.

        Returns:
            The properties: a case-insensitive mapping of the response headers with typed
            accessors (size, checksum_value, obj_version, custom_metadata, ...).

        Raises:
            ErrObjNotFound: the object does not exist (also a requests.HTTPError with status 404).
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        params = dict(self._query_params)
        if props:
            params[const.QPARAM_PROPS] = props
        response = self._client.request(const.HTTP_METHOD_HEAD, self._object_path, params=params)
        headers = CaseInsensitiveDict(response.headers)
        headers.setdefault(const.AIS_BCK_NAME, self._bck.name)
        headers.setdefault(const.AIS_BCK_PROVIDER, self._bck.provider)
        headers.setdefault(const.AIS_OBJ_NAME, self._name)
        self._props = ObjectProps(headers)
        return self._props

    def get(
        self,
        archpath: str = "",
        chunk_size: int = const.DEFAULT_CHUNK_SIZE,
        etl_id: str | None = None,
        *,
        byte_range: str | None = None,
        writer: io.BufferedWriter | None = None,
    ) -> ObjectReader:
        """Read the object, or one file inside it when it is an archive.

        The GET is sent at once, so a missing object raises here; the reader streams the body.

        Args:
            archpath: path of a file inside an archive (tar, tgz, tar.lz4, zip) to read instead.
            chunk_size: bytes per chunk when iterating over the content.
            etl_id: name of an ETL that transforms the content on the way out.
            byte_range: a single RFC 9110 range, e.g. "bytes=0-499".
            writer: if given, the content is written to it and the reader is returned.

        Returns:
            A reader with read_all(), iter_content(), raw(), as_file(), content_length and attributes.

        Raises:
            ErrObjNotFound: the object (or archived file) does not exist.
            ErrBckNotFound: the bucket does not exist.
            ErrETLNotFound: the ETL does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        archive = ArchiveConfig(archpath=archpath) if archpath else None
        etl = ETLConfig(etl_id) if etl_id else None
        object_client = self._object_client(archive, etl, byte_range=byte_range)
        reader = ObjectReader(object_client, chunk_size, object_client.get(stream=True))
        if writer is not None:
            writer.writelines(reader)
        return reader

    def get_reader(
        self,
        archive_config: ArchiveConfig | None = None,
        chunk_size: int | None = None,
        etl: ETLConfig | None = None,
        writer: io.BufferedWriter | None = None,
        latest: bool = False,
        byte_range: str | None = None,
        direct: bool = False,
    ) -> ObjectReader:
        """A reader for the object; its GET is sent on the first read.

        Args:
            archive_config: read one or more files inside an archive instead of the whole object.
            chunk_size: bytes per chunk when iterating.
            etl: transform the content on the way out.
            writer: if given, the content is written to it right away.
            latest: for remote buckets, check the remote version first.
            byte_range: a single RFC 9110 range, e.g. "bytes=0-499", "bytes=500-", "bytes=-500".
            direct: read straight from the owning target, skipping the proxy's redirect.

        Returns:
            The reader.

        Raises:
            ValueError: `byte_range` is malformed.
            AISError: (when `writer` is given) the cluster refused the read.
        """
        params: dict[str, str] = {}
        if latest:
            params[const.QPARAM_LATEST] = "true"
        object_client = self._object_client(archive_config, etl, byte_range, direct, params)
        reader = ObjectReader(object_client, chunk_size)
        if writer is not None:
            writer.writelines(reader)
        return reader

    def _object_client(
        self,
        archive: ArchiveConfig | None,
        etl: ETLConfig | None,
        byte_range: str | None = None,
        direct: bool = False,
        extra_params: dict[str, str] | None = None,
    ) -> ObjectClient:
        """An ObjectClient with the query and Range header for these read options."""
        params = {**self._query_params, **(extra_params or {})}
        if archive is not None:
            archive.update_qparams(params)
        if etl is not None:
            etl.update_qparams(params)
        headers = {const.HEADER_RANGE: byte_range} if byte_range else {}
        return ObjectClient(
            self._client,
            self._object_path,
            params,
            headers,
            _parse_byte_range(byte_range),
            self.uname if direct else None,
        )

    def get_writer(self) -> ObjectWriter:
        """A writer for the object's content and custom metadata."""
        return ObjectWriter(self._client, self._object_path, self._query_params)

    def put(self, path: str | None = None, content: bytes | None = None) -> "CaseInsensitiveDict[str]":
        """Store a local file or bytes as the object (neither stores an empty object).

        Args:
            path: a local file to upload (streamed from disk).
            content: bytes to upload.

        Returns:
            The response headers, describing the stored object.

        Raises:
            ValueError: both `path` and `content` were given, or `path` is not a file.
            ErrBckNotFound: the bucket does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        if path is not None and content is not None:
            raise ValueError("path and content are mutually exclusive")
        writer = self.get_writer()
        response = writer.put_file(path) if path is not None else writer.put_content(content or b"")
        return response.headers

    def delete(self) -> requests.Response:
        """Delete the object.

        Returns:
            The response.

        Raises:
            ErrObjNotFound: the object does not exist (also a requests.HTTPError with status 404).
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        return self._client.request(const.HTTP_METHOD_DELETE, self._object_path, params=self._query_params)

    def copy(
        self, to_obj: "Object", etl: ETLConfig | None = None, latest: bool = False, sync: bool = False
    ) -> requests.Response:
        """Copy the object to another bucket and/or name, optionally transformed by an ETL.

        Args:
            to_obj: the destination object.
            etl: transform the content while copying.
            latest: for remote buckets, fetch the latest version first.
            sync: like latest, and also drop copies of remotely deleted objects.

        Returns:
            The response.

        Raises:
            ErrObjNotFound: the source does not exist.
            AISError: any other error from the cluster (e.g. the destination bucket is missing).
        """
        params = {
            **self._query_params,
            const.QPARAM_OBJ_TO: to_obj.uname,
            const.QPARAM_LATEST: "true" if latest else "false",
            const.QPARAM_SYNC: "true" if sync else "false",
        }
        if etl is not None:
            etl.update_qparams(params)
        return self._client.request(const.HTTP_METHOD_PUT, self._object_path, params=params)

    def rename(self, new_name: str) -> requests.Response:
        """Rename the object within its bucket (AIS's `rename-obj`; the official Python SDK has none).

        Args:
            new_name: the object's new name.

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster.
        """
        body = ActionMsg(const.ACT_RENAME_OBJ, name=new_name).to_json()
        return self._client.request(
            const.HTTP_METHOD_POST, self._object_path, params=self._query_params, json=body
        )

    def promote(
        self,
        path: str,
        target_id: str = "",
        recursive: bool = False,
        overwrite_dest: bool = False,
        delete_source: bool = False,
        src_not_file_share: bool = False,
    ) -> str:
        """Promote a file or directory under the cluster's promote root to objects named by this one.

        A file becomes this object; a directory's files become objects under this name as a prefix.

        Args:
            path: absolute path of the file or directory on the targets' hosts, under the promote
                root (/var/lib/ais/promote unless the cluster is configured otherwise).
            target_id: only this target promotes (every file it finds); default every target.
            recursive: include the files of subdirectories.
            overwrite_dest: replace objects that exist already (default: they stay).
            delete_source: delete each file once its object is stored.
            src_not_file_share: the path is each target's own, not one share every target sees.

        Returns:
            The promote job's ID, or "" when the cluster promoted synchronously.

        Raises:
            AISError: a bad path (400), an unknown bucket (404) or target, a bucket with a backend (501).
        """
        value = PromoteMsg(
            source=path,
            object_name=self._name,
            target_id=target_id,
            recursive=recursive,
            overwrite=overwrite_dest,
            delete_source=delete_source,
            not_file_share=src_not_file_share,
        ).to_json()
        body = ActionMsg(const.ACT_PROMOTE, name=path, value=value).to_json()
        return self._client.request(
            const.HTTP_METHOD_POST, self._bucket_path, params=self._query_params, json=body
        ).text

    def blob_download(
        self, chunk_size: int | None = None, num_workers: int | None = None, latest: bool = False
    ) -> str:
        """Fetch this object of a remote bucket into the cluster with a job on its owner target.

        Args:
            chunk_size: bytes per chunk read from the backend (None: the cluster chooses).
            num_workers: concurrent readers (None: the cluster chooses).
            latest: fetch again if the stored copy is older than the backend's.

        Returns:
            The blob download job's ID.

        Raises:
            AISError: an ais bucket without a backend (400), an unknown bucket (404), a bad value (400).
        """
        value: dict[str, object] = {blob_download.LATEST: latest}
        if chunk_size:
            value[blob_download.CHUNK_SIZE] = chunk_size
        if num_workers:
            value[blob_download.NUM_WORKERS] = num_workers
        body = ActionMsg(const.ACT_BLOB_DOWNLOAD, name=self._name, value=value).to_json()
        return self._client.request(
            const.HTTP_METHOD_POST, self._bucket_path, params=self._query_params, json=body
        ).text

    def get_url(self, archpath: str = "", etl: ETLConfig | None = None) -> str:
        """The full URL to GET the object (or an archived file, or its ETL output)."""
        params = dict(self._query_params)
        if archpath:
            params[const.QPARAM_ARCHPATH] = archpath
        if etl is not None:
            etl.update_qparams(params)
        return self._client.get_full_url(self._object_path, params)

    def get_semantic_url(self) -> str:
        """The object's URL in `provider://bucket/object` form."""
        return f"{self._bck.provider}://{self._bck.name}/{self._name}"


def _parse_byte_range(value: str | None) -> ByteRange:
    """Parse `bytes=a-b`, `bytes=a-` or `bytes=-n` into (first, last); ValueError if malformed."""
    if not value:
        return (None, None)
    if not value.startswith(_RANGE_UNIT) or "," in value:
        raise ValueError(f"Invalid byte range (expected a single 'bytes=a-b' range): {value!r}")
    first, sep, last = value.removeprefix(_RANGE_UNIT).partition("-")
    if not sep or not (first or last) or not (first or "0").isdigit() or not (last or "0").isdigit():
        raise ValueError(f"Invalid byte range: {value!r}")
    return (int(first) if first else None, int(last) if last else None)

"""The entry point: a client for one AIS cluster, and factories for its buckets, jobs and ETLs."""

import json
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from urllib3.util.retry import Retry

from pyaistore.sdk import const
from pyaistore.sdk.batch.batch import Batch
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.cluster import Cluster
from pyaistore.sdk.dsort.core import Dsort
from pyaistore.sdk.enums import Colocation
from pyaistore.sdk.errors import InvalidURLException
from pyaistore.sdk.etl.etl import Etl
from pyaistore.sdk.job import Job
from pyaistore.sdk.namespace import Namespace
from pyaistore.sdk.obj.object import Object
from pyaistore.sdk.obj.object_iterator import ObjectIterator
from pyaistore.sdk.obj.object_reader import ObjectReader
from pyaistore.sdk.provider import Provider
from pyaistore.sdk.request_client import RequestClient, TimeoutSpec
from pyaistore.sdk.retry_config import RetryConfig
from pyaistore.wire import query

__all__ = ["Client", "resolve_verify", "token_from_file"]


class Client:
    """A client for one AIStore cluster: buckets, objects, jobs and ETLs.

    Settings not given fall back to environment variables, then to defaults.

    Args:
        endpoint: the cluster's URL, e.g. http://localhost:8080; defaults to $AIS_ENDPOINT.
        skip_verify: do not verify the server's TLS certificate ($AIS_SKIP_VERIFY_CRT).
        ca_cert: CA bundle to verify the server's certificate ($AIS_CLIENT_CA).
        client_cert: client certificate for mTLS, a PEM path or a (cert, key) pair ($AIS_CRT, $AIS_CRT_KEY).
        timeout: a float for both, or a (connect, read) pair, in seconds; 0 disables a limit.
            Default: ($AIS_CONNECT_TIMEOUT or 3, $AIS_READ_TIMEOUT or 20).
        retry_config: the retry policy; defaults to RetryConfig.default().
        token: bearer token for an authenticated cluster ($AIS_AUTHN_TOKEN).
        max_pool_size: connections kept per host ($AIS_MAX_CONN_POOL or 10).
        retry: a urllib3 Retry for status retries (the 1.x argument; overrides retry_config's).

    Raises:
        ValueError: no endpoint was given and $AIS_ENDPOINT is not set.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        skip_verify: bool = False,
        ca_cert: str | None = None,
        client_cert: str | tuple[str, str] | None = None,
        timeout: TimeoutSpec = None,
        retry_config: RetryConfig | None = None,
        token: str | None = None,
        max_pool_size: int | None = None,
        *,
        retry: Retry | None = None,
    ) -> None:
        endpoint = endpoint or os.environ.get(const.AIS_ENDPOINT)
        if not endpoint:
            raise ValueError(f"no AIS endpoint: pass one or set ${const.AIS_ENDPOINT}")
        config = retry_config or RetryConfig.default()
        if retry is not None:
            config = RetryConfig(http_retry=retry, network_retry=config.network_retry)
        self._request_client = RequestClient(
            endpoint,
            verify=resolve_verify(skip_verify, ca_cert),
            cert=client_cert or _env_client_cert(),
            max_pool_size=max_pool_size or _env_int(const.AIS_MAX_CONN_POOL, const.DEFAULT_MAX_POOL_SIZE),
            timeout=_resolve_timeout(timeout),
            token=token or os.environ.get(const.AIS_AUTHN_TOKEN) or token_from_file(),
            retry_config=config,
        )

    @property
    def request_client(self) -> RequestClient:
        """The underlying request client (endpoint, session, retry policy)."""
        return self._request_client

    def bucket(
        self,
        bck_name: str,
        provider: Provider | str = Provider.AIS,
        ns: Namespace | None = None,
        *,
        namespace: Namespace | None = None,
    ) -> Bucket:
        """A bucket of this cluster (no request is sent).

        Args:
            bck_name: name of the bucket.
            provider: provider of the bucket ("ais", "aws", "gcp", ...), defaults to "ais".
            ns: namespace of the bucket (`namespace` is accepted too), defaults to the global one.

        Returns:
            The Bucket.

        Raises:
            InvalidBckProvider: the provider is unknown.
        """
        return Bucket(bck_name, self._request_client, provider, ns or namespace)

    def cluster(self) -> Cluster:
        """The cluster (no request is sent).

        Returns:
            The Cluster.
        """
        return Cluster(self._request_client)

    def job(self, job_id: str = "", job_kind: str = "") -> Job:
        """A job of this cluster (no request is sent).

        Args:
            job_id: ID of a specific job.
            job_kind: kind of job, e.g. "copy-bck".

        Returns:
            The Job.
        """
        return Job(self._request_client, job_id, job_kind)

    def etl(self, etl_name: str = "") -> Etl:
        """ETL operations, optionally for one named ETL (no request is sent).

        Args:
            etl_name: the ETL's name; methods then default to it.

        Returns:
            The Etl.
        """
        return Etl(self._request_client, etl_name)

    def batch(
        self,
        objects: "list[Object] | Object | str | list[str] | None" = None,
        bucket: Bucket | None = None,
        output_format: str = ".tar",
        cont_on_err: bool = True,
        only_obj_name: bool = False,
        streaming_get: bool = True,
        colocation: Colocation = Colocation.NONE,
    ) -> Batch:
        """A get-batch request: many objects, archived files or byte ranges in one archive
        (no request is sent until `get()`).

        Args:
            objects: names (with `bucket`) or Objects; more can be added with `Batch.add()`.
            bucket: the default bucket of entries given by name.
            output_format: ".tar" (default), ".tgz", ".tar.gz" or ".zip".
            cont_on_err: missing entries become empty results with `err_msg` (default True).
            only_obj_name: name entries `<object>` instead of `<bucket>/<object>`.
            streaming_get: stream the archive as the cluster builds it (default True).
            colocation: Colocation.TARGET_AWARE has the target owning most entries assemble it.

        Returns:
            The Batch.
        """
        return Batch(
            self._request_client,
            objects,
            bucket,
            output_format,
            cont_on_err,
            only_obj_name,
            streaming_get,
            colocation,
        )

    def dsort(self, dsort_id: str = "") -> Dsort:
        """A dsort job (no request is sent).

        Args:
            dsort_id: the ID of an existing job; empty to start one with `start()`.

        Returns:
            The Dsort.
        """
        return Dsort(self._request_client, dsort_id)

    def list_objects_iter(
        self,
        bck_name: str,
        provider: Provider | str = Provider.AIS,
        prefix: str = "",
        props: str = "",
        page_size: int = 0,
    ) -> ObjectIterator:
        """Iterate over all objects of a bucket.

        Args:
            bck_name: name of the bucket.
            provider: provider of the bucket, defaults to "ais".
            prefix: return only objects whose names start with it.
            props: comma-separated properties to return ("name,size" when empty).
            page_size: objects per page; 0 means the cluster's maximum.

        Returns:
            An iterator of BucketEntry (a `BucketLister`).

        Raises:
            ErrBckNotFound: (while iterating) the bucket does not exist.
            requests.RequestException: (while iterating) a request failed.
        """
        return self.bucket(bck_name, provider).list_objects_iter(prefix, props, page_size)

    def get_object(
        self,
        bck_name: str,
        obj_name: str,
        provider: Provider | str = Provider.AIS,
        archpath: str = "",
        chunk_size: int = 1,
    ) -> ObjectReader:
        """Read an object, or one file inside it when it is an archive.

        Args:
            bck_name: name of the bucket.
            obj_name: name of the object.
            provider: provider of the bucket, defaults to "ais".
            archpath: path of a file inside an archived object to read instead.
            chunk_size: bytes per chunk when iterating over the content.

        Returns:
            A reader with read_all(), iter_content(), raw(), content_length and attributes.

        Raises:
            ErrObjNotFound: the object does not exist.
            AISError: any other error from the cluster.
            requests.RequestException: the request failed (ConnectionError, ConnectTimeout, ReadTimeout ...).
        """
        return self.bucket(bck_name, provider).object(obj_name).get(archpath=archpath, chunk_size=chunk_size)

    def get_object_from_url(self, url: str) -> Object:
        """The object a `provider://bucket/object` URL names (no request is sent).

        Raises:
            InvalidURLException: the URL lacks a provider, bucket or object name.
        """
        parts = urlsplit(url)
        obj_name = parts.path.lstrip("/")
        if not parts.scheme or not parts.netloc or not obj_name:
            raise InvalidURLException(url)
        return self.bucket(parts.netloc, parts.scheme).object(obj_name)


def resolve_verify(skip_verify: bool, ca_cert: str | None) -> bool | str:
    """TLS verification: off, a CA bundle, or the system's CAs."""
    skip = skip_verify or query.parse_bool(
        os.environ.get(const.AIS_SKIP_VERIFY_CRT, os.environ.get(const.AIS_SKIP_VERIFY))
    )
    if skip:
        warnings.warn("Skipping TLS certificate verification is insecure.", UserWarning, stacklevel=3)
        return False
    return ca_cert or os.environ.get(const.AIS_CLIENT_CA) or True


def _env_client_cert() -> tuple[str, str] | None:
    """The client certificate named by $AIS_CRT and $AIS_CRT_KEY, if both are set."""
    cert, key = os.environ.get(const.AIS_CLIENT_CRT), os.environ.get(const.AIS_CLIENT_KEY)
    return (cert, key) if cert and key else None


def _env_float(name: str, default: float) -> float | None:
    """A timeout from the environment: 0 means no limit (None); unset or invalid gives the default."""
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        warnings.warn(f"Invalid value for {name}={text!r}; using {default}", stacklevel=4)
        return default
    return value or None


def _env_int(name: str, default: int) -> int:
    """An integer from the environment, or the default when unset or invalid."""
    text = os.environ.get(name)
    try:
        return int(text) if text else default
    except ValueError:
        warnings.warn(f"Invalid value for {name}={text!r}; using {default}", stacklevel=4)
        return default


def _resolve_timeout(timeout: TimeoutSpec) -> TimeoutSpec:
    """The (connect, read) timeout: explicit value (0 = no limit), else environment, else defaults."""
    if timeout is None:
        connect = _env_float(const.AIS_CONNECT_TIMEOUT, const.DEFAULT_CONNECT_TIMEOUT)
        read = _env_float(const.AIS_READ_TIMEOUT, const.DEFAULT_READ_TIMEOUT)
    elif isinstance(timeout, tuple):
        connect, read = timeout[0] or None, timeout[1] or None
    else:
        connect = read = timeout or None
    return None if connect is None and read is None else (connect, read)


def token_from_file(path: str | None = None) -> str | None:
    """The token kept in a token file, as AIS's clients read it: `path`, else $AIS_AUTHN_TOKEN_FILE,
    else ~/.config/ais/cli/auth.token (`{"token": "..."}`, or the bare token); None when the
    default file does not exist.

    Raises:
        ValueError: a file named explicitly does not exist or holds no token.
    """
    named = path or os.environ.get(const.AIS_AUTHN_TOKEN_FILE)
    file = Path(named) if named else Path.home() / ".config" / "ais" / "cli" / const.TOKEN_FILE_NAME
    try:
        text = file.read_text().strip()
    except FileNotFoundError:
        if named:
            raise ValueError(f"token file {file} does not exist") from None
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    token = value.get("token") if isinstance(value, dict) else value
    if not isinstance(token, str) or not token:
        raise ValueError(f"token file {file} holds no token")
    return token

"""SDK, network and file errors -> one line a person can act on, and exit code 1. Mapped here only.

`SdkGroup` makes every command of a group a `SdkCommand`, whose `invoke` is the one funnel:
the exceptions below become a `click.ClickException` (printed as `Error: ...`, exit code 1);
anything else is a bug and keeps its traceback. Usage errors stay click's (exit code 2).

    requests.ConnectionError (refused)   cannot reach pyaistore at URL: is it running? ...
    requests.Timeout                     pyaistore at URL did not answer in time
    requests.RequestException            the request to URL failed: ...
    ErrBckNotFound / ErrRemoteBck...     bucket ais://x does not exist (how to create it, for `object put`;
                                         where to list the buckets, otherwise)
    ErrObjNotFound                       object ais://x/y does not exist
    ErrObjNotFound (a file in a shard)   ais://x/y.tar has no file z
    ErrBckAlreadyExists                  bucket ais://x already exists
    ErrETLNotFound / ErrETLAlreadyExists ETL x does not exist / already exists
    404 about a node (ErrNotFound)       node x is not in the cluster ...
    404 about a mountpath                node x has no mountpath /p ...
    AISError 404 about a job             job x does not exist ...
    AISError                             the cluster's message (HTTP status)
    InvalidBckProvider                   s3://x is a remote bucket: the command takes ais:// buckets
    OSError                              path: reason

The subject of a message (which bucket, object, archived file, job or ETL) is the argument of that kind the
command was given, so a message never depends on the server's wording. A command with two bucket
arguments (copy, rename), or several job IDs, says which one the next request is about with
`about()`.
"""

import re
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import click
import requests
from urllib3.exceptions import NewConnectionError

from pyaistore.cli.context import CliContext
from pyaistore.cli.refs import ArchivedFileRef, BucketRef, EtlRef, JobRef, MountpathRef, NodeRef, ObjectRef
from pyaistore.sdk import const
from pyaistore.sdk.errors import (
    AISError,
    ErrBckAlreadyExists,
    ErrBckNotFound,
    ErrETLAlreadyExists,
    ErrETLNotFound,
    ErrObjNotFound,
    ErrRemoteBckNotFound,
    InvalidBckProvider,
)

__all__ = ["HandledError", "SdkCommand", "SdkGroup", "about", "describe"]

HandledError: Final = (AISError, requests.RequestException, InvalidBckProvider, OSError)
# AIS prefixes messages with the node that raised them, e.g. `t[tKfwnsWbk]: `.
_NODE_PREFIX: Final = re.compile(r"^[pt]\[[^\]]*\]:\s*")
# Where `about()` leaves the data argument the next requests concern (click's per-invocation meta).
_ABOUT_KEY: Final = "pyaistore.about"
# Commands after which creating the missing bucket is the fix (they store objects into it).
_STORES_INTO_BUCKET: Final = frozenset({"object put"})

Ref = BucketRef | ObjectRef | ArchivedFileRef | JobRef | EtlRef | NodeRef | MountpathRef
Subject = Ref | None


def about(ref: Ref) -> None:
    """Say which of several arguments of a kind the command's next requests concern (for messages)."""
    click.get_current_context().meta[_ABOUT_KEY] = ref


def describe(
    exc: BaseException, endpoint: str, subject: Subject | Sequence[Ref] = None, command: str = ""
) -> str:
    """One line for a handled exception (see the module docstring); `command` is what was run,
    e.g. "bucket rm", which decides the hint after a missing bucket."""
    refs = [] if subject is None else [subject] if isinstance(subject, Ref) else list(subject)
    # AISError first: it is a requests.HTTPError, hence a RequestException too.
    if isinstance(exc, AISError):
        return _describe_cluster(exc, refs, command)
    if isinstance(exc, InvalidBckProvider):
        return _describe_provider(exc, refs, command)
    if isinstance(exc, requests.RequestException):
        return _describe_network(exc, endpoint)
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename if exc.filename is not None else ""
        return f"{where}: {exc.strerror}" if where else exc.strerror
    return str(exc)


def _describe_network(exc: requests.RequestException, endpoint: str) -> str:
    """Network failures: say which node, and whether it is down or slow."""
    url = exc.request.url if exc.request is not None and exc.request.url else endpoint
    node = _origin(url)
    if isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout):
        return f"pyaistore at {node} did not answer in time"
    if isinstance(exc, requests.ConnectTimeout) or _is_refused(exc):
        if node == _origin(endpoint):
            return f"cannot reach pyaistore at {endpoint}: is it running? start one with `pyaistore serve`"
        return f"cannot reach cluster node {node} (the proxy at {endpoint} sent us there): is it running?"
    return f"the request to {node} failed: {exc}"


def _is_refused(exc: requests.RequestException) -> bool:
    """True when no connection could be made (refused, unknown host), as opposed to one that broke."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _origin(url: str) -> str:
    """scheme://host:port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _only(refs: Sequence[Ref], kind: type[Ref] | tuple[type[Ref], ...]) -> Any:
    """The one argument of this kind, or None when there is none or several."""
    found = [ref for ref in refs if isinstance(ref, kind)]
    return found[0] if len(found) == 1 else None


def _describe_provider(exc: InvalidBckProvider, refs: Sequence[Ref], command: str) -> str:
    """The SDK refused a bucket's provider: a remote bucket where only ais:// ones are taken."""
    remote = [ref for ref in _buckets(refs) if ref.is_remote]
    if not remote:
        return str(exc)
    bucket = remote[0]
    message = f"{bucket} is a remote bucket: `pyaistore {command or '...'}` takes ais:// buckets"
    if command == "bucket create":
        message += "; a cloud bucket is created in its cloud, then used here by its name"
    return message


def _buckets(refs: Sequence[Ref]) -> list[BucketRef]:
    """The buckets the arguments name (those of object arguments too)."""
    return [
        ref.bucket if isinstance(ref, ObjectRef) else ref
        for ref in refs
        if isinstance(ref, BucketRef | ObjectRef)
    ]


def _missing_bucket(exc: AISError, bucket: BucketRef, command: str) -> str:
    """A bucket the cluster does not know, with the hint that fits the command."""
    if command in _STORES_INTO_BUCKET and not bucket.is_remote and isinstance(exc, ErrBckNotFound):
        return f"bucket {bucket} does not exist (create it with `pyaistore bucket create {bucket}`)"
    return f"bucket {bucket} does not exist (`pyaistore bucket ls` lists the buckets)"


def _describe_cluster(exc: AISError, refs: Sequence[Ref], command: str = "") -> str:
    """Errors the cluster reported, named after the command's argument of the right kind."""
    etl: EtlRef | None = _only(refs, EtlRef)
    if isinstance(exc, ErrETLNotFound) and etl is not None:
        return f"ETL {etl} does not exist (`pyaistore etl ls` lists the defined ones)"
    if isinstance(exc, ErrETLAlreadyExists) and etl is not None:
        return f"ETL {etl} already exists (remove it first with `pyaistore etl rm {etl}`)"
    archived: ArchivedFileRef | None = _only(refs, ArchivedFileRef)
    if isinstance(exc, ErrObjNotFound) and archived is not None:
        listing = f"`pyaistore archive ls {archived.shard}` lists them"
        return f"{archived.shard} has no file {archived.path} ({listing})"
    node_message = _describe_node(exc, refs)
    if node_message:
        return node_message
    job: JobRef | None = _only(refs, JobRef)
    if exc.status_code == const.STATUS_NOT_FOUND and job is not None and type(exc) is AISError:
        return f"job {job} does not exist (finished jobs are kept for a while; `pyaistore job ls` lists them)"
    subject: BucketRef | ObjectRef | None = _only(refs, (BucketRef, ObjectRef))
    bucket = subject.bucket if isinstance(subject, ObjectRef) else subject
    if isinstance(exc, ErrBckNotFound | ErrRemoteBckNotFound) and bucket is not None:
        return _missing_bucket(exc, bucket, command)
    if isinstance(exc, ErrBckAlreadyExists) and bucket is not None:
        return f"bucket {bucket} already exists"
    if isinstance(exc, ErrObjNotFound) and isinstance(subject, ObjectRef) and not subject.is_prefix:
        return f"object {subject} does not exist"
    message = _NODE_PREFIX.sub("", exc.message.strip()) or "no message"
    return f"{message} (HTTP {exc.status_code})"


def _describe_node(exc: AISError, refs: Sequence[Ref]) -> str:
    """A node or one of its mountpaths that does not exist (by the error's code); "" otherwise."""
    mountpath: MountpathRef | None = _only(refs, MountpathRef)
    node: NodeRef | None = mountpath.node if mountpath is not None else _only(refs, NodeRef)
    if node is None or exc.status_code != const.STATUS_NOT_FOUND:
        return ""
    if exc.tcode == const.TCODE_MOUNTPATH_NOT_FOUND and mountpath is not None:
        listing = f"`pyaistore storage mountpath ls {node}` lists them"
        return f"node {node} has no mountpath {mountpath.path} ({listing})"
    if exc.tcode == const.TCODE_NOT_FOUND:
        return f"node {node} is not in the cluster (`pyaistore cluster show` lists the nodes)"
    return ""


def _refs(ctx: click.Context) -> list[Ref]:
    """What the command's arguments name; the data argument set by `about()` replaces the others."""
    values = [
        item for value in ctx.params.values() for item in (value if isinstance(value, tuple) else (value,))
    ]
    refs: list[Ref] = [value for value in values if isinstance(value, Ref)]
    chosen = ctx.meta.get(_ABOUT_KEY)
    if isinstance(chosen, BucketRef | ObjectRef):
        refs = [chosen] + [ref for ref in refs if not isinstance(ref, BucketRef | ObjectRef)]
    elif isinstance(chosen, Ref):
        refs = [chosen] + [ref for ref in refs if not isinstance(ref, type(chosen))]
    return refs


class SdkCommand(click.Command):
    """A command whose SDK, network and file errors print as one line and exit with code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, translating handled errors (see the module docstring)."""
        try:
            return super().invoke(ctx)
        except HandledError as exc:
            app = ctx.find_object(CliContext)
            endpoint = app.endpoint if app is not None else ""
            command = " ".join(ctx.command_path.split()[1:])
            raise click.ClickException(describe(exc, endpoint, _refs(ctx), command)) from exc


class SdkGroup(click.Group):
    """A group whose commands are SdkCommands and whose subgroups are SdkGroups."""

    command_class = SdkCommand
    group_class = type

"""SDK, network and file errors -> one line a person can act on, and exit code 1. Mapped here only.

`SdkGroup` makes every command of a group a `SdkCommand`, whose `invoke` is the one funnel:
the exceptions below become a `click.ClickException` (printed as `Error: ...`, exit code 1);
anything else is a bug and keeps its traceback. Usage errors stay click's (exit code 2).

    requests.ConnectionError (refused)   cannot reach pyaistore at URL: is it running? ...
    requests.Timeout                     pyaistore at URL did not answer in time
    requests.RequestException            the request to URL failed: ...
    ErrBckNotFound / ErrRemoteBck...     bucket ais://x does not exist
    ErrObjNotFound                       object ais://x/y does not exist
    ErrBckAlreadyExists                  bucket ais://x already exists
    AISError                             the cluster's message (HTTP status)
    InvalidBckProvider                   invalid bucket provider
    OSError                              path: reason

The subject of a message (which bucket, which object) is the bucket or object argument the
command was given, so a message never depends on the server's wording.
"""

import re
from typing import Any, Final
from urllib.parse import urlsplit

import click
import requests
from urllib3.exceptions import NewConnectionError

from pyaistore.cli.context import CliContext
from pyaistore.cli.refs import BucketRef, ObjectRef
from pyaistore.sdk.errors import (
    AISError,
    ErrBckAlreadyExists,
    ErrBckNotFound,
    ErrObjNotFound,
    ErrRemoteBckNotFound,
    InvalidBckProvider,
)

__all__ = ["HandledError", "SdkCommand", "SdkGroup", "describe"]

HandledError: Final = (AISError, requests.RequestException, InvalidBckProvider, OSError)
# AIS prefixes messages with the node that raised them, e.g. `t[tKfwnsWbk]: `.
_NODE_PREFIX: Final = re.compile(r"^[pt]\[[^\]]*\]:\s*")

Subject = BucketRef | ObjectRef | None


def describe(exc: BaseException, endpoint: str, subject: Subject = None) -> str:
    """One line for a handled exception (see the module docstring)."""
    # AISError first: it is a requests.HTTPError, hence a RequestException too.
    if isinstance(exc, AISError):
        return _describe_cluster(exc, subject)
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


def _describe_cluster(exc: AISError, subject: Subject) -> str:
    """Errors the cluster reported, named after the command's argument when there is one."""
    bucket = subject.bucket if isinstance(subject, ObjectRef) else subject
    if isinstance(exc, ErrBckNotFound | ErrRemoteBckNotFound) and bucket is not None:
        hint = (
            f" (create it with `pyaistore bucket create {bucket}`)" if isinstance(exc, ErrBckNotFound) else ""
        )
        return f"bucket {bucket} does not exist{hint}"
    if isinstance(exc, ErrBckAlreadyExists) and bucket is not None:
        return f"bucket {bucket} already exists"
    if isinstance(exc, ErrObjNotFound) and isinstance(subject, ObjectRef) and not subject.is_prefix:
        return f"object {subject} does not exist"
    message = _NODE_PREFIX.sub("", exc.message.strip()) or "no message"
    return f"{message} (HTTP {exc.status_code})"


def _subject(params: dict[str, Any]) -> Subject:
    """The one bucket or object argument of a command, if it has exactly one."""
    values = [item for value in params.values() for item in (value if isinstance(value, tuple) else (value,))]
    refs = [value for value in values if isinstance(value, BucketRef | ObjectRef)]
    return refs[0] if len(refs) == 1 else None


class SdkCommand(click.Command):
    """A command whose SDK, network and file errors print as one line and exit with code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, translating handled errors (see the module docstring)."""
        try:
            return super().invoke(ctx)
        except HandledError as exc:
            app = ctx.find_object(CliContext)
            endpoint = app.endpoint if app is not None else ""
            raise click.ClickException(describe(exc, endpoint, _subject(ctx.params))) from exc


class SdkGroup(click.Group):
    """A group whose commands are SdkCommands and whose subgroups are SdkGroups."""

    command_class = SdkCommand
    group_class = type

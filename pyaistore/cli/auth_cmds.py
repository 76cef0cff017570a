"""`pyaistore auth login|logout`: a token for an authenticated cluster, kept where AIS's CLI keeps it.

`login` asks the AuthN service ($AIS_AUTHN_URL) for a token and writes it to the token file
($AIS_AUTHN_TOKEN_FILE, else ~/.config/ais/cli/auth.token, mode 0600), which every later command
(and the SDKs) reads; `logout` revokes it and removes the file.
"""

import json
import os
from pathlib import Path

import click

from pyaistore.cli.errors import SdkGroup
from pyaistore.sdk import const
from pyaistore.sdk.authn import AuthNClient
from pyaistore.sdk.client import token_from_file

__all__ = ["auth"]

_DEFAULT_AUTHN = "http://localhost:52001"


def _token_file() -> Path:
    named = os.environ.get(const.AIS_AUTHN_TOKEN_FILE)
    return Path(named) if named else Path.home() / ".config" / "ais" / "cli" / const.TOKEN_FILE_NAME


@click.group(cls=SdkGroup)
def auth() -> None:
    """Log in to the AuthN service of an authenticated cluster, and out again."""


_URL = click.option(
    "--authn-url",
    envvar=const.AIS_AUTHN_URL,
    default=_DEFAULT_AUTHN,
    show_default=True,
    help="The AuthN service [env AIS_AUTHN_URL].",
)


@auth.command("login")
@click.argument("user")
@click.option("--password", prompt=True, hide_input=True, help="Asked for when not given.")
@click.option(
    "--expires", type=float, default=None, help="Token lifetime in seconds (the service's default: 24 h)."
)
@_URL
def login(user: str, password: str, expires: float | None, authn_url: str) -> None:
    """Log in as USER and keep the token in the token file."""
    token = AuthNClient(authn_url).login(user, password, expires)
    path = _token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"token": token}, handle)
    tmp.replace(path)
    click.echo(f"logged in as {user}; token saved in {path}")


@auth.command("logout")
@_URL
def logout(authn_url: str) -> None:
    """Revoke the token of the token file and remove the file."""
    path = _token_file()
    token = token_from_file(str(path)) if path.exists() else None
    if token is None:
        raise click.ClickException(f"not logged in (no token file {path})")
    AuthNClient(authn_url, token=token).logout()
    path.unlink()
    click.echo("logged out; the token is revoked")

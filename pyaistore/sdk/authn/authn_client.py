"""AuthNClient: log in to an AuthN service and revoke tokens (the official SDK's names).

User, role and cluster management is the official SDK's `AuthNClient` (it drives pyaistore's
AuthN service unchanged); this one covers what a client of a cluster needs: a token.
"""

from typing import Any

import requests

from pyaistore.sdk.client import resolve_verify
from pyaistore.sdk.response_handler import ResponseHandler
from pyaistore.wire import authn, paths

__all__ = ["AuthNClient", "TokenManager"]

_NANOSECONDS = 1_000_000_000


class TokenManager:
    """Token operations of an AuthN service.

    Args:
        client: the AuthN client.
    """

    def __init__(self, client: "AuthNClient") -> None:
        self._client = client

    def revoke(self, token: str) -> None:
        """Revoke a token (every registered cluster refuses it from then on).

        Args:
            token: the token to revoke.

        Raises:
            ValueError: no token given.
            AISError: the service refused.
        """
        if not token:
            raise ValueError("Token must be provided to revoke.")
        self._client.request("DELETE", paths.url_path(authn.TOKENS), {"token": token})


class AuthNClient:
    """A client of an AuthN service.

    Args:
        endpoint: the service's URL, e.g. http://localhost:52001.
        skip_verify: do not verify its TLS certificate.
        ca_cert: CA bundle to verify its certificate ($AIS_CLIENT_CA).
        timeout: seconds, or a (connect, read) pair.
        token: a token to start with (for logout and administration).
    """

    def __init__(
        self,
        endpoint: str,
        skip_verify: bool = False,
        ca_cert: str | None = None,
        timeout: float | tuple[float, float] | None = (3.0, 20.0),
        token: str | None = None,
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._verify = resolve_verify(skip_verify, ca_cert)
        self._timeout = timeout
        self._session = requests.Session()
        self.token = token

    def request(self, method: str, path: str, body: Any = None) -> requests.Response:
        """One request to the service; AISError (or a subclass) on an error status."""
        hdrs = {"Authorization": f"{authn.BEARER} {self.token}"} if self.token else {}
        response = self._session.request(
            method, self._endpoint + path, json=body, headers=hdrs, verify=self._verify, timeout=self._timeout
        )
        return ResponseHandler().handle_response(response)

    def login(self, username: str, password: str, expires_in: float | None = None) -> str:
        """Log in and keep the token.

        Args:
            username: the user.
            password: its password.
            expires_in: the token's lifetime in seconds (None: the service's default).

        Returns:
            The token.

        Raises:
            ValueError: an empty password.
            AISError: wrong credentials (401) or another refusal.
        """
        if not password.strip():
            raise ValueError("Password cannot be empty or spaces only")
        body: dict[str, Any] = {"password": password}
        if expires_in is not None:
            body["expires_in"] = int(expires_in * _NANOSECONDS)
        reply = self.request("POST", paths.url_path(authn.USERS, username), body)
        token = str(reply.json()["token"])
        self.token = token
        return token

    def logout(self) -> None:
        """Revoke the token this client holds and forget it.

        Raises:
            ValueError: not logged in.
        """
        if not self.token:
            raise ValueError("Must be logged in first (no token)")
        self.token_manager().revoke(self.token)
        self.token = None

    def token_manager(self) -> TokenManager:
        """Token operations."""
        return TokenManager(self)

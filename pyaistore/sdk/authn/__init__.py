"""Logging in to an AuthN service, as `aistore.sdk.authn` does (login, logout, revoking tokens)."""

from pyaistore.sdk.authn.authn_client import AuthNClient, TokenManager

__all__ = ["AuthNClient", "TokenManager"]

"""The AuthN service's wire vocabulary: paths, the token headers, JSON keys, environment names.

AuthN serves `/v1/users`, `/v1/roles`, `/v1/clusters`, `/v1/tokens` (AIS's `cmd/authn`); a cluster
serves `/v1/tokens` too (POST: does this cluster accept the token in the header; DELETE: add
revoked tokens). Clients send `Authorization: Bearer <jwt>`; S3 clients may carry the token in
`X-Amz-Security-Token` instead.
"""

from typing import Final

__all__ = [
    "ADMIN_ROLE",
    "ADMIN_USER",
    "BEARER",
    "CLUSTERS",
    "DEFAULT_PORT",
    "ENV_ADMIN_NAME",
    "ENV_ADMIN_PASS",
    "ENV_TOKEN",
    "ENV_TOKEN_FILE",
    "ENV_URL",
    "ROLES",
    "S3_TOKEN_HEADER",
    "TOKENS",
    "USERS",
    "bearer_token",
]

USERS: Final = "users"
ROLES: Final = "roles"
CLUSTERS: Final = "clusters"
TOKENS: Final = "tokens"

BEARER: Final = "Bearer"
S3_TOKEN_HEADER: Final = "X-Amz-Security-Token"

ADMIN_ROLE: Final = "Admin"
ADMIN_USER: Final = "admin"
DEFAULT_PORT: Final = 52001

ENV_URL: Final = "AIS_AUTHN_URL"
ENV_TOKEN: Final = "AIS_AUTHN_TOKEN"
ENV_TOKEN_FILE: Final = "AIS_AUTHN_TOKEN_FILE"
ENV_ADMIN_NAME: Final = "AIS_AUTHN_SU_NAME"
ENV_ADMIN_PASS: Final = "AIS_AUTHN_SU_PASS"


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer <token>` value ("" when it is not one)."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme == BEARER else ""

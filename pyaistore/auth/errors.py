"""Authentication and authorization errors, AIS's messages (`api/authn/errors.go`).

AuthError
├── Unauthenticated          401: who is asking is unknown
│   ├── TokenMissing         "token required"
│   └── InvalidToken         "invalid token ...": bad signature, malformed, wrong algorithm
│       ├── TokenExpired     "... token expired"
│       └── TokenRevoked     "... token revoked"
└── InsufficientPermissions  403: "user `u` has insufficient permissions ..."
"""

__all__ = [
    "AuthError",
    "InsufficientPermissions",
    "InvalidToken",
    "TokenExpired",
    "TokenMissing",
    "TokenRevoked",
    "Unauthenticated",
]


class AuthError(Exception):
    """Base of every authentication and authorization failure."""


class Unauthenticated(AuthError):
    """The request proves no identity (401)."""


class TokenMissing(Unauthenticated):
    """No token in the request."""

    def __init__(self) -> None:
        super().__init__("token required")


class InvalidToken(Unauthenticated):
    """The token does not verify."""


class TokenExpired(InvalidToken):
    """The token's `exp` has passed."""


class TokenRevoked(InvalidToken):
    """The token was revoked (logout, or an administrator's revoke)."""


class InsufficientPermissions(AuthError):
    """The token is valid but does not grant the operation (403)."""

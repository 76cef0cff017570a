"""Errors of the AuthN service, each with its HTTP status (the service's one table is `status`).

The official SDK picks its exception class by status and by words in the message ("user ",
"role ", "cluster ", "invalid credentials"), so messages name exactly one kind of entity.

    AuthnError
    ├── InvalidRequest         400
    ├── NotAuthorized          401  (bad credentials, missing/invalid/non-admin token)
    ├── Forbidden              403  (built-in admin user and role)
    ├── NotFound               404
    └── AlreadyExists          409
"""

from typing import Final

__all__ = [
    "STATUS",
    "AlreadyExists",
    "AuthnError",
    "Forbidden",
    "InvalidRequest",
    "NotAuthorized",
    "NotFound",
]


class AuthnError(Exception):
    """Base of the service's errors."""


class InvalidRequest(AuthnError):
    """A malformed or invalid request."""


class NotAuthorized(AuthnError):
    """Credentials or token missing, wrong, or not enough."""


class Forbidden(AuthnError):
    """Never allowed (removing the built-in admin, for one)."""


class NotFound(AuthnError):
    """No such user, role or cluster."""


class AlreadyExists(AuthnError):
    """A user, role or cluster of that name exists."""


STATUS: Final = {InvalidRequest: 400, NotAuthorized: 401, Forbidden: 403, NotFound: 404, AlreadyExists: 409}

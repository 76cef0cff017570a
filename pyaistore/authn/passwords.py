"""Passwords are kept only as Argon2id hashes (argon2-cffi's defaults: salted, memory-hard, slow)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["PasswordHashes"]


class PasswordHashes:
    """Hash and verify passwords (one hasher per service: its parameters, its salt per password)."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()

    def hash(self, password: str) -> str:
        """A salted Argon2id hash of `password`, in PHC string form."""
        return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        """True when `password` matches `hashed` (constant work either way)."""
        try:
            return self._hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

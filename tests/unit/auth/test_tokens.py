"""Tokens verify with the shared secret only, expire, and are refused once revoked."""

import time
from pathlib import Path

import pytest

from pyaistore.auth import tokens
from pyaistore.auth.claims import Claims
from pyaistore.auth.errors import InvalidToken, TokenExpired, TokenRevoked
from pyaistore.auth.revoked_tokens import RevokedTokens

SECRET = "a-signing-secret-of-thirty-two-bytes-or-more"


def _token(ttl: float = 60.0, secret: str = SECRET) -> str:
    now = time.time()
    return tokens.sign(Claims("u", now + ttl, now), secret)


def test_a_good_token_verifies_and_a_forged_one_does_not() -> None:
    verifier = tokens.TokenVerifier(SECRET, RevokedTokens())
    assert verifier.verify(_token()).subject == "u"
    with pytest.raises(InvalidToken):
        verifier.verify(_token(secret="another-secret-of-thirty-two-bytes-too"))
    with pytest.raises(InvalidToken):
        verifier.verify("not-a-token")


def test_expiry_is_checked_even_for_a_cached_token() -> None:
    verifier = tokens.TokenVerifier(SECRET, RevokedTokens())
    with pytest.raises(TokenExpired):
        verifier.verify(_token(ttl=-1))
    token = _token(ttl=5)
    verifier.verify(token)
    with pytest.raises(TokenExpired):
        verifier.verify(token, now=time.time() + 10)


def test_the_none_algorithm_is_refused() -> None:
    import jwt

    payload = {"sub": "u", "exp": int(time.time()) + 60, "admin": True}
    unsigned = jwt.encode(payload, None, algorithm="none")  # type: ignore[arg-type]
    with pytest.raises(InvalidToken):
        tokens.TokenVerifier(SECRET, RevokedTokens()).verify(unsigned)


def test_revoked_tokens_are_refused_and_kept_across_restarts(tmp_path: Path) -> None:
    verifier = tokens.TokenVerifier(SECRET, RevokedTokens(tmp_path))
    token, other = _token(), _token(ttl=120)
    verifier.verify(token)
    verifier.revoked.add({token: verifier.verify_signature(token).expires_at, "expired": time.time() - 1})
    with pytest.raises(TokenRevoked):
        verifier.verify(token)
    verifier.verify(other)
    reloaded = RevokedTokens(tmp_path)
    assert token in reloaded and "expired" not in reloaded and len(reloaded) == 1

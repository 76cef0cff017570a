"""JWT tokens: signing (the AuthN service) and verification (every proxy), HS256 with PyJWT.

A verifier keeps the claims of tokens it has verified (bounded), so a request pays for the HMAC
and the JSON once per token, not once per request; revocation is checked before the cache.
"""

import time
from typing import Any, Final

import jwt

from pyaistore.auth.claims import Claims
from pyaistore.auth.errors import InvalidToken, TokenExpired, TokenRevoked
from pyaistore.auth.revoked_tokens import RevokedTokens

__all__ = ["ALGORITHM", "TokenVerifier", "sign"]

ALGORITHM: Final = "HS256"
# Verified tokens kept; the cache is dropped whole when full (tokens are few and long-lived).
_CACHE_SIZE: Final = 4096
_MAX_TOKEN_LENGTH: Final = 16 << 10


def sign(claims: Claims, secret: str) -> str:
    """The signed JWT carrying `claims`."""
    return jwt.encode(claims.to_json(), secret, algorithm=ALGORITHM)


def _decode(token: str, secret: str, audience: str) -> dict[str, Any]:
    """The verified payload; InvalidToken (TokenExpired) when it does not verify."""
    if len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidToken("invalid token: too long")
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"], "verify_aud": bool(audience)},
            audience=audience or None,
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("invalid token [err: token expired]") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token [err: {exc}]") from exc
    return payload


class TokenVerifier:
    """Checks tokens against the shared secret and the revoked list.

    Args:
        secret: the HMAC key the AuthN service signs with.
        revoked: the revoked tokens.
        audience: when set, a token must name it in `aud`.
    """

    def __init__(self, secret: str, revoked: RevokedTokens, audience: str = "") -> None:
        if not secret:
            raise ValueError("token verification needs the AuthN signing secret")
        self._secret = secret
        self._audience = audience
        self.revoked = revoked
        self._cache: dict[str, Claims] = {}

    def verify(self, token: str, now: float | None = None) -> Claims:
        """The token's claims; InvalidToken, TokenExpired or TokenRevoked when it may not be used."""
        if token in self.revoked:
            self._cache.pop(token, None)
            raise TokenRevoked("invalid token [err: token revoked]")
        now = time.time() if now is None else now
        claims = self._cache.get(token)
        if claims is None:
            claims = Claims.from_json(_decode(token, self._secret, self._audience))
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[token] = claims
        if claims.expires_at <= now:
            self._cache.pop(token, None)
            raise TokenExpired("invalid token [err: token expired]")
        return claims

    def verify_signature(self, token: str) -> Claims:
        """The claims of a token signed with the secret, expired or revoked or not (for revocation)."""
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"verify_exp": False, "verify_aud": False, "require": ["sub"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token [err: {exc}]") from exc
        return Claims.from_json(payload)

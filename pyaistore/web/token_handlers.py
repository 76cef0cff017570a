"""A proxy's /v1/tokens, the AuthN service's calls into the cluster (AIS's ais/prxauth.go).

POST: does this cluster accept the token in the header (200, else 401: client_auth has checked
it already). DELETE `{"tokens": [...]}` (admin): add revoked tokens, refused from then on by
this proxy, and kept across restarts.
"""

from aiohttp import web

from pyaistore.auth.errors import InvalidToken, Unauthenticated
from pyaistore.web import request_parsing
from pyaistore.web.app_keys import CONTEXT

__all__ = ["revoke", "validate"]


async def validate(request: web.Request) -> web.Response:
    """POST /v1/tokens: 200 when client auth verified the request's token."""
    if request.app[CONTEXT].tokens is None:
        raise Unauthenticated("this cluster does not check tokens (client auth is off)")
    return web.Response()


def _tokens(value: object) -> list[str]:
    if isinstance(value, dict):
        value = value.get("tokens")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError('expected {"tokens": [<token>, ...]}')
    return value


async def revoke(request: web.Request) -> web.Response:
    """DELETE /v1/tokens: add the listed tokens to the revoked ones (those this cluster could not
    have accepted anyway are ignored)."""
    ctx = request.app[CONTEXT]
    if ctx.tokens is None:
        raise Unauthenticated("this cluster does not check tokens (client auth is off)")
    tokens = request_parsing.parse_value(await request_parsing.read_json(request), _tokens)
    expiries: dict[str, float] = {}
    for token in tokens:
        try:
            expiries[token] = ctx.tokens.verify_signature(token).expires_at
        except InvalidToken:
            continue
    ctx.tokens.revoked.add(expiries)
    return web.Response()

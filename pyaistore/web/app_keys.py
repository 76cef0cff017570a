"""Typed application-state keys (aiohttp AppKey)."""

from typing import Final

from aiohttp import web

from pyaistore.node_context import NodeContext

CONTEXT: Final = web.AppKey("context", NodeContext)

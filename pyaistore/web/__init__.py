"""The only place aiohttp's server is used: parse, call one operation, render. Thin by rule."""

__all__ = [
    "app",
    "error_mapping",
    "proxy_handlers",
    "request_parsing",
    "routes",
    "streaming",
    "target_handlers",
]

"""Security headers on every response, with a fresh nonce for each page's scripts.

Pages allow only our own scripts, styles and images and cannot be framed; nothing that
carries personal data may be cached. The interactive API viewer at /schema loads
Swagger UI's inline start-up script, so that path alone allows inline scripts.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

NONCE_KEY = "njp_csp_nonce"
CACHEABLE_PREFIXES = ("/assets/", "/static/")


def page_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def schema_viewer_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


def csp_nonce(scope: Any) -> str:
    """This request's nonce, made on first use: by a page as it renders, or by the headers
    as the response starts (even for requests no route matched)."""
    if NONCE_KEY not in scope:
        scope[NONCE_KEY] = secrets.token_urlsafe(18)
    return str(scope[NONCE_KEY])


def security_headers(*, strict_transport: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook: Litestar calls it for every response the app sends."""

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        path = scope["path"]
        headers = MutableScopeHeaders.from_message(message)
        schema = path == "/schema" or path.startswith("/schema/")
        headers["Content-Security-Policy"] = (
            schema_viewer_policy() if schema else page_policy(csp_nonce(scope))
        )
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not path.startswith(CACHEABLE_PREFIXES):
            headers["Cache-Control"] = "no-store"
        if strict_transport:
            headers["Strict-Transport-Security"] = "max-age=31536000"

    return add_headers

"""The one place the service is wired together: `create_app()`."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute

from panels import db
from panels.access import current_actor, declared_access, enforce_access, public
from panels.accounts.authentication import SESSION_COOKIE, CredentialsMiddleware
from panels.accounts.endpoints import router as accounts_router
from panels.cases.endpoints import router as cases_router
from panels.errors import EXCEPTION_HANDLERS
from panels.health import health
from panels.logs import logging_config
from panels.settings import Settings, get_settings

API_PREFIX = "/api/v1"
VERSION = "0.1.0"


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="njp — Neighbourhood Justice Panels",
        version=VERSION,
        description=(
            "Referrals, consent, scheduling and outcomes for Neighbourhood Justice Panels. "
            "Authenticate with the session cookie from `POST /api/v1/auth/login`, or with "
            "`Authorization: Bearer <api token>`."
        ),
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer"),
                "session": SecurityScheme(
                    type="apiKey", name=SESSION_COOKIE, security_scheme_in="cookie"
                ),
            }
        ),
        security=[{"bearer": []}, {"session": []}],
        render_plugins=[SwaggerRenderPlugin(path="/")],
        openapi_router=Router(path="/schema", route_handlers=[], opt=public()),
    )


def _check_every_route_declares_access(app: Litestar) -> None:
    undeclared = [
        f"{sorted(route.methods)} {route.path}"
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        # Litestar answers OPTIONS itself; the guard denies those too (no CORS here).
        if handler.http_methods != {"OPTIONS"} and declared_access(handler) is None
    ]
    if undeclared:
        raise RuntimeError(f"routes without an access declaration: {', '.join(undeclared)}")


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    database = db.engine()

    opened_pool = False

    async def start_database() -> None:
        nonlocal opened_pool
        opened_pool = await db.start(database)

    async def stop_database() -> None:
        if opened_pool:
            await db.stop(database)

    def provide_settings() -> Settings:
        return settings

    api = Router(path=API_PREFIX, route_handlers=[accounts_router, cases_router])
    app = Litestar(
        route_handlers=[health, api],
        guards=[enforce_access],
        middleware=[DefineMiddleware(CredentialsMiddleware)],
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "actor": Provide(current_actor, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=_openapi(),
        logging_config=logging_config(settings.log_level),
        on_startup=[start_database],
        on_shutdown=[stop_database],
    )
    _check_every_route_declares_access(app)
    return app

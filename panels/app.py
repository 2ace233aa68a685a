"""The one place the service is wired together: `create_app()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router

from panels import db, follow_up, web
from panels.access import current_actor, declared_access, enforce_access, public
from panels.accounts.authentication import SESSION_COOKIE, CredentialsMiddleware
from panels.accounts.endpoints import router as accounts_router
from panels.bookings.endpoints import router as bookings_router
from panels.calendars import endpoints as calendar_feeds
from panels.cases.endpoints import router as cases_router
from panels.facilitators.endpoints import router as facilitators_router
from panels.feedback.endpoints import router as feedback_router
from panels.health import health
from panels.logs import logging_config
from panels.messaging import endpoints as texts
from panels.messaging.service import dispatcher
from panels.outcomes.endpoints import router as outcomes_router
from panels.reparation.endpoints import router as reparation_router
from panels.settings import Settings, get_settings
from panels.support.endpoints import router as support_router
from panels.tasks.endpoints import router as tasks_router
from panels.venues.endpoints import router as venues_router
from panels.web.errors import exception_handlers
from panels.web.rendering import assets_ready, template_config
from panels.web.security import security_headers

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
        # Swagger UI from our own assets: a closed network may block its CDN.
        render_plugins=[
            SwaggerRenderPlugin(
                path="/",
                js_url="/assets/swagger/swagger-ui-bundle.js",
                css_url="/assets/swagger/swagger-ui.css",
                standalone_preset_js_url="/assets/swagger/swagger-ui-standalone-preset.js",
                favicon="<link rel='icon' href='/static/favicon.svg' type='image/svg+xml'>",
            )
        ],
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


def _static_files(settings: Settings) -> list[Any]:
    own = Path(__file__).parent / "web" / "static"
    return [
        create_static_files_router(
            path="/assets", directories=[settings.assets_dir], opt=public(), include_in_schema=False
        ),
        create_static_files_router(
            path="/static", directories=[own], opt=public(), include_in_schema=False
        ),
    ]


def warn_if_assets_missing() -> None:
    if not assets_ready():
        logging.getLogger("njp").warning(
            "The pages' styles and scripts are not built: run scripts/frontend "
            "(it needs npm). Pages work, but look unstyled."
        )


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

    # The embedded default sends texts (and surveys, and marks missed deadlines) from the
    # web process; production runs `njp worker`.
    stop_sending = asyncio.Event()
    sending: list[asyncio.Task[None]] = []

    async def start_sending() -> None:
        if settings.dispatch_in_server:
            stop_sending.clear()
            sending.append(asyncio.create_task(dispatcher(settings).run(stop_sending)))
            sending.append(asyncio.create_task(follow_up.run(stop_sending)))

    async def stop_sending_texts() -> None:
        stop_sending.set()
        while sending:
            task = sending.pop()
            # A text being sent is let finish; a stuck one is cancelled (its lease frees it).
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=15)

    def provide_settings() -> Settings:
        return settings

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            accounts_router,
            cases_router,
            bookings_router,
            facilitators_router,
            venues_router,
            texts.router,
            outcomes_router,
            feedback_router,
            reparation_router,
            tasks_router,
            support_router,
        ],
    )
    app = Litestar(
        route_handlers=[
            health,
            api,
            *texts.WEBHOOKS,
            *calendar_feeds.ROUTES,
            *web.ROUTES,
            *_static_files(settings),
        ],
        guards=[enforce_access],
        middleware=[DefineMiddleware(CredentialsMiddleware)],
        before_send=[security_headers(strict_transport=settings.secure_cookies)],
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "actor": Provide(current_actor, sync_to_thread=False),
        },
        exception_handlers=exception_handlers(),
        openapi_config=_openapi(),
        template_config=template_config(),
        # Forms carry a signed token; the JSON API relies on SameSite=Lax cookies and
        # bearer tokens instead, so machine clients need no CSRF dance.
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            # Twilio's webhooks carry its signature instead.
            exclude=[API_PREFIX, "/schema", "/health", "/webhooks"],
        ),
        logging_config=logging_config(settings.log_level),
        on_startup=[start_database, warn_if_assets_missing, start_sending],
        on_shutdown=[stop_sending_texts, stop_database],
    )
    _check_every_route_declares_access(app)
    return app

"""Who may use each route. Deny by default: a route that does not declare its audience
cannot be reached, and the app refuses to start if any route forgets to declare one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from panels.accounts.tables import Role
from panels.errors import Forbidden, NotSignedIn

ACCESS_KEY = "access"
PUBLIC = "public"


@dataclass(frozen=True)
class Actor:
    """The signed-in user a request acts as (through a session or an API token)."""

    id: UUID
    email: str
    name: str
    role: Role
    organisation_id: UUID

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.coordinator


def allow(*roles: Role) -> dict[str, Any]:
    """Route `opt` for a route open to signed-in users with one of `roles`."""
    if not roles:
        raise ValueError("name at least one role, or use public()")
    return {ACCESS_KEY: frozenset(roles)}


def public() -> dict[str, Any]:
    """Route `opt` for a route anyone may call without signing in."""
    return {ACCESS_KEY: PUBLIC}


SIGNED_IN = allow(*Role)
COORDINATORS = allow(Role.coordinator)


def declared_access(handler: BaseRouteHandler) -> frozenset[Role] | str | None:
    value = handler.opt.get(ACCESS_KEY)
    return value if isinstance(value, (frozenset, str)) else None


def enforce_access(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The app-wide guard."""
    access = declared_access(handler)
    if access == PUBLIC:
        return
    if access is None or isinstance(access, str):
        raise Forbidden("This address is not open to anyone.")
    actor = connection.scope.get("user")
    if not isinstance(actor, Actor):
        raise NotSignedIn("Sign in to continue.")
    if actor.role not in access:
        raise Forbidden(f"Your role ({actor.role.value}) cannot do this.")


def current_actor(request: Request[Any, Any, Any]) -> Actor:
    """Dependency for routes closed to anonymous callers (the guard has already run)."""
    actor = request.scope.get("user")
    if not isinstance(actor, Actor):
        raise NotSignedIn("Sign in to continue.")
    return actor

"""HTTP routes for reparation: providers and sessions (coordinators), booking the person
responsible into sessions and recording attendance (staff)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.reparation import service
from panels.reparation.schemas import (
    AttendanceRecord,
    MadeSession,
    PlacementIn,
    ProviderIn,
    ProviderOut,
    ReasonIn,
    SessionOut,
    SessionsIn,
)

STAFF = allow(Role.coordinator, Role.facilitator)


@get("/reparation/providers", opt=STAFF)
async def list_providers() -> list[ProviderOut]:
    return [ProviderOut.model_validate(p) for p in await service.providers()]


@post("/reparation/providers", opt=COORDINATORS, status_code=HTTP_201_CREATED)
async def add_provider(actor: NamedDependency[Actor], data: JSONBody[ProviderIn]) -> ProviderOut:
    return ProviderOut.model_validate(await service.add_provider(actor, data))


@post(
    "/reparation/providers/{provider_id:uuid}/sessions",
    opt=COORDINATORS,
    status_code=HTTP_201_CREATED,
)
async def add_sessions(
    actor: NamedDependency[Actor], provider_id: FromPath[UUID], data: JSONBody[SessionsIn]
) -> list[MadeSession]:
    """A weekly run of sessions. Each one's supervisor link is in the answer, once."""
    made = await service.add_sessions(actor, provider_id, data)
    return [MadeSession.model_validate(m) for m in made]


@get("/reparation/sessions", opt=STAFF)
async def upcoming_sessions(
    provider_id: FromQuery[UUID | None] = None, after: FromQuery[datetime | None] = None
) -> list[SessionOut]:
    found = await service.sessions(provider_id=provider_id, after=after)
    return [SessionOut.model_validate(s) for s in found]


@post("/cases/{case_id:uuid}/reparation/placements", opt=STAFF, status_code=HTTP_201_CREATED)
async def book_placement(
    actor: NamedDependency[Actor], case_id: FromPath[UUID], data: JSONBody[PlacementIn]
) -> dict[str, int]:
    return {"id": await service.book(actor, case_id, data)}


PLACEMENT = "/cases/{case_id:uuid}/reparation/placements/{placement_id:int}"


@post(f"{PLACEMENT}/cancel", opt=STAFF, status_code=HTTP_204_NO_CONTENT)
async def cancel_placement(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    placement_id: FromPath[int],
    data: JSONBody[ReasonIn],
) -> None:
    """Take them out of a session still to come; they are texted that they need not come."""
    await service.cancel_placement(actor, case_id, placement_id, data.reason)


@post(f"{PLACEMENT}/accept-absence", opt=STAFF, status_code=HTTP_204_NO_CONTENT)
async def accept_absence(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    placement_id: FromPath[int],
    data: JSONBody[ReasonIn],
) -> None:
    """Accept the reason for a missed session after it was recorded: it stops counting."""
    await service.accept_absence(actor, case_id, placement_id, data.reason)


@post(
    "/reparation/sessions/{session_id:uuid}/attendance",
    opt=STAFF,
    status_code=HTTP_204_NO_CONTENT,
)
async def record_attendance(
    actor: NamedDependency[Actor],
    session_id: FromPath[UUID],
    data: JSONBody[list[AttendanceRecord]],
) -> None:
    await service.record_by_staff(actor, session_id, data)


router = Router(
    path="/",
    route_handlers=[
        list_providers,
        add_provider,
        add_sessions,
        upcoming_sessions,
        book_placement,
        cancel_placement,
        accept_absence,
        record_attendance,
    ],
    tags=["reparation"],
)

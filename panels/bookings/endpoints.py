"""HTTP routes for panels: suggestions for a case, booking, moving, cancelling, the
invitation, and planning a backlog."""

from __future__ import annotations

from uuid import UUID

from litestar import Response, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.bookings import service
from panels.bookings.schemas import (
    BookingIn,
    CancelIn,
    PanelOut,
    PlanIn,
    PlanOut,
    RescheduleIn,
    SuggestionsOut,
)
from panels.cases.service import case_in_scope

STAFF = allow(Role.coordinator, Role.facilitator)
CaseId = FromPath[UUID]
PanelId = FromPath[UUID]


@get("/cases/{case_id:uuid}/slot-suggestions", opt=STAFF)
async def slot_suggestions(actor: NamedDependency[Actor], case_id: CaseId) -> SuggestionsOut:
    """The best times, venues and facilitators for the case's panel over the next four
    weeks; when there are none, why. Only for a case that is ready to schedule."""
    return SuggestionsOut.model_validate(await service.suggestions(actor, case_id))


@post("/cases/{case_id:uuid}/panels", opt=STAFF, status_code=HTTP_201_CREATED)
async def book_panel(
    actor: NamedDependency[Actor], case_id: CaseId, data: JSONBody[BookingIn]
) -> PanelOut:
    """Book the panel. Every rule is checked again here; a clash with another booking,
    even one made a moment ago, answers 409."""
    panel_id = await service.book(actor, case_id, data)
    return PanelOut.model_validate(await service.read_panel(actor, panel_id))


@get("/cases/{case_id:uuid}/panels", opt=STAFF)
async def panels_of_case(actor: NamedDependency[Actor], case_id: CaseId) -> list[PanelOut]:
    await case_in_scope(actor, case_id)
    return [PanelOut.model_validate(p) for p in await service.panels_of_case(case_id)]


@get("/panels/{panel_id:uuid}", opt=STAFF)
async def read_panel(actor: NamedDependency[Actor], panel_id: PanelId) -> PanelOut:
    return PanelOut.model_validate(await service.read_panel(actor, panel_id))


@patch("/panels/{panel_id:uuid}", opt=STAFF)
async def move_panel(
    actor: NamedDependency[Actor], panel_id: PanelId, data: JSONBody[RescheduleIn]
) -> PanelOut:
    """Move the panel (time, venue or facilitators), with a reason; calendars see a new
    SEQUENCE and everyone is to be told."""
    await service.reschedule(actor, panel_id, data)
    return PanelOut.model_validate(await service.read_panel(actor, panel_id))


@post("/panels/{panel_id:uuid}/cancel", opt=STAFF, status_code=HTTP_200_OK)
async def cancel_panel(
    actor: NamedDependency[Actor], panel_id: PanelId, data: JSONBody[CancelIn]
) -> PanelOut:
    await service.cancel(actor, panel_id, data.reason)
    return PanelOut.model_validate(await service.read_panel(actor, panel_id))


@get("/panels/{panel_id:uuid}/invitation.ics", opt=STAFF)
async def panel_invitation(actor: NamedDependency[Actor], panel_id: PanelId) -> Response[bytes]:
    """The calendar invitation (REQUEST, or CANCEL once cancelled) for the facilitators."""
    return Response(
        await service.invitation_ics(actor, panel_id),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="panel.ics"'},
    )


@post("/plans", opt=COORDINATORS, status_code=HTTP_200_OK)
async def plan_backlog(actor: NamedDependency[Actor], data: JSONBody[PlanIn]) -> PlanOut:
    """Plan panels for many ready cases at once; nothing is booked until each is."""
    return PlanOut.model_validate(await service.plan(actor, data.case_ids, seconds=data.seconds))


router = Router(
    path="/",
    route_handlers=[
        slot_suggestions,
        book_panel,
        panels_of_case,
        read_panel,
        move_panel,
        cancel_panel,
        panel_invitation,
        plan_backlog,
    ],
    tags=["panels"],
)

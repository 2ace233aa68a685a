"""Pages for arranging panels: a case's suggested times with one-click booking, moving
and cancelling a panel, and a coordinator's backlog planned all at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.bookings import service
from panels.bookings.schemas import BookingIn, RescheduleIn
from panels.cases.service import case_in_scope
from panels.errors import DomainError, InvalidInput
from panels.web.forms import FormErrors, errors_from, posted, text
from panels.web.rendering import page

STAFF = allow(Role.coordinator, Role.facilitator)
CaseId = FromPath[UUID]
PanelId = FromPath[UUID]


def _case_times(
    request: Request[Any, Any, Any], case: dict[str, Any], found: dict[str, Any], **more: Any
) -> Template:
    """The times page for booking the case's panel."""
    return page(
        request,
        "times.html",
        title=f"Times for {case['reference']}",
        case=case,
        found=found,
        action=f"/cases/{case['id']}/panels",
        button="Book this time",
        **more,
    )


def _panel_times(
    request: Request[Any, Any, Any], panel: dict[str, Any], found: dict[str, Any], **more: Any
) -> Template:
    """The times page for moving a booked panel."""
    return page(
        request,
        "times.html",
        title=f"Move the panel for {panel['reference']}",
        case={"id": panel["case_id"], "reference": panel["reference"]},
        found=found,
        panel=panel,
        action=f"/panels/{panel['id']}/move",
        button="Move to this time",
        **more,
    )


def _choice(form: dict[str, Any]) -> dict[str, Any]:
    """A suggested option as the page posts it back."""
    people = form.get("facilitator_ids") or []
    return {
        "start": text(form, "start"),
        "venue_id": text(form, "venue_id"),
        "facilitator_ids": [people] if isinstance(people, str) else list(people),
    }


@get("/cases/{case_id:uuid}/times", opt=STAFF, include_in_schema=False)
async def times_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: CaseId
) -> Template:
    case = await case_in_scope(actor, case_id)
    return _case_times(request, case, await service.suggestions(actor, case_id))


@post("/cases/{case_id:uuid}/panels", opt=STAFF, include_in_schema=False)
async def book(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: CaseId
) -> Template | Redirect:
    form = await posted(request)
    try:
        await service.book(actor, case_id, BookingIn.model_validate(_choice(form)))
    except (ValidationError, DomainError) as problem:
        case = await case_in_scope(actor, case_id)
        found = (
            await service.suggestions(actor, case_id)
            if case["status"] == "ready_to_schedule"
            else {"options": [], "reasons": []}
        )
        return _case_times(
            request,
            case,
            found,
            status_code=409 if isinstance(problem, DomainError) else 400,
            errors=FormErrors([("options", _words(problem))]),
        )
    return Redirect(path=f"/cases/{case_id}?done=booked#panel", status_code=303)


def _words(problem: ValidationError | DomainError) -> str:
    if isinstance(problem, DomainError):
        return problem.detail
    return "That time could not be read; choose one of the times below."


@get("/panels/{panel_id:uuid}/move", opt=STAFF, include_in_schema=False)
async def move_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], panel_id: PanelId
) -> Template:
    panel = await service.read_panel(actor, panel_id)
    return _panel_times(request, panel, await service.move_suggestions(actor, panel_id))


@post("/panels/{panel_id:uuid}/move", opt=STAFF, include_in_schema=False)
async def move(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], panel_id: PanelId
) -> Template | Redirect:
    form = await posted(request)
    panel = await service.read_panel(actor, panel_id)
    try:
        await service.reschedule(
            actor,
            panel_id,
            RescheduleIn.model_validate({**_choice(form), "reason": text(form, "reason")}),
        )
    except (ValidationError, DomainError) as problem:
        errors = (
            FormErrors([("reason", "Say why the panel is moving")])
            if isinstance(problem, ValidationError) and not text(form, "reason")
            else FormErrors([("options", _words(problem))])
        )
        return _panel_times(
            request,
            panel,
            await service.move_suggestions(actor, panel_id),
            status_code=409 if isinstance(problem, DomainError) else 400,
            errors=errors,
            values={"reason": text(form, "reason")},
        )
    return Redirect(path=f"/cases/{panel['case_id']}?done=moved-panel#panel", status_code=303)


@post("/panels/{panel_id:uuid}/cancel", opt=STAFF, include_in_schema=False)
async def cancel(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], panel_id: PanelId
) -> Template | Redirect:
    form = await posted(request)
    panel = await service.read_panel(actor, panel_id)
    reason = text(form, "reason")
    if not reason:
        raise InvalidInput("Say why the panel is cancelled.", field="reason")
    await service.cancel(actor, panel_id, reason)
    return Redirect(path=f"/cases/{panel['case_id']}?done=cancelled-panel#panel", status_code=303)


# A coordinator's backlog ---------------------------------------------------------------


@get("/scheduling", opt=COORDINATORS, include_in_schema=False)
async def backlog_page(request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Template:
    return page(
        request, "backlog.html", title="Plan panels", ready=await service.ready_cases(actor)
    )


@post("/scheduling/plan", opt=COORDINATORS, include_in_schema=False)
async def plan(request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Template:
    planned = await service.plan(actor, None, seconds=10.0)
    return page(
        request,
        "backlog.html",
        title="Plan panels",
        ready=await service.ready_cases(actor),
        plan=planned,
    )


@post("/scheduling/book", opt=COORDINATORS, include_in_schema=False)
async def book_plan(request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Template:
    """Book every planned panel; each is checked again, and any that can no longer be
    booked (something changed since planning) is listed with why."""
    form = await request.form()
    booked, refused = [], []
    for entry in form.getall("panel"):
        case_id, start, venue, *people = str(entry).split("|")
        try:
            await service.book(
                actor,
                UUID(case_id),
                BookingIn(
                    start=datetime.fromisoformat(start),
                    venue_id=UUID(venue),
                    facilitator_ids=[UUID(p) for p in people],
                ),
            )
            booked.append(case_id)
        except (ValueError, DomainError) as problem:
            detail = (
                problem.detail
                if isinstance(problem, DomainError)
                else "The plan could not be read."
            )
            refused.append({"case_id": case_id, "reason": detail})
    return page(
        request,
        "backlog.html",
        title="Plan panels",
        ready=await service.ready_cases(actor),
        booked=await service.references(booked),
        refused=refused,
        errors=errors_from(InvalidInput(refused[0]["reason"], field="results"), {})
        if refused
        else None,
    )


ROUTES = [times_page, book, move_page, move, cancel, backlog_page, plan, book_plan]

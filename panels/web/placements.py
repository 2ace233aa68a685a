"""Reparation on the case page, for staff: the places the person responsible has in
sessions towards their agreed hours, booking another, cancelling one still to come, and
accepting the reason for one they missed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import Actor, allow
from panels.accounts.tables import Role
from panels.clock import utc_now
from panels.errors import DomainError
from panels.outcomes.tables import ActionKind
from panels.reparation import service
from panels.reparation.schemas import PlacementIn, ReasonIn
from panels.web import cases
from panels.web.forms import number, posted, text
from panels.web.rendering import day_and_time

STAFF = allow(Role.coordinator, Role.facilitator)

DONE = {
    "place-booked": "Booked into the session: they will get a text",
    "place-cancelled": "Place cancelled: they will get a text saying the session is off",
    "absence-accepted": "Reason accepted: the missed session no longer counts",
}
MESSAGES = {
    "session_id": "Select a session to book them into",
    "reason": "Say why, in 1000 characters or fewer",
}


async def of_case(case: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """For each reparation action: its places, hours worked and booked; and the sessions
    still to come with a place free, to book."""
    if not any(action["kind"] == ActionKind.reparation_hours for action in actions):
        return {"places": {}, "session_items": []}
    now = utc_now()
    of_action: dict[int, list[dict[str, Any]]] = {}
    for place in await service.places_of_case(case["id"]):
        of_action.setdefault(place["action"], []).append(
            {**place, "to_come": place["starts_at"] > now}
        )
    places: dict[int, dict[str, Any]] = {}
    for action_id, listed in of_action.items():
        worked, booked = service.minutes_of(listed)
        places[action_id] = {"list": listed, "worked": worked, "booked": booked}
    sessions = [s for s in await service.sessions(after=now) if s["places_left"] > 0]
    return {
        "places": places,
        "session_items": [
            {
                "value": str(s["id"]),
                "text": f"{day_and_time(s['starts_at'])}, {s['provider_name']} "
                f"({s['places_left']} {'place' if s['places_left'] == 1 else 'places'} left)",
            }
            for s in sessions
        ],
    }


@post("/cases/{case_id:uuid}/reparation/places", opt=STAFF, include_in_schema=False)
async def book(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> Template | Redirect:
    form = await posted(request)
    action_id = number(form, "action_id", 0)
    prefix = f"book-{action_id}"
    try:
        await service.book(
            actor,
            case_id,
            PlacementIn.model_validate(
                {"session_id": text(form, "session_id") or None, "action_id": action_id}
            ),
        )
    except (ValidationError, DomainError) as problem:
        return await cases._refused(
            request,
            actor,
            case_id,
            problem,
            prefix,
            {f"{prefix}-session_id": text(form, "session_id")},
            messages=MESSAGES,
            anchors={"": "session_id", "action_id": "session_id"},
        )
    return cases._back_to(case_id, "place-booked", f"#action-{action_id}")


async def _with_reason(
    request: Request[Any, Any, Any],
    actor: Actor,
    case_id: UUID,
    placement_id: int,
    step: str,
) -> Template | Redirect:
    """Cancel a place, or accept the reason it was missed: both ask why."""
    form = await posted(request)
    prefix = f"{step}-{placement_id}"
    try:
        reason = ReasonIn.model_validate({"reason": text(form, "reason")}).reason
        if step == "cancel":
            await service.cancel_placement(actor, case_id, placement_id, reason)
        else:
            await service.accept_absence(actor, case_id, placement_id, reason)
    except (ValidationError, DomainError) as problem:
        return await cases._refused(
            request,
            actor,
            case_id,
            problem,
            prefix,
            {f"{prefix}-reason": text(form, "reason")},
            messages=MESSAGES,
            anchors={"": "reason"},
        )
    done = "place-cancelled" if step == "cancel" else "absence-accepted"
    return cases._back_to(case_id, done, f"#place-{placement_id}")


@post(
    "/cases/{case_id:uuid}/reparation/places/{placement_id:int}/cancel",
    opt=STAFF,
    include_in_schema=False,
)
async def cancel(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    placement_id: FromPath[int],
) -> Template | Redirect:
    return await _with_reason(request, actor, case_id, placement_id, "cancel")


@post(
    "/cases/{case_id:uuid}/reparation/places/{placement_id:int}/accept-absence",
    opt=STAFF,
    include_in_schema=False,
)
async def accept_absence(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    placement_id: FromPath[int],
) -> Template | Redirect:
    return await _with_reason(request, actor, case_id, placement_id, "accept")


ROUTES = [book, cancel, accept_absence]

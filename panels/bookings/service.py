"""Panel booking: suggesting times, booking one (every hard rule re-checked here, and the
database refusing any double booking), moving and cancelling it, planning a backlog,
and the panel's calendar invitation."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time as stopwatch
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from panels.access import Actor
from panels.accounts.tables import Role, User
from panels.bookings import cancellation, instances
from panels.bookings.schemas import BookingIn, RescheduleIn
from panels.bookings.tables import (
    NoticeKind,
    Panel,
    PanelFacilitator,
    PanelNotice,
    PanelStatus,
    ResourceHold,
)
from panels.cases import audit
from panels.cases.service import case_in_scope, move
from panels.cases.tables import Case, CaseStatus
from panels.clock import LONDON, utc_now
from panels.db import is_sqlite, write_transaction
from panels.errors import Forbidden, NotFound, RuleBroken
from panels.facilitators.tables import Facilitator
from panels.messaging import service as messaging
from panels.settings import get_settings
from panels.venues.tables import Venue
from scheduling.checker import violations
from scheduling.icalendar_out import Attendee, CalendarEntry, invitation
from scheduling.instance import Assignment
from scheduling.intervals import Interval
from scheduling.optimise import optimise
from scheduling.suggest import suggest

SUGGESTIONS = 5
DOUBLE_BOOKING = ("facilitator_not_double_booked", "venue_not_double_booked")


def _is_double_booking(problem: BaseException) -> str | None:
    text = f"{type(problem).__name__} {problem}"
    return next((name for name in DOUBLE_BOOKING if name in text), None)


def _place(venue: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": venue["id"],
        "name": venue["name"],
        "area": venue["area"],
        "address": venue["address"],
        "separate_waiting": venue["rooms"] >= 2,
    }


def _people(region: instances.Region, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The facilitators of an option, the lead first."""
    people = [
        {
            "id": UUID(f),
            "name": region.facilitators[f]["name"],
            "lead": "lead" in region.facilitators[f]["skills"],
        }
        for f in ids
    ]
    leads = [p for p in people if p["lead"]]
    if leads:
        for person in people:
            person["lead"] = person is leads[0]
    return sorted(people, key=lambda p: not p["lead"])


def _option(region: instances.Region, assignment: Assignment, explanation: str) -> dict[str, Any]:
    return {
        "start": assignment.start,
        "end": assignment.end,
        "venue": _place(region.venues[assignment.venue]),
        "facilitators": _people(region, assignment.facilitators),
        "explanation": explanation,
    }


_OTHER_PANEL = re.compile(r"[Bb]ooked panel [0-9a-f-]{36}")
_UTC_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})-(\d{2}:\d{2}) UTC")


def _local_span(found: re.Match[str]) -> str:
    start = datetime.fromisoformat(found[1]).replace(tzinfo=UTC)
    end = datetime.fromisoformat(f"{found[1][:10]} {found[2]}").replace(tzinfo=UTC)
    start, end = start.astimezone(LONDON), end.astimezone(LONDON)
    return f"{start:%a} {start.day} {start:%b %H:%M}-{end:%H:%M}"


def _in_words(region: instances.Region, case_id: UUID, sentence: str) -> str:
    """The checker names ids and UTC; people read names and local time. Another case's
    panel is not named: the caller may not be allowed to know of it."""
    sentence = _OTHER_PANEL.sub("another panel", sentence)
    sentence = sentence.replace(f"Panel {case_id}", "This panel")
    sentence = sentence.replace(f"panel {case_id}", "this panel")
    for key, row in {**region.facilitators, **region.venues}.items():
        sentence = sentence.replace(key, row["name"])
    return _UTC_SPAN.sub(_local_span, sentence)


async def _ready(actor: Actor, case_id: UUID, *, lock: bool = False) -> dict[str, Any]:
    case = await case_in_scope(actor, case_id, lock=lock)
    if case["status"] != CaseStatus.ready_to_schedule:
        raise RuleBroken(
            "A panel can only be arranged for a case that is ready to schedule: everyone "
            f"needed has consented and the admission is recorded. This case is {case['status']}.",
            rule="consent_gate",
        )
    return case


async def suggestions(
    actor: Actor, case_id: UUID, *, n: int = SUGGESTIONS, now: datetime | None = None
) -> dict[str, Any]:
    await _ready(actor, case_id)
    return await _suggested(case_id, n=n, now=now)


async def move_suggestions(
    actor: Actor, panel_id: UUID, *, n: int = SUGGESTIONS, now: datetime | None = None
) -> dict[str, Any]:
    """Times the panel could move to: its own holds do not count against it."""
    panel = await panel_in_scope(actor, panel_id)
    return await _suggested(panel["case"], n=n, now=now, leaving_out=panel_id)


async def _suggested(
    case_id: UUID, *, n: int, now: datetime | None, leaving_out: UUID | None = None
) -> dict[str, Any]:
    region = await instances.region(
        [case_id], instances.horizon_from(now or utc_now()), leaving_out=leaving_out
    )
    if region.missing:
        return {"options": [], "reasons": list(region.missing[0].reasons)}
    found = suggest(region.instance, str(case_id), n)
    return {
        "options": [_option(region, o.assignment, o.explanation) for o in found.options],
        "reasons": [_in_words(region, case_id, reason) for reason in found.reasons],
    }


async def ready_cases(actor: Actor) -> list[dict[str, Any]]:
    """Cases waiting for a panel (the coordinator's backlog), oldest referral first."""
    if not actor.is_coordinator:
        raise Forbidden("Only coordinators plan the backlog.")
    return (
        await Case.select(Case.id, Case.reference, Case.area, Case.received_at)
        .where(Case.status == CaseStatus.ready_to_schedule)
        .order_by(Case.received_at)
    )


async def references(case_ids: list[str]) -> list[dict[str, Any]]:
    if not case_ids:
        return []
    return await Case.select(Case.id, Case.reference).where(
        Case.id.is_in([UUID(c) for c in case_ids])
    )


def _around(start: datetime, minutes: int) -> Interval:
    """The window a single booking is checked in: the whole day either side, which holds
    every rule that could touch it (buffers, neighbouring panels)."""
    return Interval(start - timedelta(days=1), start + timedelta(minutes=minutes, days=1))


async def _checked(
    case_id: UUID, data: BookingIn, *, leaving_out: UUID | None = None
) -> tuple[instances.Region, Assignment]:
    minutes = get_settings().panel_minutes
    region = await instances.region(
        [case_id], _around(data.start, minutes), leaving_out=leaving_out
    )
    if region.missing:
        raise RuleBroken(" ".join(region.missing[0].reasons), rule="parties_available")
    assignment = Assignment(
        panel=str(case_id),
        start=data.start,
        end=data.start + timedelta(minutes=minutes),
        venue=str(data.venue_id),
        facilitators=tuple(str(f) for f in data.facilitator_ids),
    )
    problems = violations(region.instance, [assignment])
    if problems:
        raise RuleBroken(_in_words(region, case_id, problems[0]), rule="scheduling")
    return region, assignment


def _arrivals(start: datetime) -> dict[Any, Any]:
    stagger = timedelta(minutes=get_settings().arrival_stagger_minutes)
    return {Panel.harm_causer_arrives_at: start - stagger, Panel.victim_arrives_at: start}


async def _hold(panel_id: UUID, region: instances.Region, assignment: Assignment) -> None:
    """The facilitators' and the venue's time, which the database will not let overlap."""
    venue = region.venues[assignment.venue]
    holds = [
        ResourceHold(
            panel=panel_id, facilitator=UUID(f), starts_at=assignment.start, ends_at=assignment.end
        )
        for f in assignment.facilitators
    ]
    holds.append(
        ResourceHold(
            panel=panel_id,
            venue=UUID(assignment.venue),
            starts_at=assignment.start - timedelta(minutes=venue["setup_minutes"]),
            ends_at=assignment.end + timedelta(minutes=venue["cleardown_minutes"]),
        )
    )
    for hold in holds:  # one at a time, so a clash names its resource
        await ResourceHold.insert(hold)
    await PanelFacilitator.insert(
        *(
            PanelFacilitator(panel=panel_id, facilitator=person["id"], lead=person["lead"])
            for person in _people(region, assignment.facilitators)
        )
    )


@contextlib.asynccontextmanager
async def _refusing_double_booking() -> AsyncIterator[None]:
    """The database's refusal of an overlapping hold (a booking that raced this one and
    won) as a 409 that says what happened; other errors pass through."""
    try:
        yield
    except Exception as problem:
        which = _is_double_booking(problem)
        if which is None:
            raise
        resource = "facilitators" if which == "facilitator_not_double_booked" else "venue"
        raise RuleBroken(
            f"Someone booked the same {resource} at that time a moment ago. Choose another time.",
            rule="double_booking",
        ) from None


async def book(actor: Actor, case_id: UUID, data: BookingIn, now: datetime | None = None) -> UUID:
    """Book the panel: rules re-checked here, holds written, the case scheduled, and
    everyone to be told; all in one transaction, or nothing."""
    now = now or utc_now()
    panel_id = uuid4()
    async with _refusing_double_booking(), write_transaction():
        case = await _ready(actor, case_id, lock=True)
        region, assignment = await _checked(case_id, data)
        venue = region.venues[assignment.venue]
        await Panel.insert(
            Panel(
                id=panel_id,
                case=case_id,
                uid=f"{panel_id}@njp",
                starts_at=assignment.start,
                ends_at=assignment.end,
                venue=UUID(assignment.venue),
                separate_waiting=venue["rooms"] >= 2,
                booked_by=actor.id,
                booked_at=now,
                **{
                    column._meta.name: value
                    for column, value in _arrivals(assignment.start).items()
                },
            )
        )
        await _hold(panel_id, region, assignment)
        await PanelNotice.insert(
            PanelNotice(case=case_id, panel=panel_id, kind=NoticeKind.panel_booked, sequence=0)
        )
        await messaging.panel_changed(NoticeKind.panel_booked, panel_id, now)
        await audit.record_event(
            case_id,
            actor,
            "panel_booked",
            details={
                "panel_id": str(panel_id),
                "start": assignment.start.isoformat(),
                "venue_id": assignment.venue,
                "facilitator_ids": list(assignment.facilitators),
            },
            at=now,
        )
        await move(case, CaseStatus.scheduled, actor, now, details={"panel_id": str(panel_id)})
    return panel_id


async def panel_in_scope(actor: Actor, panel_id: UUID, *, lock: bool = False) -> dict[str, Any]:
    """The panel, if the actor may see it: coordinators, the case's lead facilitator, and
    the facilitators on the panel."""
    query = Panel.select().where(Panel.id == panel_id)
    if lock and not is_sqlite():
        query = query.lock_rows()
    panel = await query.first()
    if panel is None:
        raise NotFound("No such panel.")
    if actor.role is Role.referrer:
        raise NotFound("No such panel.")
    if actor.role is Role.facilitator:
        mine = await Facilitator.select(Facilitator.id).where(Facilitator.user == actor.id).first()
        on_panel = mine is not None and await PanelFacilitator.exists().where(
            (PanelFacilitator.panel == panel_id) & (PanelFacilitator.facilitator == mine["id"])
        )
        leads = await Case.exists().where(
            (Case.id == panel["case"]) & (Case.lead_facilitator == actor.id)
        )
        if not (on_panel or leads):
            raise NotFound("No such panel.")
    return panel


async def reschedule(
    actor: Actor, panel_id: UUID, data: RescheduleIn, now: datetime | None = None
) -> None:
    now = now or utc_now()
    async with _refusing_double_booking(), write_transaction():
        panel = await panel_in_scope(actor, panel_id, lock=True)
        if panel["status"] != PanelStatus.booked:
            raise RuleBroken("Only a booked panel can be moved.", rule="panel_cancelled")
        await case_in_scope(actor, panel["case"], lock=True)
        await ResourceHold.update({ResourceHold.active: False}).where(
            ResourceHold.panel == panel_id
        )
        region, assignment = await _checked(panel["case"], data, leaving_out=panel_id)
        sequence = panel["sequence"] + 1
        venue = region.venues[assignment.venue]
        await Panel.update(
            {
                Panel.starts_at: assignment.start,
                Panel.ends_at: assignment.end,
                Panel.venue: UUID(assignment.venue),
                Panel.separate_waiting: venue["rooms"] >= 2,
                Panel.sequence: sequence,
                Panel.updated_at: now,
                **_arrivals(assignment.start),
            }
        ).where(Panel.id == panel_id)
        before = await PanelFacilitator.select(PanelFacilitator.facilitator).where(
            PanelFacilitator.panel == panel_id
        )
        await PanelFacilitator.delete().where(PanelFacilitator.panel == panel_id)
        await ResourceHold.delete().where(
            (ResourceHold.panel == panel_id) & (ResourceHold.active == False)  # noqa: E712
        )
        await _hold(panel_id, region, assignment)
        await PanelNotice.insert(
            PanelNotice(
                case=panel["case"],
                panel=panel_id,
                kind=NoticeKind.panel_rescheduled,
                sequence=sequence,
            )
        )
        await messaging.panel_changed(NoticeKind.panel_rescheduled, panel_id, now)
        released = {row["facilitator"] for row in before} - {
            UUID(person) for person in assignment.facilitators
        }
        await messaging.facilitators_released(panel_id, released, panel["starts_at"], now)
        await audit.record_event(
            panel["case"],
            actor,
            "panel_rescheduled",
            details={
                "panel_id": str(panel_id),
                "start": assignment.start.isoformat(),
                "venue_id": assignment.venue,
                "facilitator_ids": list(assignment.facilitators),
                "reason": data.reason,
            },
            at=now,
        )


async def cancel(actor: Actor, panel_id: UUID, reason: str, now: datetime | None = None) -> None:
    """Cancel the panel; the case goes back to ready to schedule."""
    now = now or utc_now()
    async with write_transaction():
        panel = await panel_in_scope(actor, panel_id, lock=True)
        if panel["status"] != PanelStatus.booked:
            raise RuleBroken("This panel is already cancelled.", rule="panel_cancelled")
        case = await case_in_scope(actor, panel["case"], lock=True)
        await cancellation.cancel_panel(panel, actor, reason, now)
        if case["status"] == CaseStatus.scheduled:
            await move(
                case, CaseStatus.ready_to_schedule, actor, now, details={"panel_id": str(panel_id)}
            )


async def read_panel(actor: Actor, panel_id: UUID) -> dict[str, Any]:
    panel = await panel_in_scope(actor, panel_id)
    return (await _shaped([panel]))[0]


async def panels_of_case(case_id: UUID) -> list[dict[str, Any]]:
    """For the case's page (whose reader is already allowed to see the case)."""
    rows = await Panel.select().where(Panel.case == case_id).order_by(Panel.starts_at)
    return await _shaped(rows)


async def _shaped(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not panels:
        return []
    ids = [p["id"] for p in panels]
    venues = {
        v["id"]: v for v in await Venue.select().where(Venue.id.is_in([p["venue"] for p in panels]))
    }
    people: dict[UUID, list[dict[str, Any]]] = {}
    for row in await PanelFacilitator.select(
        PanelFacilitator.panel,
        PanelFacilitator.facilitator.as_alias("id"),
        PanelFacilitator.lead,
        PanelFacilitator.facilitator._.user._.name.as_alias("name"),
        PanelFacilitator.facilitator._.user._.email.as_alias("email"),
    ).where(PanelFacilitator.panel.is_in(ids)):
        people.setdefault(row["panel"], []).append(row)
    references = {
        c["id"]: c["reference"]
        for c in await Case.select(Case.id, Case.reference).where(
            Case.id.is_in([p["case"] for p in panels])
        )
    }
    return [
        {
            "id": p["id"],
            "case_id": p["case"],
            "reference": references[p["case"]],
            "status": p["status"],
            "start": p["starts_at"],
            "end": p["ends_at"],
            "venue": _place(venues[p["venue"]]),
            "facilitators": sorted(people.get(p["id"], []), key=lambda f: not f["lead"]),
            "harm_causer_arrives_at": p["harm_causer_arrives_at"],
            "victim_arrives_at": p["victim_arrives_at"],
            "separate_waiting": p["separate_waiting"],
            "sequence": p["sequence"],
            "cancelled_reason": p["cancelled_reason"],
            "uid": p["uid"],
            "booked_by": p["booked_by"],
        }
        for p in panels
    ]


def calendar_entry(
    panel: dict[str, Any], *, role: str | None, organiser: Attendee | None
) -> CalendarEntry:
    """A panel as a calendar entry: the case reference, the venue, the reader's role and
    the scheme's phone. Never a party's name, phone or address."""
    settings = get_settings()
    venue = panel["venue"]
    lines = [f"Neighbourhood Justice Panel for case {panel['reference']}."]
    if role:
        lines.append(f"You are the {role}.")
    if panel["separate_waiting"]:
        lines.append("The venue has separate rooms for each side to wait in.")
    if settings.scheme_phone:
        lines.append(f"Questions: call {settings.scheme_name} on {settings.scheme_phone}.")
    return CalendarEntry(
        uid=panel["uid"],
        sequence=panel["sequence"],
        start=panel["start"],
        end=panel["end"],
        summary=f"Panel {panel['reference']}",
        location=f"{venue['name']}, {venue['address']}",
        description="\n".join(lines),
        status="CANCELLED" if panel["status"] == PanelStatus.cancelled else "CONFIRMED",
        organiser=organiser,
        attendees=tuple(Attendee(name=f["name"], email=f["email"]) for f in panel["facilitators"]),
    )


async def invitation_ics(actor: Actor, panel_id: UUID) -> bytes:
    """The panel's invitation (REQUEST, or CANCEL once cancelled) for its facilitators
    and coordinators."""
    panel = await read_panel(actor, panel_id)
    if actor.role is Role.facilitator and actor.email not in {
        f["email"] for f in panel["facilitators"]
    }:
        raise Forbidden("The invitation is for the panel's facilitators.")
    booker = await User.select(User.name, User.email).where(User.id == panel["booked_by"]).first()
    assert booker is not None
    mine = next((f for f in panel["facilitators"] if f["email"] == actor.email), None)
    role = None if mine is None else ("lead facilitator" if mine["lead"] else "co-facilitator")
    entry = calendar_entry(
        panel, role=role, organiser=Attendee(name=booker["name"], email=booker["email"])
    )
    if panel["status"] == PanelStatus.cancelled:
        return invitation(entry, method="CANCEL", now=utc_now())
    return invitation(entry, method="REQUEST", now=utc_now())


async def entries_for_facilitator(facilitator_id: UUID) -> list[CalendarEntry]:
    ids = [
        row["panel"]
        for row in await PanelFacilitator.select(
            PanelFacilitator.panel, PanelFacilitator.lead
        ).where(PanelFacilitator.facilitator == facilitator_id)
    ]
    panels = await Panel.select().where(Panel.id.is_in(ids)) if ids else []
    shaped = await _shaped(panels)
    entries = []
    for panel in shaped:
        mine = next((f for f in panel["facilitators"] if f["id"] == facilitator_id), None)
        role = "lead facilitator" if mine and mine["lead"] else "co-facilitator"
        entries.append(calendar_entry(panel, role=role, organiser=None))
    return entries


async def entries_for_venue(venue_id: UUID) -> list[CalendarEntry]:
    panels = await Panel.select().where(Panel.venue == venue_id)
    return [calendar_entry(p, role=None, organiser=None) for p in await _shaped(panels)]


async def plan(
    actor: Actor, case_ids: list[UUID] | None, *, seconds: float, now: datetime | None = None
) -> dict[str, Any]:
    """Plan panels for many ready cases at once (nothing is booked: a coordinator looks
    at the plan and books it)."""
    now = now or utc_now()
    ready = await Case.select(Case.id, Case.reference).where(
        Case.status == CaseStatus.ready_to_schedule
    )
    references = {row["id"]: row["reference"] for row in ready}
    wanted = [c for c in (case_ids or list(references)) if c in references]
    started = stopwatch.perf_counter()
    region = await instances.region(wanted, instances.horizon_from(now))
    # In a worker thread: the search takes seconds, and the server answers others meanwhile.
    solution = await asyncio.to_thread(optimise, region.instance, time_limit_seconds=seconds)
    planned = [
        {
            "case_id": UUID(a.panel),
            "reference": references[UUID(a.panel)],
            "option": _option(region, a, "Planned with the whole backlog"),
        }
        for a in solution.assignments
    ]
    unplanned = [
        {"case_id": m.case_id, "reference": references[m.case_id], "reasons": list(m.reasons)}
        for m in region.missing
    ] + [
        {
            "case_id": UUID(u.panel),
            "reference": references[UUID(u.panel)],
            "reasons": [_in_words(region, UUID(u.panel), r) for r in u.reasons],
        }
        for u in solution.unscheduled
    ]
    return {
        "planned": sorted(planned, key=lambda p: p["option"]["start"]),
        "unplanned": unplanned,
        "seconds": round(stopwatch.perf_counter() - started, 2),
    }

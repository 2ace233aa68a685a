"""Reparation work: providers and their sessions, booking the person responsible into
sessions up to the hours they agreed, attendance and hours recorded by the session's
supervisor (through a link, no account) or by staff, and the breach protocol when a
session is missed without a reason the scheme accepts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from notifications import outbox
from notifications.templates import MessageKind
from panels.access import Actor
from panels.accounts.tables import Role
from panels.cases import audit
from panels.cases import service as cases
from panels.cases.tables import CaseStatus
from panels.clock import LONDON, utc_now
from panels.db import is_sqlite, write_transaction
from panels.errors import Forbidden, InvalidInput, NotFound, RuleBroken
from panels.links import service as links
from panels.links.tables import LinkPurpose
from panels.messaging import service as messaging
from panels.outcomes import compliance
from panels.outcomes.tables import ActionKind, ActionStatus, AgreementAction
from panels.reparation.schemas import (
    AttendanceRecord,
    PlacementIn,
    ProviderIn,
    SessionsIn,
)
from panels.reparation.tables import (
    Placement,
    PlacementStatus,
    ReparationProvider,
    ReparationSession,
)

# A supervisor's link works from when the session is made until a week after it ends,
# long enough to record a session late, short enough not to linger.
SUPERVISOR_LINK_AFTER = timedelta(days=7)
# Placements that take up a place and count towards the hours booked.
TAKING_A_PLACE = (PlacementStatus.booked, PlacementStatus.attended)


def _coordinating(actor: Actor) -> None:
    if not actor.is_coordinator:
        raise Forbidden("Reparation providers and sessions are set up by coordinators.")


async def add_provider(actor: Actor, data: ProviderIn) -> dict[str, Any]:
    _coordinating(actor)
    provider_id = uuid4()
    async with write_transaction():
        await ReparationProvider.insert(ReparationProvider(id=provider_id, **data.model_dump()))
    row = await ReparationProvider.select().where(ReparationProvider.id == provider_id).first()
    assert row is not None
    return row


async def providers() -> list[dict[str, Any]]:
    return (
        await ReparationProvider.select()
        .where(ReparationProvider.active == True)  # noqa: E712
        .order_by(ReparationProvider.name)
    )


def weekly_starts(first: date, at: time, weeks: int) -> list[datetime]:
    """The same wall-clock time in London each week, across clock changes."""
    return [
        datetime.combine(first + timedelta(weeks=n), at, tzinfo=LONDON).astimezone(LONDON)
        for n in range(weeks)
    ]


async def add_sessions(
    actor: Actor, provider_id: UUID, data: SessionsIn, now: datetime | None = None
) -> list[dict[str, Any]]:
    """A weekly run of sessions; each gets its supervisor's link (returned once, here, to
    be sent to the supervisor)."""
    _coordinating(actor)
    now = now or utc_now()
    provider = await ReparationProvider.select().where(ReparationProvider.id == provider_id).first()
    if provider is None:
        raise NotFound("No such reparation provider.")
    series = uuid4()
    made = []
    async with write_transaction():
        for start in weekly_starts(data.first_day, data.starts, data.weeks):
            if start <= now:
                continue
            session_id = uuid4()
            end = start + timedelta(minutes=data.minutes)
            await ReparationSession.insert(
                ReparationSession(
                    id=session_id,
                    provider=provider_id,
                    starts_at=start,
                    ends_at=end,
                    capacity=data.capacity,
                    supervisor_name=data.supervisor_name,
                    supervisor_email=data.supervisor_email,
                    address=data.address or provider["address"],
                    series=series,
                )
            )
            token = await links.issue(
                LinkPurpose.supervisor,
                str(session_id),
                lifetime=end + SUPERVISOR_LINK_AFTER - now,
                now=now,
            )
            made.append({"id": session_id, "starts_at": start, "ends_at": end, "link": token})
    if not made:
        raise InvalidInput("Every one of those sessions would be in the past.", field="first_day")
    return made


async def sessions(
    *, provider_id: UUID | None = None, after: datetime | None = None
) -> list[dict[str, Any]]:
    """Upcoming sessions with the places left in each."""
    query = (
        ReparationSession.select(
            ReparationSession.id,
            ReparationSession.provider,
            ReparationSession.provider._.name.as_alias("provider_name"),
            ReparationSession.starts_at,
            ReparationSession.ends_at,
            ReparationSession.capacity,
            ReparationSession.address,
        )
        .where(
            (ReparationSession.starts_at > (after or utc_now()))
            & ReparationSession.cancelled_at.is_null()
        )
        .order_by(ReparationSession.starts_at)
    )
    if provider_id is not None:
        query = query.where(ReparationSession.provider == provider_id)
    rows = await query
    if not rows:
        return []
    taken: dict[UUID, int] = {}
    for placement in await Placement.select(Placement.session).where(
        Placement.session.is_in([r["id"] for r in rows])
        & Placement.status.is_in(list(TAKING_A_PLACE))
    ):
        taken[placement["session"]] = taken.get(placement["session"], 0) + 1
    return [{**row, "places_left": row["capacity"] - taken.get(row["id"], 0)} for row in rows]


async def places_of_case(case_id: UUID) -> list[dict[str, Any]]:
    """Every place the case's person responsible has had in a session, in session order,
    for the case page (whose reader may already see the case)."""
    return (
        await Placement.select(
            Placement.id,
            Placement.action,
            Placement.status,
            Placement.minutes,
            Placement.absence_reason,
            Placement.acceptable,
            Placement.session._.starts_at.as_alias("starts_at"),
            Placement.session._.ends_at.as_alias("ends_at"),
            Placement.session._.provider._.name.as_alias("provider_name"),
        )
        .where(Placement.case == case_id)
        .order_by(Placement.session._.starts_at)
    )


def minutes_of(places: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """(minutes worked, minutes booked and not yet worked) in these places: what the
    supervisor recorded for each attended, the session's length for each booked; the
    rest count for nothing."""
    worked = booked = 0
    for place in places:
        if place["status"] == PlacementStatus.attended:
            worked += place["minutes"]
        elif place["status"] == PlacementStatus.booked:
            booked += int((place["ends_at"] - place["starts_at"]).total_seconds() // 60)
    return worked, booked


async def _minutes_towards(action_id: int) -> tuple[int, int]:
    """(minutes worked, minutes booked and not yet worked) towards an action's hours."""
    return minutes_of(
        await Placement.select(
            Placement.status,
            Placement.minutes,
            Placement.session._.starts_at.as_alias("starts_at"),
            Placement.session._.ends_at.as_alias("ends_at"),
        ).where((Placement.action == action_id) & Placement.status.is_in(list(TAKING_A_PLACE)))
    )


async def book(actor: Actor, case_id: UUID, data: PlacementIn, now: datetime | None = None) -> int:
    """Book the person responsible into a session towards their agreed hours. A full
    session, one already booked, or more hours than were agreed is refused."""
    now = now or utc_now()
    async with write_transaction():
        case = await cases.case_in_scope(actor, case_id, lock=True)
        if actor.role is Role.referrer:
            raise NotFound("No such case.")
        if case["status"] != CaseStatus.agreement:
            raise RuleBroken(
                "Reparation is booked while the case follows its agreement.", rule="agreement"
            )
        action = (
            await AgreementAction.select()
            .where((AgreementAction.id == data.action_id) & (AgreementAction.case == case_id))
            .first()
        )
        if action is None or action["kind"] != ActionKind.reparation_hours:
            raise InvalidInput("Choose the agreement's reparation hours.", field="action_id")
        if action["status"] != ActionStatus.pending:
            raise RuleBroken(f"Those hours are {action['status']}.", rule="action")
        query = ReparationSession.select().where(ReparationSession.id == data.session_id)
        if not is_sqlite():
            query = query.lock_rows()  # one booking of this session at a time
        session = await query.first()
        if session is None or session["cancelled_at"] is not None or session["starts_at"] <= now:
            raise InvalidInput("Choose a session that is still to come.", field="session_id")
        placed = await Placement.select(Placement.party).where(
            (Placement.session == data.session_id) & Placement.status.is_in(list(TAKING_A_PLACE))
        )
        if any(p["party"] == action["owner"] for p in placed):
            raise RuleBroken("They are already booked into that session.", rule="placement")
        if len(placed) >= session["capacity"]:
            raise RuleBroken("That session is full. Choose another.", rule="capacity")
        worked, booked = await _minutes_towards(data.action_id)
        if worked + booked >= action["hours"] * 60:
            raise RuleBroken(
                f"Sessions for all {action['hours']} agreed hours are booked already.",
                rule="hours",
            )
        rows = await Placement.insert(
            Placement(
                session=data.session_id,
                case=case_id,
                action=data.action_id,
                party=action["owner"],
                created_at=now,
            )
        ).returning(Placement.id)
        placement_id = int(rows[0]["id"])
        await _tell_about(
            session, action["owner"], placement_id, MessageKind.reparation_booked, now
        )
        await audit.record_event(
            case_id,
            actor,
            "reparation_booked",
            details={
                "placement_id": placement_id,
                "session_id": str(data.session_id),
                "action_id": data.action_id,
            },
            at=now,
        )
    return placement_id


# Attendance --------------------------------------------------------------------------------


async def supervisor_session(token: str, now: datetime | None = None) -> dict[str, Any]:
    """What a supervisor's link shows: their session, and who is booked into it by first
    name and initial (enough to greet them at the door, no more)."""
    link = await links.valid(token, LinkPurpose.supervisor, now)
    return await _session_sheet(UUID(link["subject"]))


async def _session_sheet(session_id: UUID) -> dict[str, Any]:
    session = (
        await ReparationSession.select(
            ReparationSession.id,
            ReparationSession.starts_at,
            ReparationSession.ends_at,
            ReparationSession.address,
            ReparationSession.supervisor_name,
            ReparationSession.provider._.name.as_alias("provider_name"),
        )
        .where(ReparationSession.id == session_id)
        .first()
    )
    if session is None:
        raise NotFound(links.REFUSED)
    people = (
        await Placement.select(
            Placement.id,
            Placement.status,
            Placement.minutes,
            Placement.absence_reason,
            Placement.party._.name.as_alias("name"),
        )
        .where((Placement.session == session_id) & (Placement.status != PlacementStatus.cancelled))
        .order_by(Placement.id)
    )
    return {
        **session,
        "people": [
            {
                "placement_id": p["id"],
                "greeting": _first_name_and_initial(p["name"]),
                "status": p["status"],
                "minutes": p["minutes"],
                "absence_reason": p["absence_reason"],
            }
            for p in people
        ],
    }


def _first_name_and_initial(name: str) -> str:
    parts = name.split()
    if len(parts) < 2:
        return parts[0] if parts else ""
    return f"{parts[0]} {parts[-1][0]}."


async def record_by_supervisor(
    token: str, records: list[AttendanceRecord], now: datetime | None = None
) -> None:
    """A supervisor records their own session, and only it, through their link."""
    now = now or utc_now()
    async with write_transaction():
        link = await links.use(token, LinkPurpose.supervisor, now)
        await _record(UUID(link["subject"]), records, None, now)


async def record_by_staff(
    actor: Actor, session_id: UUID, records: list[AttendanceRecord], now: datetime | None = None
) -> None:
    now = now or utc_now()
    if actor.role is Role.referrer:
        raise Forbidden("Attendance is recorded by supervisors and staff.")
    async with write_transaction():
        for placement in await Placement.select(Placement.case).where(
            Placement.session == session_id
        ):
            await cases.case_in_scope(actor, placement["case"])
        await _record(session_id, records, actor, now)


async def _record(
    session_id: UUID, records: list[AttendanceRecord], actor: Actor | None, now: datetime
) -> None:
    if not records:
        return
    session = await ReparationSession.select().where(ReparationSession.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    if now < session["starts_at"]:
        raise RuleBroken("Attendance is recorded once the session has started.", rule="session")
    for index, record in enumerate(records):
        placement = (
            await Placement.select()
            .where((Placement.id == record.placement_id) & (Placement.session == session_id))
            .first()
        )
        if placement is None or placement["status"] == PlacementStatus.cancelled:
            # Not in this session: a supervisor's link reaches their own session only.
            raise InvalidInput("That person is not booked into this session.", field=f"{index}")
        if placement["status"] != PlacementStatus.booked:
            continue  # recorded already; what was recorded stands
        status = PlacementStatus.attended if record.attended else PlacementStatus.absent
        await Placement.update(
            {
                Placement.status: status,
                Placement.minutes: record.minutes if record.attended else 0,
                Placement.absence_reason: record.absence_reason,
                Placement.acceptable: None if record.attended else record.acceptable,
                Placement.recorded_at: now,
                Placement.recorded_by: actor.id if actor else None,
            }
        ).where(Placement.id == placement["id"])
        await audit.record_event(
            placement["case"],
            actor,
            "reparation_attended" if record.attended else "reparation_missed",
            details={
                "placement_id": placement["id"],
                "minutes": record.minutes if record.attended else 0,
                "acceptable": record.acceptable,
                "by": "staff" if actor else "supervisor",
            },
            at=now,
        )
        if record.attended:
            await _count_hours(placement, now)
        elif not record.acceptable:
            step = await compliance.breach_step(placement["case"], placement["party"], now)
            if step == "chase":
                await _tell_about(
                    session, placement["party"], placement["id"], MessageKind.reparation_missed, now
                )


async def _placement_in_case(actor: Actor, case_id: UUID, placement_id: int) -> dict[str, Any]:
    """Inside a transaction: one of a case's placements (the case locked), for staff,
    while the case follows its agreement."""
    if actor.role is Role.referrer:
        raise NotFound("No such case.")
    case = await cases.case_in_scope(actor, case_id, lock=True)
    placement = (
        await Placement.select(
            *Placement.all_columns(),
            Placement.session._.starts_at.as_alias("starts_at"),
        )
        .where((Placement.id == placement_id) & (Placement.case == case_id))
        .first()
    )
    if placement is None:
        raise NotFound("No such place in a reparation session on this case.")
    if case["status"] != CaseStatus.agreement:
        raise RuleBroken(
            f"Case {case['reference']} is {case['status']}; its reparation no longer changes.",
            rule="agreement",
        )
    return placement


async def _give_up(
    actor: Actor | None, placement: dict[str, Any], details: dict[str, Any], now: datetime
) -> None:
    """A place in a session still to come is freed: its reminders are withdrawn and the
    person is told the session is off (never why)."""
    await Placement.update({Placement.status: PlacementStatus.cancelled}).where(
        Placement.id == placement["id"]
    )
    await outbox.withdraw(now, about=f"placement:{placement['id']}:")
    session = (
        await ReparationSession.select().where(ReparationSession.id == placement["session"]).first()
    )
    assert session is not None
    await _tell_about(
        session, placement["party"], placement["id"], MessageKind.reparation_cancelled, now
    )
    await audit.record_event(
        placement["case"],
        actor,
        "reparation_cancelled",
        details={"placement_id": placement["id"], **details},
        at=now,
    )


async def cancel_placement(
    actor: Actor, case_id: UUID, placement_id: int, reason: str, now: datetime | None = None
) -> None:
    """Staff take someone out of a session still to come."""
    now = now or utc_now()
    if not reason.strip():
        raise InvalidInput("Give a reason for cancelling the place.", field="reason")
    async with write_transaction():
        placement = await _placement_in_case(actor, case_id, placement_id)
        if placement["status"] != PlacementStatus.booked or placement["starts_at"] <= now:
            raise RuleBroken(
                "Only a place in a session still to come can be cancelled.", rule="placement"
            )
        await _give_up(actor, placement, {"reason": reason}, now)


async def release_places(actor: Actor, case_id: UUID, now: datetime) -> int:
    """Inside the transaction that closes the case: every place it has in a session
    still to come is given up, so nobody is reminded of work for a closed case; how
    many."""
    places = await Placement.select().where(
        (Placement.case == case_id)
        & (Placement.status == PlacementStatus.booked)
        & (Placement.session._.starts_at > now)
    )
    for placement in places:
        await _give_up(actor, placement, {"because": "case_closed"}, now)
    return len(places)


async def accept_absence(
    actor: Actor, case_id: UUID, placement_id: int, reason: str, now: datetime | None = None
) -> None:
    """Staff accept the reason for a missed session after it was recorded (they called
    and heard it): the miss no longer counts towards the breach protocol, and a
    coordinator's decision it alone brought on is no longer asked for."""
    now = now or utc_now()
    if not reason.strip():
        raise InvalidInput("Say why the absence is accepted.", field="reason")
    async with write_transaction():
        placement = await _placement_in_case(actor, case_id, placement_id)
        if placement["status"] != PlacementStatus.absent:
            raise RuleBroken("Only a missed session can have its absence accepted.", rule="absence")
        if placement["acceptable"]:
            return  # accepted already; what was recorded stands
        await Placement.update(
            {Placement.acceptable: True, Placement.absence_reason: reason}
        ).where(Placement.id == placement_id)
        await audit.record_event(
            case_id,
            actor,
            "absence_accepted",
            details={"placement_id": placement_id, "reason": reason},
            at=now,
        )
        await compliance.settle_decision(case_id, actor, now)


async def _tell_about(
    session: dict[str, Any], party_id: UUID, placement_id: int, kind: MessageKind, now: datetime
) -> None:
    """A text about their place in a session: booked (with reminders), or missed."""
    provider = (
        await ReparationProvider.select(ReparationProvider.name)
        .where(ReparationProvider.id == session["provider"])
        .first()
    )
    assert provider is not None
    await messaging.tell_party(
        party_id,
        kind,
        now,
        when=session["starts_at"],
        place=provider["name"],
        address=session["address"],
        key=f"placement:{placement_id}",
        reminder=MessageKind.reparation_reminder if kind is MessageKind.reparation_booked else None,
    )


async def _count_hours(placement: dict[str, Any], now: datetime) -> None:
    """Hours worked count against the agreement: once they reach what was agreed, the
    action is done."""
    action = (
        await AgreementAction.select(AgreementAction.hours, AgreementAction.status)
        .where(AgreementAction.id == placement["action"])
        .first()
    )
    assert action is not None
    worked, _ = await _minutes_towards(placement["action"])
    if action["status"] == ActionStatus.pending and worked >= action["hours"] * 60:
        await AgreementAction.update(
            {
                AgreementAction.status: ActionStatus.done,
                AgreementAction.status_reason: f"{worked // 60} hours worked",
                AgreementAction.updated_at: now,
            }
        ).where(AgreementAction.id == placement["action"])
        await audit.record_event(
            placement["case"],
            None,
            "action_status_changed",
            details={"action_id": placement["action"], "from": "pending", "to": "done"},
            at=now,
        )

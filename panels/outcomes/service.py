"""After the panel: recording whether it was held, who came and who agreed, and the
outcome agreement's actions and what became of each. Every change is a case event;
the facilitators' notes stay out of events and out of anything a party is given."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts.tables import Role
from panels.bookings import cancellation
from panels.bookings.service import panel_in_scope
from panels.bookings.tables import PanelStatus
from panels.cases import audit
from panels.cases import service as cases
from panels.cases.lifecycle import REQUIRED_ROLES
from panels.cases.schemas import TransitionIn
from panels.cases.tables import CaseStatus, Outcome, Party, PartyRole
from panels.clock import utc_now
from panels.db import write_transaction
from panels.errors import Forbidden, InvalidInput, NotFound, RuleBroken
from panels.feedback import service as feedback
from panels.outcomes.schemas import ActionChange, ActionIn, PanelRecordIn
from panels.outcomes.tables import (
    AgreementAction,
    PanelAttendance,
    PanelRecord,
    PanelResult,
)
from panels.support.tables import SupportService

ROLE_WORDS = {
    PartyRole.victim: "The person harmed",
    PartyRole.harm_causer: "The person responsible",
    PartyRole.guardian: "The parent or guardian",
    PartyRole.supporter: "A supporter",
    PartyRole.community_representative: "The community representative",
}


async def _parties(case_id: UUID) -> dict[UUID, dict[str, Any]]:
    rows = await Party.select(Party.id, Party.role).where(Party.case == case_id)
    return {row["id"]: row for row in rows}


async def record_panel(
    actor: Actor, panel_id: UUID, data: PanelRecordIn, now: datetime | None = None
) -> None:
    """What happened: held (the case moves on to its agreement), postponed (booked again
    later), or did not go ahead (booked again, or closed by a coordinator)."""
    now = now or utc_now()
    if data.then == "close" and actor.role is not Role.coordinator:
        raise Forbidden("Only a coordinator closes a case.")
    async with write_transaction():
        panel = await panel_in_scope(actor, panel_id, lock=True)
        case = await cases.case_in_scope(actor, panel["case"], lock=True)
        if panel["status"] != PanelStatus.booked:
            raise RuleBroken("This panel was cancelled; there is nothing to record.", rule="panel")
        if await PanelRecord.exists().where(PanelRecord.panel == panel_id):
            raise RuleBroken("What happened at this panel is already recorded.", rule="panel")
        if data.result is PanelResult.held and now < panel["starts_at"]:
            raise RuleBroken("A panel can be recorded as held once it has started.", rule="panel")
        parties = await _parties(case["id"])
        _check_attendance(data, parties)
        rows = await PanelRecord.insert(
            PanelRecord(
                panel=panel_id,
                case=case["id"],
                result=data.result,
                reason=data.reason,
                notes=data.notes,
                recorded_by=actor.id,
                recorded_at=now,
            )
        ).returning(PanelRecord.id)
        record_id = rows[0]["id"]
        for entry in data.attendance:
            await PanelAttendance.insert(
                PanelAttendance(
                    record=record_id,
                    party=entry.party_id,
                    attended=entry.attended,
                    absence_reason=entry.absence_reason,
                    agrees=entry.agrees,
                )
            )
        await audit.record_event(
            case["id"],
            actor,
            "panel_recorded",
            details={
                "panel_id": str(panel_id),
                "result": data.result.value,
                "attendance": [
                    {"party_id": str(a.party_id), "attended": a.attended, "agrees": a.agrees}
                    for a in data.attendance
                ],
            },
            at=now,
        )
        if data.result is PanelResult.held:
            await cases.move(case, CaseStatus.held, actor, now, details={"panel_id": str(panel_id)})
            await feedback.schedule_surveys(case["id"], record_id, now)
            if data.actions:
                await _add_actions(actor, case["id"], record_id, data.actions, parties, now)
                case = await cases.case_in_scope(actor, case["id"])
                await cases.move(case, CaseStatus.agreement, actor, now)
            return
        # Postponed or not held: its time and people are free again, the case waits for
        # another booking.
        await cancellation.cancel_panel(panel, actor, f"{data.result.value}: {data.reason}", now)
        await cases.move(
            case, CaseStatus.ready_to_schedule, actor, now, details={"panel_id": str(panel_id)}
        )
        if data.then == "close":
            await cases.transition(
                actor,
                case["id"],
                TransitionIn(
                    to=CaseStatus.closed, outcome=Outcome.not_proceeding, reason=data.reason
                ),
                now,
            )


def _check_attendance(data: PanelRecordIn, parties: dict[UUID, dict[str, Any]]) -> None:
    seen = [entry.party_id for entry in data.attendance]
    if len(set(seen)) != len(seen):
        raise InvalidInput("Each person is listed once.", field="attendance")
    strangers = set(seen) - set(parties)
    if strangers:
        raise InvalidInput("Everyone listed must be a person in this case.", field="attendance")
    if data.result is PanelResult.held:
        expected = {pid for pid, p in parties.items() if PartyRole(p["role"]) in REQUIRED_ROLES}
        missing = expected - set(seen)
        if missing:
            raise InvalidInput(
                "Record whether each person needed at the panel came "
                f"({len(missing)} not recorded).",
                field="attendance",
            )


async def add_actions(
    actor: Actor, case_id: UUID, actions: list[ActionIn], now: datetime | None = None
) -> list[int]:
    """More of the agreement, after a held panel."""
    now = now or utc_now()
    async with write_transaction():
        case = await cases.case_in_scope(actor, case_id, lock=True)
        if actor.role is Role.referrer:
            raise NotFound("No such case.")
        if case["status"] not in {CaseStatus.held, CaseStatus.agreement}:
            raise RuleBroken("An agreement is recorded after the panel is held.", rule="agreement")
        record = (
            await PanelRecord.select(PanelRecord.id)
            .where((PanelRecord.case == case_id) & (PanelRecord.result == PanelResult.held))
            .order_by(PanelRecord.id, ascending=False)
            .first()
        )
        if record is None:
            raise RuleBroken("Record the panel as held first.", rule="agreement")
        ids = await _add_actions(
            actor, case_id, record["id"], actions, await _parties(case_id), now
        )
        if case["status"] == CaseStatus.held:
            await cases.move(case, CaseStatus.agreement, actor, now)
    return ids


async def _add_actions(
    actor: Actor,
    case_id: UUID,
    record_id: int,
    actions: list[ActionIn],
    parties: dict[UUID, dict[str, Any]],
    now: datetime,
) -> list[int]:
    ids = []
    for index, action in enumerate(actions):
        if action.owner_party_id not in parties:
            raise InvalidInput(
                "Who does it must be a person in this case.", field=f"actions[{index}].owner"
            )
        if action.support_service_id is not None and not await SupportService.exists().where(
            SupportService.id == action.support_service_id
        ):
            raise InvalidInput("No such support service.", field=f"actions[{index}].service")
        rows = await AgreementAction.insert(
            AgreementAction(
                case=case_id,
                record=record_id,
                kind=action.kind,
                owner=action.owner_party_id,
                description=action.description,
                deadline=action.deadline,
                hours=action.hours,
                task_type=action.task_type,
                support_service=action.support_service_id,
                created_by=actor.id,
                created_at=now,
                updated_at=now,
            )
        ).returning(AgreementAction.id)
        action_id = int(rows[0]["id"])
        ids.append(action_id)
        await audit.record_event(
            case_id,
            actor,
            "action_agreed",
            details={
                "action_id": action_id,
                "kind": action.kind.value,
                "owner_party_id": str(action.owner_party_id),
                "deadline": action.deadline.isoformat(),
                "hours": action.hours,
            },
            at=now,
        )
    return ids


async def change_action(
    actor: Actor, action_id: int, data: ActionChange, now: datetime | None = None
) -> None:
    now = now or utc_now()
    async with write_transaction():
        action = (
            await AgreementAction.select(
                AgreementAction.case, AgreementAction.status, AgreementAction.kind
            )
            .where(AgreementAction.id == action_id)
            .first()
        )
        if action is None or actor.role is Role.referrer:
            raise NotFound("No such action.")
        try:
            case = await cases.case_in_scope(actor, action["case"], lock=True)
        except NotFound:
            raise NotFound("No such action.") from None
        if case["status"] == CaseStatus.closed:
            raise RuleBroken("The case is closed; its agreement no longer changes.", rule="closed")
        if action["status"] == data.status:
            raise RuleBroken(f"The action is already {data.status.value}.", rule="action")
        await AgreementAction.update(
            {
                AgreementAction.status: data.status,
                AgreementAction.status_reason: data.reason,
                AgreementAction.updated_at: now,
            }
        ).where(AgreementAction.id == action_id)
        await audit.record_event(
            action["case"],
            actor,
            "action_status_changed",
            details={
                "action_id": action_id,
                "from": action["status"],
                "to": data.status.value,
                "reason": data.reason,
            },
            at=now,
        )


async def agreement(actor: Actor, case_id: UUID) -> dict[str, Any] | None:
    """The latest panel record of the case with its attendance and actions, for staff;
    None before any panel is recorded."""
    await cases.case_in_scope(actor, case_id)
    if actor.role is Role.referrer:
        raise NotFound("No such case.")
    record = (
        await PanelRecord.select()
        .where(PanelRecord.case == case_id)
        .order_by(PanelRecord.id, ascending=False)
        .first()
    )
    if record is None:
        return None
    roles = {pid: ROLE_WORDS[PartyRole(p["role"])] for pid, p in (await _parties(case_id)).items()}
    attendance = await PanelAttendance.select().where(PanelAttendance.record == record["id"])
    actions = (
        await AgreementAction.select()
        .where(AgreementAction.case == case_id)
        .order_by(AgreementAction.deadline)
        .order_by(AgreementAction.id)
    )
    return {
        "panel_id": record["panel"],
        "result": record["result"],
        "reason": record["reason"],
        "recorded_at": record["recorded_at"],
        "notes": record["notes"],
        "attendance": [
            {
                "party_id": a["party"],
                "role": roles[a["party"]],
                "attended": a["attended"],
                "absence_reason": a["absence_reason"],
                "agrees": a["agrees"],
            }
            for a in attendance
        ],
        "actions": [
            {
                "id": a["id"],
                "kind": a["kind"],
                "owner_party_id": a["owner"],
                "owner_role": roles[a["owner"]],
                "description": a["description"],
                "deadline": a["deadline"],
                "hours": a["hours"],
                "task_type": a["task_type"],
                "support_service_id": a["support_service"],
                "status": a["status"],
                "status_reason": a["status_reason"],
            }
            for a in actions
        ],
    }

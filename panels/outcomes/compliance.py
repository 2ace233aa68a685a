"""The breach protocol: what happens when the person responsible misses part of their
agreement (a reparation session, or an action's deadline) without a reason the scheme
accepts. By default a first miss brings a text and a call from their facilitator; from
the second on a coordinator decides whether to carry on, waive what was missed, or close
the case as breached."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from notifications.templates import MessageKind
from panels.access import Actor
from panels.cases import audit
from panels.cases import service as cases
from panels.cases.schemas import TransitionIn
from panels.cases.tables import CaseStatus, Outcome
from panels.clock import london_today, utc_now
from panels.db import write_transaction
from panels.errors import Forbidden, RuleBroken
from panels.messaging import service as messaging
from panels.outcomes.tables import ActionStatus, AgreementAction
from panels.reparation.tables import Placement, PlacementStatus
from panels.settings import get_settings
from panels.tasks.service import raise_task
from panels.tasks.tables import Task, TaskKind

Decision = Literal["carry_on", "waive", "close"]


async def misses(case_id: UUID) -> int:
    """Missed sessions and deadlines that count: not those with an accepted reason."""
    sessions_missed = await Placement.count().where(
        (Placement.case == case_id)
        & (Placement.status == PlacementStatus.absent)
        & (Placement.acceptable != True)  # noqa: E712
    )
    deadlines_missed = await AgreementAction.count().where(
        (AgreementAction.case == case_id) & (AgreementAction.status == ActionStatus.missed)
    )
    return int(sessions_missed) + int(deadlines_missed)


async def breach_step(case_id: UUID, party_id: UUID, now: datetime) -> str:
    """Inside the transaction that recorded a miss: the protocol's next step, and what
    it was ("chase" or "decide")."""
    settings = get_settings()
    count = await misses(case_id)
    step = "decide" if count >= settings.breach_decide_after else "chase"
    await audit.record_event(
        case_id, None, "breach_protocol", details={"misses": count, "step": step}, at=now
    )
    if step == "chase":
        await raise_task(
            case_id,
            TaskKind.call_party,
            "They missed part of their agreement. Call them to find out why and rearrange.",
            now,
            party_id=party_id,
        )
        return step
    await raise_task(
        case_id,
        TaskKind.breach_decision,
        f"They have missed {count} parts of their agreement. A coordinator decides: carry "
        "on, waive what was missed, or close the case as breached.",
        now,
        party_id=party_id,
    )
    return step


async def _decision_done(case_id: UUID, actor: Actor, now: datetime) -> list[dict[str, Any]]:
    """The case's open requests for a coordinator's decision, marked done; their ids."""
    done: list[dict[str, Any]] = (
        await Task.update({Task.done_at: now, Task.done_by: actor.id})
        .where(
            (Task.case == case_id)
            & (Task.kind == TaskKind.breach_decision)
            & Task.done_at.is_null()
        )
        .returning(Task.id)
    )
    return done


async def settle_decision(case_id: UUID, actor: Actor, now: datetime) -> None:
    """Inside the transaction that accepted a reason for a miss: if the misses that count
    are now too few to need a coordinator, the decision they were asked for is done."""
    if await misses(case_id) >= get_settings().breach_decide_after:
        return
    for task in await _decision_done(case_id, actor, now):
        await audit.record_event(
            case_id,
            actor,
            "task_done",
            details={"task_id": task["id"], "kind": TaskKind.breach_decision.value},
            at=now,
        )


async def missed_deadlines(now: datetime | None = None) -> int:
    """Actions still pending the day after their deadline are missed, and the protocol
    takes its next step for each; how many. Run daily (`njp follow-up`)."""
    now = now or utc_now()
    today: date = london_today(now)
    overdue = await AgreementAction.select(
        AgreementAction.id, AgreementAction.case, AgreementAction.owner
    ).where(
        (AgreementAction.status == ActionStatus.pending)
        & (AgreementAction.deadline < today)
        & (AgreementAction.case._.status == CaseStatus.agreement)
    )
    for action in overdue:
        async with write_transaction():
            changed = (
                await AgreementAction.update(
                    {
                        AgreementAction.status: ActionStatus.missed,
                        AgreementAction.status_reason: "The deadline passed.",
                        AgreementAction.updated_at: now,
                    }
                )
                .where(
                    (AgreementAction.id == action["id"])
                    & (AgreementAction.status == ActionStatus.pending)
                )
                .returning(AgreementAction.id)
            )
            if not changed:
                continue  # someone recorded it meanwhile
            await audit.record_event(
                action["case"],
                None,
                "action_status_changed",
                details={"action_id": action["id"], "from": "pending", "to": "missed"},
                at=now,
            )
            if await breach_step(action["case"], action["owner"], now) == "chase":
                await messaging.tell_party(
                    action["owner"],
                    MessageKind.agreement_chase,
                    now,
                    key=f"action:{action['id']}:missed",
                )
    return len(overdue)


async def decide(
    actor: Actor, case_id: UUID, decision: Decision, reason: str, now: datetime | None = None
) -> None:
    """A coordinator's decision after repeated misses."""
    now = now or utc_now()
    if not actor.is_coordinator:
        raise Forbidden("A coordinator decides what happens after repeated misses.")
    if not reason.strip():
        raise RuleBroken("Give a reason for the decision.", rule="breach_decision")
    async with write_transaction():
        case = await cases.case_in_scope(actor, case_id, lock=True)
        if case["status"] != CaseStatus.agreement:
            raise RuleBroken("Only a case following its agreement can breach it.", rule="breach")
        await audit.record_event(
            case_id,
            actor,
            "breach_decided",
            details={"decision": decision, "reason": reason},
            at=now,
        )
        if decision == "waive":
            missed: list[dict[str, Any]] = await AgreementAction.select(AgreementAction.id).where(
                (AgreementAction.case == case_id) & (AgreementAction.status == ActionStatus.missed)
            )
            for action in missed:
                await AgreementAction.update(
                    {
                        AgreementAction.status: ActionStatus.waived,
                        AgreementAction.status_reason: reason,
                        AgreementAction.updated_at: now,
                    }
                ).where(AgreementAction.id == action["id"])
        await _decision_done(case_id, actor, now)
        if decision == "close":
            await cases.transition(
                actor,
                case_id,
                TransitionIn(to=CaseStatus.closed, outcome=Outcome.breached, reason=reason),
                now,
            )

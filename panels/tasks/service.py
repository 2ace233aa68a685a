"""Tasks for people: raised by the service (inside the transaction of what caused them),
listed for whoever must do them, and marked done."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts.tables import Role
from panels.cases import audit
from panels.cases.tables import Case
from panels.clock import utc_now
from panels.db import write_transaction
from panels.errors import NotFound, RuleBroken
from panels.tasks.tables import Task, TaskKind


async def raise_task(
    case_id: UUID, kind: TaskKind, summary: str, now: datetime, *, party_id: UUID | None = None
) -> int | None:
    """Inside a write transaction: a task for the case's lead facilitator (coordinators
    see it too). The same open task for the same person is not raised twice: three
    reminders that cannot reach one phone make one call to make. Its id, or None."""
    if await Task.exists().where(
        (Task.case == case_id)
        & (Task.kind == kind)
        & (Task.party == party_id if party_id else Task.party.is_null())
        & Task.done_at.is_null()
    ):
        return None
    case = await Case.select(Case.lead_facilitator).where(Case.id == case_id).first()
    assert case is not None
    rows = await Task.insert(
        Task(
            case=case_id,
            party=party_id,
            assignee=case["lead_facilitator"],
            kind=kind,
            summary=summary,
            created_at=now,
        )
    ).returning(Task.id)
    task_id = int(rows[0]["id"])
    details: dict[str, Any] = {"task_id": task_id, "kind": kind.value}
    if party_id:
        details["party_id"] = str(party_id)
    await audit.record_event(case_id, None, "task_raised", details=details, at=now)
    return task_id


_COLUMNS = (
    Task.id,
    Task.case.as_alias("case_id"),
    Task.case.reference.as_alias("reference"),
    Task.party.as_alias("party_id"),
    Task.party.role.as_alias("party_role"),
    Task.kind,
    Task.summary,
    Task.created_at,
    Task.done_at,
)


async def open_tasks(actor: Actor) -> list[dict[str, Any]]:
    """What is left to do: a facilitator's own tasks, or every open task for a
    coordinator; oldest first."""
    query = Task.select(*_COLUMNS).where(Task.done_at.is_null()).order_by(Task.id)
    if actor.role is Role.facilitator:
        query = query.where(Task.assignee == actor.id)
    elif actor.role is not Role.coordinator:
        return []
    return await query


async def tasks_of_case(case_id: UUID) -> list[dict[str, Any]]:
    """For the case's page, whose reader may already see the case."""
    return await Task.select(*_COLUMNS).where(Task.case == case_id).order_by(Task.id)


async def mark_done(actor: Actor, task_id: int, now: datetime | None = None) -> None:
    # Here, not at the top: the case service imports (through cancellation) this module.
    from panels.cases import service as cases

    now = now or utc_now()
    async with write_transaction():
        task = (
            await Task.select(Task.case, Task.kind, Task.done_at).where(Task.id == task_id).first()
        )
        if task is None:
            raise NotFound("No such task.")
        try:
            await cases.case_in_scope(actor, task["case"])
        except NotFound:
            raise NotFound("No such task.") from None
        if actor.role is Role.referrer:
            raise NotFound("No such task.")
        if task["done_at"] is not None:
            raise RuleBroken("This task is already done.", rule="task_done")
        await Task.update({Task.done_at: now, Task.done_by: actor.id}).where(Task.id == task_id)
        await audit.record_event(
            task["case"],
            actor,
            "task_done",
            details={"task_id": task_id, "kind": task["kind"]},
            at=now,
        )

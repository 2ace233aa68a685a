"""The case timeline (every change, append-only) and the log of views of personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts.service import person, person_columns
from panels.cases.tables import CaseEvent, CaseStatus, PersonalDataView
from panels.clock import utc_now
from panels.db import write_transaction


async def record_event(
    case_id: UUID,
    actor: Actor | None,
    kind: str,
    *,
    details: dict[str, Any] | None = None,
    from_status: CaseStatus | None = None,
    to_status: CaseStatus | None = None,
    at: datetime | None = None,
) -> None:
    """Call inside the write transaction that makes the change, so both land or neither.
    `details` must hold no names or contact details: ids, roles and choices only."""
    await CaseEvent.insert(
        CaseEvent(
            case=case_id,
            at=at or utc_now(),
            actor=actor.id if actor else None,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            details=details or {},
        )
    )


async def record_view(case_id: UUID, actor: Actor, endpoint: str) -> None:
    async with write_transaction():
        await PersonalDataView.insert(
            PersonalDataView(case=case_id, viewer=actor.id, endpoint=endpoint[:200])
        )


async def timeline(case_id: UUID) -> list[dict[str, Any]]:
    rows = (
        await CaseEvent.select(
            CaseEvent.at,
            CaseEvent.kind,
            CaseEvent.from_status,
            CaseEvent.to_status,
            CaseEvent.details,
            *person_columns(CaseEvent.actor),
        )
        .where(CaseEvent.case == case_id)
        .order_by(CaseEvent.id)
        .output(load_json=True)
    )
    return [{**row, "actor": person(row, "actor")} for row in rows]


async def status_changes(case_id: UUID) -> list[dict[str, Any]]:
    return (
        await CaseEvent.select(CaseEvent.at, CaseEvent.from_status, CaseEvent.to_status)
        .where((CaseEvent.case == case_id) & CaseEvent.to_status.is_not_null())
        .order_by(CaseEvent.id)
    )


async def views(case_id: UUID) -> list[dict[str, Any]]:
    rows = (
        await PersonalDataView.select(
            PersonalDataView.at,
            PersonalDataView.endpoint,
            *person_columns(PersonalDataView.viewer),
        )
        .where(PersonalDataView.case == case_id)
        .order_by(PersonalDataView.id, ascending=False)
    )
    return [{**row, "viewer": person(row, "viewer")} for row in rows]

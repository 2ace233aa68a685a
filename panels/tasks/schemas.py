"""The shapes of the tasks API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from panels.cases.tables import PartyRole
from panels.tasks.tables import TaskKind


class TaskOut(BaseModel):
    id: int
    case_id: UUID
    reference: str
    party_id: UUID | None
    party_role: PartyRole | None
    kind: TaskKind
    summary: str
    created_at: datetime
    done_at: datetime | None

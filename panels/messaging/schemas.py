"""The shapes of the texts API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field


class TextOut(BaseModel):
    direction: Literal["out", "in"] = Field(description="out: we texted them; in: they replied")
    at: datetime
    party_id: UUID | None
    body: str
    kind: str | None = Field(default=None, description="For texts sent: invitation, reminder, ...")
    status: str | None = Field(
        default=None, description="For texts sent: queued, sent, failed, ..."
    )
    delivery_status: str | None = None
    intent: str | None = Field(default=None, description="For replies: what it was understood as")
    reply: str | None = Field(default=None, description="For replies: what we answered")

"""The shapes of the panel booking API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from panels.bookings.tables import PanelStatus

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class PlaceOut(BaseModel):
    id: UUID
    name: str
    area: str
    address: str
    separate_waiting: bool


class FacilitatorOnPanel(BaseModel):
    id: UUID
    name: str
    lead: bool


class OptionOut(BaseModel):
    start: datetime
    end: datetime
    venue: PlaceOut
    facilitators: list[FacilitatorOnPanel]
    explanation: str


class SuggestionsOut(BaseModel):
    options: list[OptionOut]
    reasons: list[str] = Field(description="Why no time can be offered; empty when some can.")


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime
    venue_id: UUID
    facilitator_ids: list[UUID] = Field(min_length=2, max_length=2)


class RescheduleIn(BookingIn):
    reason: Reason


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class PanelOut(BaseModel):
    id: UUID
    case_id: UUID
    reference: str
    status: PanelStatus
    start: datetime
    end: datetime
    venue: PlaceOut
    facilitators: list[FacilitatorOnPanel]
    harm_causer_arrives_at: datetime = Field(description="The person responsible, first.")
    victim_arrives_at: datetime = Field(description="The person harmed, after them.")
    separate_waiting: bool
    sequence: int = Field(description="The calendar SEQUENCE: raised by every change.")
    cancelled_reason: str | None


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_ids: list[UUID] | None = Field(
        default=None, description="Which ready cases to plan; all of them when empty."
    )
    seconds: float = Field(default=10.0, gt=0, le=120)


class PlannedPanel(BaseModel):
    case_id: UUID
    reference: str
    option: OptionOut


class Unplanned(BaseModel):
    case_id: UUID
    reference: str
    reasons: list[str]


class PlanOut(BaseModel):
    planned: list[PlannedPanel]
    unplanned: list[Unplanned]
    seconds: float

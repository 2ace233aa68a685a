"""The shapes of the reparation API."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from panels.phones import PhoneNumber
from panels.reparation.tables import PlacementStatus, ProviderKind

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderIn(Strict):
    name: Line
    kind: ProviderKind
    address: Address
    area: Line
    phone: PhoneNumber | None = None


class SessionsIn(Strict):
    """A weekly run of sessions: the first day, the London time they start, how long."""

    first_day: date
    starts: time
    minutes: int = Field(ge=30, le=8 * 60)
    weeks: int = Field(default=1, ge=1, le=26)
    capacity: int = Field(ge=1, le=30)
    supervisor_name: Line
    supervisor_email: EmailStr | None = None
    address: Address | None = Field(default=None, description="If not the provider's address.")


class PlacementIn(Strict):
    session_id: UUID
    action_id: int = Field(description="The agreement's reparation hours this counts towards.")


class ReasonIn(Strict):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
    ] = Field(description="Why; kept on the case, never texted.")


class AttendanceRecord(Strict):
    placement_id: int
    attended: bool
    minutes: int = Field(default=0, ge=0, le=8 * 60, description="Time worked, if they came.")
    absence_reason: Reason = ""
    acceptable: bool = Field(
        default=False, description="An absence with a reason the scheme accepts (illness...)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> AttendanceRecord:
        if self.attended and self.minutes == 0:
            raise ValueError("Say how long they worked")
        if not self.attended and self.acceptable and not self.absence_reason:
            raise ValueError("Say why the absence is accepted")
        return self


class SessionOut(BaseModel):
    id: UUID
    provider: UUID
    provider_name: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    address: str
    places_left: int


class MadeSession(BaseModel):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    link: str = Field(description="The supervisor's link token: shown once, send it to them.")


class ProviderOut(BaseModel):
    id: UUID
    name: str
    kind: ProviderKind
    address: str
    area: str
    phone: str | None
    active: bool


class PlacementOut(BaseModel):
    id: int
    status: PlacementStatus

"""The shapes of the venues API."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from panels.phones import PhoneNumber
from panels.venues.tables import VenueFeature

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class VenueChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line | None = None
    address: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
        | None
    ) = None
    postcode: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=10)] | None
    ) = None
    area: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    capacity: int | None = Field(default=None, ge=2, le=500)
    rooms: int | None = Field(
        default=None, ge=1, le=50, description="Two or more allow separate waiting rooms."
    )
    features: list[VenueFeature] | None = None
    contact_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None
    ) = None
    contact_phone: PhoneNumber | None = None
    contact_email: EmailStr | None = None
    setup_minutes: int | None = Field(default=None, ge=0, le=240)
    cleardown_minutes: int | None = Field(default=None, ge=0, le=240)
    opens_on_bank_holidays: bool | None = None
    active: bool | None = None


class VenueIn(VenueChange):
    name: Line
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    postcode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=10)]
    area: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    capacity: int = Field(ge=2, le=500)


class VenueOut(BaseModel):
    id: UUID
    name: str
    address: str
    postcode: str
    area: str
    capacity: int
    rooms: int
    separate_waiting: bool = Field(description="Two or more rooms: people can wait apart.")
    features: list[VenueFeature]
    contact_name: str
    contact_phone: str
    contact_email: str
    setup_minutes: int
    cleardown_minutes: int
    opens_on_bank_holidays: bool
    active: bool

"""The shapes of the facilitators API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from panels.facilitators.tables import ConflictKind, Skill
from panels.phones import PhoneNumber

Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LanguageCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z]{2,3}$")]


class Conflict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ConflictKind
    value: Word


class ProfileFields(BaseModel):
    """What a facilitator may change about themselves."""

    model_config = ConfigDict(extra="forbid")

    languages: list[LanguageCode] | None = Field(
        default=None, description="Languages spoken, as ISO 639 codes: en, cy, pl ..."
    )
    areas: list[Word] | None = None
    max_panels_per_month: int | None = Field(default=None, ge=0, le=31)
    conflicts: list[Conflict] | None = Field(
        default=None,
        description="People they know, streets or postcodes they live near or avoid.",
    )
    works_bank_holidays: bool | None = None
    phone: PhoneNumber | None = Field(
        default=None, description="Their mobile, for texts about their panels (optional)."
    )


class FacilitatorChange(ProfileFields):
    """What a coordinator may change as well: training and the DBS check."""

    skills: list[Skill] | None = None
    dbs_expires_on: date | None = None


class FacilitatorIn(FacilitatorChange):
    user_id: UUID


class CalendarSource(BaseModel):
    source: Literal["none", "upload", "url"]
    fetched_at: datetime | None
    problem: str | None


class FacilitatorOut(BaseModel):
    id: UUID
    user_id: UUID
    name: str
    email: str
    active: bool
    skills: list[Skill]
    languages: list[str]
    dbs_expires_on: date | None
    dbs_valid: bool = Field(description="False when the check has expired or is not recorded.")
    dbs_expiring_soon: bool = Field(description="Valid, but expiring within 30 days.")
    areas: list[str]
    max_panels_per_month: int
    conflicts: list[Conflict]
    works_bank_holidays: bool
    phone: str | None
    calendar: CalendarSource


class CalendarIn(BaseModel):
    """Their own calendar, whose busy times block panels: a feed address the service
    fetches, or an uploaded .ics file; neither, to stop using one."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        default=None, description="https:// or webcal:// address of their calendar feed."
    )
    ics: Annotated[str, StringConstraints(max_length=5_000_000)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> CalendarIn:
        if self.url and self.ics:
            raise ValueError("Give a calendar address or a file, not both")
        return self


class FeedLink(BaseModel):
    url: str = Field(description="Private: anyone with it can see this calendar.")

"""The shapes of availability in the API: weekly patterns, one-off windows, free time."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from panels.cases.schemas import Window

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class WeeklyWindowIn(BaseModel):
    """Either `days` (with `every_weeks`, `until`) or a full RFC 5545 `rrule`."""

    model_config = ConfigDict(extra="forbid")

    days: list[Annotated[str, StringConstraints(pattern=r"^(MO|TU|WE|TH|FR|SA|SU)$")]] = Field(
        default_factory=list, description="Two-letter days, MO to SU."
    )
    every_weeks: int = Field(default=1, ge=1, le=8)
    until: date | None = None
    rrule: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="An RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=TU,TH."
    )
    starts: time = Field(description="Local (Europe/London) start time.")
    ends: time = Field(description="Local end time, the same day.")
    first_day: date | None = Field(default=None, description="From this date; today if empty.")

    @model_validator(mode="after")
    def _rule_and_times(self) -> WeeklyWindowIn:
        if not self.rrule and not self.days:
            raise ValueError("Choose at least one day of the week")
        if self.ends <= self.starts:
            raise ValueError("The end time must be after the start time, on the same day")
        return self

    def rule(self) -> str:
        if self.rrule:
            return self.rrule
        days = ",".join(day for day in WEEKDAYS if day in self.days)
        rule = f"FREQ=WEEKLY;BYDAY={days}"
        if self.every_weeks > 1:
            rule += f";INTERVAL={self.every_weeks}"
        if self.until:
            rule += f";UNTIL={self.until:%Y%m%d}T235959Z"
        return rule


class WeeklyWindowOut(BaseModel):
    id: int
    rrule: str
    starts: time
    ends: time
    first_day: date


class OneOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime
    end: AwareDatetime
    available: bool = Field(description="True: an extra time; false: away, or closed.")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""

    @model_validator(mode="after")
    def _ordered(self) -> OneOffIn:
        if self.end <= self.start:
            raise ValueError("The end must be after the start")
        return self


class OneOffOut(OneOffIn):
    id: UUID


class AvailabilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekly: list[WeeklyWindowIn] = Field(default_factory=list, max_length=50)
    one_offs: list[OneOffIn] = Field(default_factory=list, max_length=200)


class AvailabilityOut(BaseModel):
    weekly: list[WeeklyWindowOut]
    one_offs: list[OneOffOut]


class FreeTime(BaseModel):
    start: AwareDatetime
    end: AwareDatetime
    windows: list[Window]

"""Reading and changing when a facilitator can work or a venue is open, and asking when
they are free: the stored rows become the pure `scheduling.availability` model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from panels.availability.schemas import AvailabilityIn, OneOffIn, WeeklyWindowIn
from panels.availability.tables import OneOffWindow, WeeklyWindow
from panels.db import write_transaction
from panels.errors import InvalidInput
from scheduling.availability import Availability, free_between
from scheduling.intervals import Interval
from scheduling.recurrence import WeeklyWindow as Weekly

# Free-time questions longer than this are a mistake or an attempt to tie up the server.
LONGEST_QUESTION = timedelta(days=366)


@dataclass(frozen=True)
class Owner:
    """Whose availability: one facilitator or one venue."""

    facilitator: UUID | None = None
    venue: UUID | None = None

    def __post_init__(self) -> None:
        if (self.facilitator is None) == (self.venue is None):
            raise ValueError("an owner is one facilitator or one venue")

    def of(self, table: type[WeeklyWindow] | type[OneOffWindow]) -> Any:
        if self.facilitator is not None:
            return table.facilitator == self.facilitator
        return table.venue == self.venue

    def columns(self) -> dict[str, Any]:
        return {"facilitator": self.facilitator, "venue": self.venue}


async def read(owner: Owner) -> dict[str, Any]:
    weekly = (
        await WeeklyWindow.select(
            WeeklyWindow.id,
            WeeklyWindow.rrule,
            WeeklyWindow.starts,
            WeeklyWindow.ends,
            WeeklyWindow.first_day,
        )
        .where(owner.of(WeeklyWindow))
        .order_by(WeeklyWindow.id)
    )
    one_offs = (
        await OneOffWindow.select(
            OneOffWindow.id,
            OneOffWindow.starts_at.as_alias("start"),
            OneOffWindow.ends_at.as_alias("end"),
            OneOffWindow.available,
            OneOffWindow.note,
        )
        .where(owner.of(OneOffWindow))
        .order_by(OneOffWindow.starts_at)
    )
    return {"weekly": weekly, "one_offs": one_offs}


def _pattern(window: WeeklyWindowIn, today: date, field: str) -> Weekly:
    try:
        return Weekly(
            rrule=window.rule(),
            starts=window.starts,
            ends=window.ends,
            first_day=window.first_day or today,
        )
    except ValueError as problem:
        raise InvalidInput(str(problem), field=field) from None


def _weekly_row(owner: Owner, pattern: Weekly) -> WeeklyWindow:
    return WeeklyWindow(
        **owner.columns(),
        rrule=pattern.rrule,
        starts=pattern.starts,
        ends=pattern.ends,
        first_day=pattern.first_day,
    )


def _one_off_row(owner: Owner, window: OneOffIn) -> OneOffWindow:
    return OneOffWindow(
        **owner.columns(),
        starts_at=window.start,
        ends_at=window.end,
        available=window.available,
        note=window.note,
    )


async def replace(owner: Owner, data: AvailabilityIn, today: date) -> None:
    """The owner's weekly pattern and one-off windows become these."""
    patterns = [_pattern(w, today, f"weekly[{i}]") for i, w in enumerate(data.weekly)]
    async with write_transaction():
        await WeeklyWindow.delete().where(owner.of(WeeklyWindow))
        await OneOffWindow.delete().where(owner.of(OneOffWindow))
        if patterns:
            await WeeklyWindow.insert(*(_weekly_row(owner, p) for p in patterns))
        if data.one_offs:
            await OneOffWindow.insert(*(_one_off_row(owner, o) for o in data.one_offs))


async def add_weekly(owner: Owner, window: WeeklyWindowIn, today: date) -> None:
    pattern = _pattern(window, today, "weekly")
    async with write_transaction():
        await WeeklyWindow.insert(_weekly_row(owner, pattern))


async def add_one_off(owner: Owner, window: OneOffIn) -> None:
    async with write_transaction():
        await OneOffWindow.insert(_one_off_row(owner, window))


async def remove_weekly(owner: Owner, window_id: int) -> None:
    async with write_transaction():
        await WeeklyWindow.delete().where(owner.of(WeeklyWindow) & (WeeklyWindow.id == window_id))


async def remove_one_off(owner: Owner, window_id: UUID) -> None:
    async with write_transaction():
        await OneOffWindow.delete().where(owner.of(OneOffWindow) & (OneOffWindow.id == window_id))


async def model(owner: Owner, *, busy: list[Interval], works_bank_holidays: bool) -> Availability:
    stored = await read(owner)
    one_offs = [
        (Interval(row["start"], row["end"]), row["available"]) for row in stored["one_offs"]
    ]
    return Availability(
        weekly=tuple(
            Weekly(rrule=r["rrule"], starts=r["starts"], ends=r["ends"], first_day=r["first_day"])
            for r in stored["weekly"]
        ),
        extra=tuple(window for window, available in one_offs if available),
        exceptions=tuple(window for window, available in one_offs if not available),
        busy=tuple(busy),
        works_bank_holidays=works_bank_holidays,
    )


def question(start: datetime, end: datetime) -> Interval:
    """The window a free-time question asks about, checked."""
    for name, moment in (("start", start), ("end", end)):
        if moment.tzinfo is None:
            raise InvalidInput(
                "Give the time with its offset, like 2027-03-22T18:00:00+00:00.", field=name
            )
    if end <= start:
        raise InvalidInput("The end must be after the start.", field="end")
    if end - start > LONGEST_QUESTION:
        raise InvalidInput("Ask about a year at most.", field="end")
    return Interval(start, end)


async def free(
    owner: Owner,
    between: Interval,
    *,
    busy: list[Interval],
    works_bank_holidays: bool,
    busy_buffer: timedelta = timedelta(0),
) -> list[Interval]:
    availability = await model(owner, busy=busy, works_bank_holidays=works_bank_holidays)
    return free_between(availability, between, busy_buffer=busy_buffer)

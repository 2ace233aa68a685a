"""When a facilitator or a venue is free between two moments: their weekly pattern and
one-off extra windows, less bank holidays, time away and busy times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from scheduling.holidays import bank_holidays, holiday_intervals
from scheduling.intervals import Interval, clip, subtract, union
from scheduling.recurrence import LONDON, WeeklyWindow, expand


@dataclass(frozen=True)
class Availability:
    """What someone has told us about their time, or a venue's opening.

    `weekly` is the usual pattern; `extra` are one-off windows they have added; `exceptions`
    are times they are away even though the pattern or an extra window says otherwise;
    `busy` are times taken by something else (their own calendar, panels already booked).
    """

    weekly: tuple[WeeklyWindow, ...] = ()
    extra: tuple[Interval, ...] = ()
    exceptions: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()
    works_bank_holidays: bool = False


def free_between(
    availability: Availability,
    between: Interval,
    *,
    holidays: frozenset[date] | None = None,
    busy_buffer: timedelta = timedelta(0),
    tz: ZoneInfo = LONDON,
) -> list[Interval]:
    """The free time within `between`, normalised.

    That is the weekly pattern less bank holidays (unless they work them), plus the extra
    windows, less the exceptions and the busy times, each busy time widened by
    `busy_buffer` on both sides (time to travel, set up and clear away). Bank holidays
    take out the weekly pattern only: an extra window is one the person added for that
    very day, so it stands on a bank holiday. `holidays=None` means England and Wales.
    """
    if busy_buffer < timedelta(0):
        raise ValueError("the busy buffer cannot be negative")
    usual = expand(availability.weekly, between, tz)
    if not availability.works_bank_holidays:
        days = bank_holidays() if holidays is None else holidays
        usual = subtract(usual, holiday_intervals(days, between, tz))
    offered = union(usual, availability.extra)
    taken = [
        Interval(busy.start - busy_buffer, busy.end + busy_buffer) for busy in availability.busy
    ]
    return clip(subtract(offered, [*availability.exceptions, *taken]), between)

"""The availability forms shared by a facilitator's page and a venue's: a weekly pattern
(days and times), one-off windows (an extra time, or days away or closed), and the
calendar views that show the result at a glance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from panels.availability import service as availability
from panels.availability.schemas import WEEKDAYS, OneOffIn, WeeklyWindowIn
from panels.availability.service import Owner
from panels.clock import LONDON, london_today
from panels.errors import InvalidInput
from panels.web.forms import FormErrors, clock_time, date_from, errors_from, text
from panels.web.rendering import time_words
from scheduling.intervals import Interval

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)

WEEKLY_MESSAGES = {
    "days": "Choose at least one day of the week",
    "starts": "Enter a start time, like 18:00 or 6pm",
    "ends": "Enter an end time, like 20:30",
}


def weekly_from(form: dict[str, Any]) -> WeeklyWindowIn:
    days = form.get("days") or []
    return WeeklyWindowIn.model_validate(
        {
            "days": [days] if isinstance(days, str) else list(days),
            "starts": clock_time(text(form, "from")) or text(form, "from") or None,
            "ends": clock_time(text(form, "to")) or text(form, "to") or None,
            "every_weeks": 2 if text(form, "every") == "2" else 1,
        }
    )


def extra_time_from(form: dict[str, Any]) -> OneOffIn:
    """One extra time on one day: a date, a start and an end time."""
    day = date_from(form, "on")
    starts, ends = clock_time(text(form, "from")), clock_time(text(form, "to"))
    if not isinstance(day, date) or starts is None or ends is None:
        raise InvalidInput("Enter a real date, and start and end times like 18:00", field="on")
    return OneOffIn(
        start=datetime.combine(day, starts, tzinfo=LONDON),
        end=datetime.combine(day, ends, tzinfo=LONDON),
        available=True,
        note=text(form, "note"),
    )


def days_away_from(form: dict[str, Any]) -> OneOffIn:
    """Whole days away (or closed), from the first day to the last, inclusive."""
    first, last = date_from(form, "first"), date_from(form, "last") or date_from(form, "first")
    if not isinstance(first, date):
        raise InvalidInput("Enter the first day as a real date, like 24 12 2026", field="first")
    if not isinstance(last, date) or last < first:
        raise InvalidInput("Enter the last day, on or after the first", field="last")
    return OneOffIn(
        start=datetime.combine(first, time(0), tzinfo=LONDON),
        end=datetime.combine(last + timedelta(days=1), time(0), tzinfo=LONDON),
        available=False,
        note=text(form, "note"),
    )


async def change(owner: Owner, form: dict[str, Any]) -> FormErrors | None:
    """Carry out one availability form (its `form` field says which); errors, if any,
    keyed to that form's fields."""
    which = text(form, "form")
    try:
        if which == "weekly":
            await availability.add_weekly(owner, weekly_from(form), london_today())
        elif which == "extra":
            await availability.add_one_off(owner, extra_time_from(form))
        elif which == "away":
            await availability.add_one_off(owner, days_away_from(form))
        elif which == "remove-weekly":
            await availability.remove_weekly(owner, int(text(form, "id") or 0))
        elif which == "remove-one-off":
            await availability.remove_one_off(owner, _uuid(text(form, "id")))
        else:
            raise InvalidInput("That form is not one we know.", field="form")
    except (ValidationError, InvalidInput) as problem:
        errors = FormErrors()
        anchors = {
            "": "from",
            "on": "on-day",
            "first": "first-day",
            "last": "last-day",
            "weekly": "days",
            "starts": "from",
            "ends": "to",
        }
        for field, message in errors_from(problem, WEEKLY_MESSAGES).items:
            errors.add(f"{which}-{anchors.get(field, field)}", message)
        return errors
    return None


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise InvalidInput("That time could not be found.", field="id") from None


def describe_weekly(row: dict[str, Any]) -> str:
    """'Tuesdays and Thursdays, 6pm to 8pm' from a stored rule."""
    parts = dict(part.split("=", 1) for part in row["rrule"].split(";") if "=" in part)
    days = [DAY_NAMES[d] + "s" for d in parts.get("BYDAY", "").split(",") if d in DAY_NAMES]
    when = (
        ", ".join(days[:-1]) + (" and " if len(days) > 1 else "") + days[-1] if days else "Weekly"
    )
    if parts.get("INTERVAL", "1") != "1":
        when += f", every {parts['INTERVAL']} weeks"
    return f"{when}, {time_words(row['starts'])} to {time_words(row['ends'])}"


def by_day(windows: list[Interval]) -> dict[date, list[Interval]]:
    days: dict[date, list[Interval]] = defaultdict(list)
    for window in windows:
        days[window.start.astimezone(LONDON).date()].append(window)
    return days


def month_grid(month: date) -> list[list[date | None]]:
    """The month as weeks of Monday-to-Sunday days, None outside it."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    weeks: list[list[date | None]] = []
    day = first - timedelta(days=first.weekday())
    while day < following:
        weeks.append(
            [d if first <= d < following else None for d in (day + timedelta(n) for n in range(7))]
        )
        day += timedelta(days=7)
    return weeks


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(0), tzinfo=LONDON),
        datetime.combine(following, time(0), tzinfo=LONDON),
    )


def parse_month(raw: str | None) -> date:
    """'2027-03' as the first of March 2027; this month otherwise."""
    if raw:
        try:
            year, month = (int(part) for part in raw.split("-", 1))
            return date(year, month, 1)
        except ValueError:
            pass
    return london_today().replace(day=1)

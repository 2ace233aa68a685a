"""Busy times read from a person's own calendar file (.ics), as exported by Google
Calendar, Outlook, Apple Calendar and the like."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar, Component, vRecur

from scheduling.intervals import Interval, clip
from scheduling.recurrence import LONDON, local_instant

# Enough for years of a busy calendar; past this, parsing would hold a web worker for long.
LARGEST_CALENDAR_BYTES = 5 * 1024 * 1024

# Expanding a repeat rule walks, and keeps, every step from the event's first start up to
# the end of the question (dateutil cannot jump ahead), so a few lines repeating every
# minute since 1900 would hold a worker for minutes and gigabytes. Half a million steps
# take a second or two; real calendars need a few thousand.
MOST_REPEAT_STEPS = 500_000
_STEPS = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
    "MONTHLY": timedelta(days=31),
    "YEARLY": timedelta(days=366),
}
_DAY_PICKERS = {"BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH"}


class CalendarUnreadable(ValueError):
    """The file is not an iCalendar file we can read; the message is for the person."""

    def __init__(self, message: str = "This is not a calendar file (.ics) we can read") -> None:
        super().__init__(message)


def busy_times(ics: bytes | str, between: Interval, tz: ZoneInfo = LONDON) -> list[Interval]:
    """The times the calendar's events keep its owner busy within `between`.

    Repeats are expanded the RFC 5545 way (RRULE, RDATE, EXDATE, and single occurrences
    moved or cancelled through RECURRENCE-ID), in each event's own time zone. Times with no
    zone ("floating") and all-day events are read in `tz`; an all-day event blocks whole
    local days. An event does not block when it is cancelled, marked free (TRANSP:
    TRANSPARENT, or Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE, which Outlook writes for
    "Show as: Free" and which some of its exports do not mirror in TRANSP), or is a
    moment with no length (a DTSTART time with no DTEND or DURATION, which RFC 5545 makes
    an instant). Any other busy status, tentative and out-of-office included, blocks.

    A calendar in which any event cannot be read is refused as a whole rather than read
    in part: skipping a broken series would offer times its owner is busy. So is one whose
    repeats would take too long to expand (see MOST_REPEAT_STEPS).
    """
    data = ics.encode("utf-8") if isinstance(ics, str) else ics
    if len(data) > LARGEST_CALENDAR_BYTES:
        raise CalendarUnreadable(
            "This calendar file is larger than 5 MB. Export a shorter range of dates and try again"
        )
    # Calendar files come from anywhere; the parsers signal bad input with ValueError
    # (their own errors derive from it), or KeyError and TypeError for a missing or
    # misshapen property.
    try:
        calendar = Calendar.from_ical(data)
        # A lone VEVENT parses too, but it is not a calendar file.
        if calendar.name != "VCALENDAR":
            raise CalendarUnreadable()
        if _repeat_steps(calendar, between.end, tz) > MOST_REPEAT_STEPS:
            raise CalendarUnreadable(
                "This calendar has events that repeat too often for us to read, such as "
                "every minute. Remove them and try again"
            )
        events = recurring_ical_events.of(calendar).between(
            between.start.astimezone(tz), between.end.astimezone(tz)
        )
        blocked = [_interval(event, tz) for event in events if _blocks(event)]
    except CalendarUnreadable:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise CalendarUnreadable() from error
    return clip([interval for interval in blocked if interval is not None], between)


def _repeat_steps(calendar: Calendar, until: datetime, tz: ZoneInfo) -> int:
    """About how many steps expanding the calendar's repeat rules up to `until` takes."""
    steps = 0
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        if rules is None:
            continue
        first = _instant(event.decoded("DTSTART"), tz)
        for rule in rules if isinstance(rules, list) else [rules]:
            if not isinstance(rule, vRecur):
                raise ValueError(f"not a repeat rule: {rule!r}")
            steps += _rule_steps(rule, first, until, tz)
    return steps


def _rule_steps(rule: vRecur, first: datetime, until: datetime, tz: ZoneInfo) -> int:
    step = _STEPS.get(str(rule.get("FREQ", [""])[0]).upper())
    if step is None:
        return 0  # expanding refuses a rule with no frequency it knows
    last = min([until, *(_instant(value, tz) for value in rule.get("UNTIL", []))])
    interval = max(1, int(rule.get("INTERVAL", [1])[0]))
    periods = max(0, (last - first) // (step * interval)) + 1
    # A period can hold one occurrence for each listed hour, minute and second, and a
    # week, month or year one for each of its days.
    per_period = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_period *= max(1, len(rule.get(part, [])))
    if step > timedelta(days=1) and rule.keys() & _DAY_PICKERS:
        per_period *= step.days
    return periods * per_period


def _blocks(event: Component) -> bool:
    return not (
        str(event.get("STATUS", "")).upper() == "CANCELLED"
        or str(event.get("TRANSP", "")).upper() == "TRANSPARENT"
        or str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE"
    )


def _interval(event: Component, tz: ZoneInfo) -> Interval | None:
    """The event's time, or None when it has no length."""
    # recurring_ical_events gives every occurrence a DTEND, worked out from DURATION or
    # from the RFC 5545 defaults when the event had none.
    start = _instant(event.decoded("DTSTART"), tz)
    end = _instant(event.decoded("DTEND"), tz)
    return Interval(start, end) if start < end else None


def _instant(value: object, tz: ZoneInfo) -> datetime:
    """A DTSTART or DTEND value as a UTC instant."""
    if isinstance(value, datetime):
        # A floating time is read in `tz` the way RFC 5545 reads any local time (fold=0),
        # which is how the person's own calendar application shows it.
        local = value if value.tzinfo is not None else value.replace(tzinfo=tz)
        return local.astimezone(UTC)
    if isinstance(value, date):
        return local_instant(value, time.min, tz).astimezone(UTC)
    raise ValueError(f"an event's start or end is neither a date nor a time: {value!r}")

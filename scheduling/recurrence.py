"""Recurring availability ("Tuesdays and Thursdays, 18:00 to 20:00") kept in local wall-clock
time, and the one rule for turning a local day and clock time into an instant."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from scheduling.intervals import Interval, normalise

LONDON = ZoneInfo("Europe/London")

# The times of day come from `starts` and `ends`; a rule that picks hours or repeats within
# a day would contradict them.
_REFUSED_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "EXDATE", "RDATE")
_REFUSED_FREQUENCIES = ("HOURLY", "MINUTELY", "SECONDLY")


@dataclass(frozen=True)
class WeeklyWindow:
    """A window of the same local clock times on the days an RFC 5545 rule picks.

    `rrule` is the value of an RRULE line, such as "FREQ=WEEKLY;BYDAY=TU,TH"; INTERVAL,
    UNTIL and COUNT work as the RFC says, and an UNTIL date with no time includes that day.
    `first_day` is the rule's DTSTART date: the earliest day the window can fall on,
    counted from for INTERVAL and COUNT; it need not itself be one of the rule's days.
    `starts` and `ends` are local wall-clock times on the same day (in Europe/London unless
    `expand` is told another zone), so a Tuesday 18:00-20:00 window is 18:00-20:00 by the
    clock in both summer and winter.
    """

    rrule: str
    starts: time
    ends: time
    first_day: date

    def __post_init__(self) -> None:
        if self.starts.tzinfo is not None or self.ends.tzinfo is not None:
            raise ValueError("starts and ends are local clock times, without a time zone")
        if self.ends <= self.starts:
            raise ValueError(
                "a window must end after it starts on the same day "
                f"({self.starts:%H:%M} to {self.ends:%H:%M})"
            )
        _parsed_rule(self.rrule, self.first_day, self.starts, LONDON)


def expand(
    windows: Iterable[WeeklyWindow], between: Interval, tz: ZoneInfo = LONDON
) -> list[Interval]:
    """Every occurrence of `windows` that overlaps `between`, whole (not cut to `between`),
    normalised."""
    # A window lies inside one local day, so only days from the one before `between`
    # starts to the one after it ends (in local time) can hold an overlapping occurrence.
    first = datetime.combine(between.start.astimezone(tz).date() - timedelta(days=1), time.min)
    last = datetime.combine(between.end.astimezone(tz).date() + timedelta(days=1), time.max)
    found: list[Interval] = []
    for window in windows:
        rule = _parsed_rule(window.rrule, window.first_day, window.starts, tz)
        for occurrence in rule.between(first, last, inc=True):
            day = occurrence.date()
            start = local_instant(day, window.starts, tz)
            end = local_instant(day, window.ends, tz)
            # Both ends inside the hour the clocks skip leave no time at all.
            if start < end:
                interval = Interval(start, end)
                if interval.overlaps(between):
                    found.append(interval)
    return normalise(found)


def local_instant(day: date, clock: time, tz: ZoneInfo = LONDON) -> datetime:
    """The instant `clock` shows on `day` in `tz`.

    A window is the stretch of time during which the local clock reads between its start
    and end, so:
    - a time the clocks skip (01:30 when they go forward at 01:00) becomes the first
      instant after the skip (02:00 BST), so a window starting in the skipped hour starts
      when the clock reaches a time inside it, and one ending there ends at the change;
    - a time the clocks show twice (01:30 when they go back at 02:00) is its first
      showing (fold=0, still BST), as RFC 5545 does.
    RFC 5545 would instead read a skipped 01:30 with the offset from before the change
    (02:30 BST), which would lose half an hour of a window the person said they had.
    """
    local = datetime.combine(day, clock, tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return local
    return _end_of_gap(local, tz)


def _end_of_gap(skipped: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jump at, for a local time that the jump skips."""
    # zoneinfo reads a skipped time with the offset from before the jump for fold=0 and
    # with the one from after it for fold=1, so the jump lies between those two readings.
    # Offsets change on whole seconds: halving that span down to one second finds it.
    before = math.floor(skipped.replace(fold=1).timestamp())
    after = math.ceil(skipped.replace(fold=0).timestamp())
    old_offset = datetime.fromtimestamp(before, tz).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == old_offset:
            before = middle
        else:
            after = middle
    return datetime.fromtimestamp(after, tz)


@functools.lru_cache(maxsize=4096)
def _parsed_rule(value: str, first_day: date, starts: time, tz: ZoneInfo) -> rrule:
    """The dateutil rule for one window, counted from local `starts` on `first_day`.

    Occurrences are produced as naive local times (dateutil keeps those on the wall
    clock), so UNTIL is made local too: one given in UTC, as RFC 5545 asks when DTSTART
    has a time zone, is moved into local time, and a bare date means the end of that day.
    """
    text = value.strip().removeprefix("RRULE:")
    parts = [part.strip() for part in text.split(";") if part.strip()]
    fields = {
        name.upper(): setting.upper() for name, _, setting in (p.partition("=") for p in parts)
    }
    if "\n" in text or ":" in text or fields.keys() & set(_REFUSED_PARTS):
        raise ValueError(
            "a weekly window takes one repeat rule such as FREQ=WEEKLY;BYDAY=TU; "
            "its times come from starts and ends"
        )
    if fields.get("FREQ") in _REFUSED_FREQUENCIES:
        raise ValueError("a window can repeat at most once a day")
    if {"COUNT", "UNTIL"} <= fields.keys():
        raise ValueError("a repeat rule can end after a COUNT or on an UNTIL date, not both")
    parts = [_until_in_local_time(part, tz) for part in parts]
    try:
        parsed = rrulestr(";".join(parts), dtstart=datetime.combine(first_day, starts))
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{value!r} is not a repeat rule we understand: {error}") from None
    if not isinstance(parsed, rrule):
        raise ValueError(f"{value!r} is not a single repeat rule")
    return parsed


def _until_in_local_time(part: str, tz: ZoneInfo) -> str:
    name, _, value = part.partition("=")
    if name.upper() != "UNTIL":
        return part
    if len(value) == 8 and value.isdigit():
        # "Until 30 November" includes the 30th, whatever time the window starts.
        return f"UNTIL={value}T235959"
    if not value.upper().endswith("Z"):
        return part
    try:
        until = datetime.strptime(value.upper(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return part  # left for rrulestr to refuse in its own words
    return f"UNTIL={until.astimezone(tz):%Y%m%dT%H%M%S}"

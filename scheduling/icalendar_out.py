"""Writes the .ics documents njp hands out: subscription feeds of panels (RFC 5545, 7986)
and iTIP invitations and cancellations for a booked panel (RFC 5546)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)

PRODID = "-//njp//Neighbourhood Justice Panels//EN"
LONDON = ZoneInfo("Europe/London")
HOURLY = timedelta(hours=1)

Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
_STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
_ROLES = ("CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT")


@dataclass(frozen=True)
class Attendee:
    """Someone invited to a panel, or the organiser who sends the invitation."""

    name: str
    email: str
    role: str = "REQ-PARTICIPANT"
    needs_reply: bool = True

    def __post_init__(self) -> None:
        if "@" not in self.email or any(c.isspace() for c in self.email):
            raise ValueError(f"not an email address: {self.email!r}")
        if self.role not in _ROLES:
            raise ValueError(f"role must be one of {', '.join(_ROLES)}, not {self.role!r}")


@dataclass(frozen=True)
class CalendarEntry:
    """One panel as a calendar shows it. The uid stays the same for the life of the panel
    and the caller raises sequence on every change, so clients update rather than
    duplicate it."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    status: Status = "CONFIRMED"
    organiser: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    stamp: datetime | None = None

    def __post_init__(self) -> None:
        if not self.uid.strip():
            raise ValueError("uid must not be blank")
        if self.sequence < 0:
            raise ValueError(f"sequence must be 0 or more, not {self.sequence}")
        for field, value in (("start", self.start), ("end", self.end), ("stamp", self.stamp)):
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{field} must be timezone-aware: {value.isoformat()}")
        if self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after {self.start.isoformat()}")
        if self.status not in _STATUSES:
            raise ValueError(f"status must be one of {', '.join(_STATUSES)}, not {self.status!r}")


def feed(
    name: str,
    entries: Iterable[CalendarEntry],
    *,
    tz: ZoneInfo = LONDON,
    refresh: timedelta = HOURLY,
    now: datetime | None = None,
) -> bytes:
    """A calendar to subscribe to, written at `now` (the DTSTAMP of entries that carry
    none of their own). Cancelled entries stay in it, marked CANCELLED, so clients that
    already hold them take them off the calendar."""
    listed = tuple(entries)
    repeated = sorted(uid for uid, n in Counter(e.uid for e in listed).items() if n > 1)
    if repeated:
        # Clients would merge the entries into one event, and which one wins varies.
        raise ValueError(f"each entry needs its own uid; repeated: {', '.join(repeated)}")
    if refresh <= timedelta(0):
        raise ValueError("refresh must be a positive duration")
    calendar = _calendar("PUBLISH")
    # VALUE=TEXT is the default for both, but ical.js knows neither property and without
    # it leaves a name like "Panels at Neuadd y Pentref, Llanfair" with its escapes in.
    calendar.add("NAME", vText(name), parameters={"VALUE": "TEXT"})
    calendar.add("X-WR-CALNAME", vText(name), parameters={"VALUE": "TEXT"})
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    # Microsoft's spelling of REFRESH-INTERVAL, the one Outlook reads.
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    now = now or datetime.now(UTC)
    calendar.add_component(_vtimezone(tz, _years(listed, tz, now)))
    for entry in listed:
        # Attendees stay out of a feed: its address is shared between a volunteer's
        # devices and apps, and the invitation already gave them the list.
        calendar.add_component(_vevent(entry, entry.status, tz, now, attendees=False))
    return bytes(calendar.to_ical())


def invitation(
    entry: CalendarEntry,
    *,
    method: Literal["REQUEST", "CANCEL"],
    tz: ZoneInfo = LONDON,
    now: datetime | None = None,
) -> bytes:
    """An iTIP message for one panel, written at `now`: REQUEST to invite or to update,
    CANCEL to call off. A CANCEL marks the event CANCELLED whatever the entry says."""
    if entry.organiser is None:
        raise ValueError(f"an invitation needs an organiser (RFC 5546); {entry.uid} has none")
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    if method == "REQUEST" and entry.status == "CANCELLED":
        raise ValueError(f"{entry.uid} is cancelled: send it with method CANCEL")
    status: Status = "CANCELLED" if method == "CANCEL" else entry.status
    now = now or datetime.now(UTC)
    calendar = _calendar(method)
    calendar.add_component(_vtimezone(tz, _years((entry,), tz, now)))
    calendar.add_component(_vevent(entry, status, tz, now, attendees=True))
    return bytes(calendar.to_ical())


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    return calendar


def _vevent(
    entry: CalendarEntry, status: Status, tz: ZoneInfo, now: datetime, *, attendees: bool
) -> Event:
    event = Event()
    event.add("UID", entry.uid)
    event.add("SEQUENCE", entry.sequence)
    event.add("DTSTAMP", (entry.stamp or now).astimezone(UTC))
    event.add("DTSTART", _wall_clock(entry.start, tz))
    event.add("DTEND", _wall_clock(entry.end, tz))
    event.add("SUMMARY", entry.summary)
    # Both optional in RFC 5545: left out rather than written empty.
    if entry.location:
        event.add("LOCATION", entry.location)
    if entry.description:
        event.add("DESCRIPTION", entry.description)
    event.add("STATUS", status)
    if not attendees:
        return event
    if entry.organiser is not None:
        event.add("ORGANIZER", vCalAddress.new(entry.organiser.email, cn=entry.organiser.name))
    for attendee in entry.attendees:
        address = vCalAddress.new(
            attendee.email,
            cn=attendee.name,
            role=attendee.role,
            partstat="NEEDS-ACTION",
            # Nobody answers a cancellation.
            rsvp=attendee.needs_reply and status != "CANCELLED",
        )
        event.add("ATTENDEE", address)
    return event


def _wall_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    """The moment as local time in tz, except in the hour that happens twice when the
    clocks go back. RFC 5545 (3.3.5) reads a repeated local time as the first of the two
    and ical.js as the second, so only UTC says which one is meant."""
    local = moment.astimezone(tz)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return moment.astimezone(UTC)
    return local


def _years(entries: tuple[CalendarEntry, ...], tz: ZoneInfo, now: datetime) -> range:
    """The local years the entries touch; this year when there are none, so that even an
    empty feed carries the time zone and is a valid calendar."""
    moments = [moment for entry in entries for moment in (entry.start, entry.end)] or [now]
    local_years = [moment.astimezone(tz).year for moment in moments]
    return range(min(local_years), max(local_years) + 1)


class _Observance(NamedTuple):
    offset: timedelta
    dst: bool
    name: str


def _observance(tz: ZoneInfo, instant: int) -> _Observance:
    local = datetime.fromtimestamp(instant, tz)
    offset, dst = local.utcoffset(), local.dst()
    # A ZoneInfo always answers both for an aware datetime.
    assert offset is not None
    assert dst is not None
    return _Observance(offset, bool(dst), local.tzname() or "")


def _transitions(tz: ZoneInfo, start: int, end: int) -> Iterator[int]:
    """The POSIX seconds in [start, end) at which the zone's offset, name or DST flag
    changes: a day-by-day walk, then a bisection to the second inside the day."""
    day = 24 * 60 * 60
    for low in range(start, end, day):
        high = min(low + day, end)
        if _observance(tz, low) == _observance(tz, high):
            continue
        before = _observance(tz, low)
        while high - low > 1:
            middle = (low + high) // 2
            if _observance(tz, middle) == before:
                low = middle
            else:
                high = middle
        yield high


def _vtimezone(tz: ZoneInfo, years: range) -> Timezone:
    """A VTIMEZONE that holds tz's rules for the given years, one observance per change.

    Written here rather than by icalendar's Timezone.from_tzinfo because ical.js
    (Thunderbird's parser, 2.2.1) misreads what that writes: it takes only the first date
    of a comma-separated RDATE and ignores the DTSTART of an observance that has RDATEs,
    so a feed spanning a few years puts panels an hour out. from_tzinfo also writes the
    spring change at 02:00 in the old offset, an hour late (RFC 5545 3.6.5 wants the
    local time before the change: 01:00 for London). A single DTSTART per observance is
    the plainest form RFC 5545 allows, and ical.js reads it right."""
    if tz.key is None:
        raise ValueError("the time zone needs an IANA name to be its TZID")
    start = int(datetime(years.start, 1, 1, tzinfo=tz).timestamp())
    end = int(datetime(years.stop, 1, 1, tzinfo=tz).timestamp())
    vtimezone = Timezone()
    vtimezone.add("TZID", tz.key)
    first = _observance(tz, start)
    # Where the window opens: the offset then in force, so the times before the first
    # change are read right.
    vtimezone.add_component(_onset(first, first, start))
    for instant in _transitions(tz, start, end):
        vtimezone.add_component(
            _onset(_observance(tz, instant - 1), _observance(tz, instant), instant)
        )
    return vtimezone


def _onset(
    before: _Observance, after: _Observance, instant: int
) -> TimezoneStandard | TimezoneDaylight:
    component = TimezoneDaylight() if after.dst else TimezoneStandard()
    # Local time as it was just before the change, as RFC 5545 3.6.5 defines DTSTART here.
    local = datetime.fromtimestamp(instant, UTC).replace(tzinfo=None) + before.offset
    component.add("DTSTART", local)
    component.add("TZOFFSETFROM", before.offset)
    component.add("TZOFFSETTO", after.offset)
    component.add("TZNAME", after.name)
    return component

"""From the database to a scheduling instance: the cases' panels (parties' common time,
needs, areas to avoid, conflicts), every schedulable facilitator (free time, skills,
areas, what is left of their monthly limit) and venue (open time, features, buffers),
and the panels already booked. Loaded in a handful of queries, however big the region."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from panels.availability.tables import OneOffWindow, WeeklyWindow
from panels.bookings.tables import Panel, PanelFacilitator, PanelStatus
from panels.cases.lifecycle import REQUIRED_ROLES
from panels.cases.tables import AvailabilityWindow, Case, Party, PartyRole
from panels.clock import LONDON
from panels.facilitators.tables import ConflictKind, Facilitator, Skill
from panels.settings import get_settings
from panels.venues.tables import Venue, VenueFeature
from scheduling.availability import Availability, free_between
from scheduling.icalendar_in import CalendarUnreadable, busy_times
from scheduling.instance import Booking, FacilitatorSpec, Instance, PanelSpec, VenueSpec
from scheduling.intervals import Interval, intersection
from scheduling.recurrence import WeeklyWindow as WeeklyPattern

GRANULARITY_MINUTES = 30
FACILITATORS_PER_PANEL = 2


@dataclass(frozen=True)
class Missing:
    """A case that cannot be offered times yet, and why, in words for staff."""

    case_id: UUID
    reasons: tuple[str, ...]


def horizon_from(now: datetime, days: int = 28) -> Interval:
    """From the next half hour to `days` later."""
    step = GRANULARITY_MINUTES * 60
    start = datetime.fromtimestamp(-(-int(now.timestamp()) // step) * step, tz=now.tzinfo)
    return Interval(start, start + timedelta(days=days))


@functools.lru_cache(maxsize=1024)
def _busy(digest: str, ics: str, start: datetime, end: datetime) -> tuple[Interval, ...]:
    """Own calendars are parsed once per calendar version and question, not per request."""
    try:
        return tuple(busy_times(ics, Interval(start, end)))
    except CalendarUnreadable:
        return (Interval(start, end),)


@functools.lru_cache(maxsize=4096)
def _free(availability: Availability, between: Interval) -> tuple[Interval, ...]:
    """Free time, worked out once per stated times and question. Every request in the
    same half hour asks about the same horizon, and a person's times change rarely; the
    key is everything the answer depends on, so a change is never served stale."""
    return tuple(free_between(availability, between))


def _own_calendar(ics: str | None, between: Interval) -> tuple[Interval, ...]:
    if not ics:
        return ()
    digest = hashlib.sha256(ics.encode()).hexdigest()
    return _busy(digest, ics, between.start, between.end)


async def _windows(column: Any, between: Interval) -> dict[UUID, dict[str, list[Any]]]:
    """Weekly patterns, and the one-offs that touch `between`, for every facilitator or
    every venue, in two queries (past one-offs pile up; they are not read)."""
    by_owner: dict[UUID, dict[str, list[Any]]] = defaultdict(
        lambda: {"weekly": [], "extra": [], "away": []}
    )
    weekly_column = getattr(WeeklyWindow, column)
    for row in await WeeklyWindow.select().where(weekly_column.is_not_null()):
        by_owner[row[column]]["weekly"].append(
            WeeklyPattern(
                rrule=row["rrule"],
                starts=row["starts"],
                ends=row["ends"],
                first_day=row["first_day"],
            )
        )
    one_off_column = getattr(OneOffWindow, column)
    one_offs = OneOffWindow.select(
        one_off_column, OneOffWindow.starts_at, OneOffWindow.ends_at, OneOffWindow.available
    ).where(
        one_off_column.is_not_null()
        & (OneOffWindow.ends_at > between.start)
        & (OneOffWindow.starts_at < between.end)
    )
    for row in await one_offs:
        window = Interval(row["starts_at"], row["ends_at"])
        by_owner[row[column]]["extra" if row["available"] else "away"].append(window)
    return by_owner


def _dbs_lapses(expires_on: Any, between: Interval) -> list[Interval]:
    if expires_on is None:
        return [between]
    lapses = datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=LONDON)
    return [Interval(max(lapses, between.start), between.end)] if lapses < between.end else []


def _months(between: Interval) -> list[tuple[int, int]]:
    first = between.start.astimezone(LONDON).date().replace(day=1)
    last = between.end.astimezone(LONDON).date()
    months = []
    while first <= last:
        months.append((first.year, first.month))
        first = (first + timedelta(days=32)).replace(day=1)
    return months


async def _booked(between: Interval, leaving_out: UUID | None) -> list[dict[str, Any]]:
    query = Panel.select(Panel.id, Panel.starts_at, Panel.ends_at, Panel.venue).where(
        (Panel.status == PanelStatus.booked)
        & (Panel.ends_at > between.start - timedelta(days=31))
        & (Panel.starts_at < between.end + timedelta(days=31))
    )
    if leaving_out is not None:
        query = query.where(Panel.id != leaving_out)
    panels = await query
    people: dict[UUID, list[str]] = defaultdict(list)
    if panels:
        for row in await PanelFacilitator.select(
            PanelFacilitator.panel, PanelFacilitator.facilitator
        ).where(PanelFacilitator.panel.is_in([p["id"] for p in panels])):
            people[row["panel"]].append(str(row["facilitator"]))
    return [{**panel, "facilitators": people[panel["id"]]} for panel in panels]


async def facilitator_specs(
    between: Interval, booked: list[dict[str, Any]]
) -> tuple[list[FacilitatorSpec], dict[str, dict[str, Any]]]:
    """Every facilitator who could be scheduled, and their profile rows by id."""
    rows = (
        await Facilitator.select(
            Facilitator.id,
            Facilitator.skills,
            Facilitator.areas,
            Facilitator.max_panels_per_month,
            Facilitator.dbs_expires_on,
            Facilitator.works_bank_holidays,
            Facilitator.calendar_ics,
            Facilitator.conflicts,
            Facilitator.user.name.as_alias("name"),
            Facilitator.user.email.as_alias("email"),
        )
        .where(Facilitator.user.active == True)  # noqa: E712 - SQL
        .output(load_json=True)
    )
    windows = await _windows("facilitator", between)
    # The instance counts panels booked inside the horizon against max_panels itself;
    # what it cannot see is the rest of each month the horizon touches.
    outside: dict[tuple[str, int, int], int] = defaultdict(int)
    for panel in booked:
        if between.start <= panel["starts_at"] < between.end:
            continue
        local = panel["starts_at"].astimezone(LONDON)
        for person in panel["facilitators"]:
            outside[(person, local.year, local.month)] += 1
    months = _months(between)
    specs = []
    for row in rows:
        own = windows.get(row["id"], {"weekly": [], "extra": [], "away": []})
        free = _free(
            Availability(
                weekly=tuple(own["weekly"]),
                extra=tuple(own["extra"]),
                # Every day after their DBS check lapses counts as time away.
                exceptions=(*own["away"], *_dbs_lapses(row["dbs_expires_on"], between)),
                busy=_own_calendar(row["calendar_ics"], between),
                works_bank_holidays=row["works_bank_holidays"],
            ),
            between,
        )
        left = min(
            row["max_panels_per_month"] - outside[(str(row["id"]), year, month)]
            for year, month in months
        )
        specs.append(
            FacilitatorSpec(
                id=str(row["id"]),
                skills=frozenset(row["skills"]),
                areas=frozenset(row["areas"]),
                max_panels=max(0, left),
                available=tuple(free),
            )
        )
    return specs, {str(row["id"]): row for row in rows}


async def venue_specs(between: Interval) -> tuple[list[VenueSpec], dict[str, dict[str, Any]]]:
    rows = await Venue.select().where(Venue.active == True).output(load_json=True)  # noqa: E712
    windows = await _windows("venue", between)
    specs = []
    for row in rows:
        own = windows.get(row["id"], {"weekly": [], "extra": [], "away": []})
        open_times = _free(
            Availability(
                weekly=tuple(own["weekly"]),
                extra=tuple(own["extra"]),
                exceptions=tuple(own["away"]),
                works_bank_holidays=row["opens_on_bank_holidays"],
            ),
            between,
        )
        features = set(row["features"])
        if row["rooms"] >= 2:
            features.add("two_rooms")
        specs.append(
            VenueSpec(
                id=str(row["id"]),
                area=row["area"],
                capacity=row["capacity"],
                features=frozenset(features),
                open=tuple(open_times),
                buffer_before_minutes=row["setup_minutes"],
                buffer_after_minutes=row["cleardown_minutes"],
            )
        )
    return specs, {str(row["id"]): row for row in rows}


def _conflicted(
    case: dict[str, Any], parties: list[dict[str, Any]], facilitators: dict[str, dict[str, Any]]
) -> frozenset[str]:
    """Facilitators who declared they know someone in the case, or live near or avoid a
    street or postcode the case names."""
    names = {party["name"].strip().casefold() for party in parties}
    text = f"{case['area']} {case['summary']}".casefold()
    conflicted = set()
    for facilitator_id, row in facilitators.items():
        for conflict in row["conflicts"]:
            value = str(conflict.get("value", "")).strip().casefold()
            if not value:
                continue
            if (conflict.get("kind") == ConflictKind.person and value in names) or (
                conflict.get("kind") in {ConflictKind.street, ConflictKind.postcode}
                and value in text
            ):
                conflicted.add(facilitator_id)
    return frozenset(conflicted)


_WORDS = {
    PartyRole.victim.value: "the person harmed",
    PartyRole.harm_causer.value: "the person responsible",
    PartyRole.guardian.value: "a parent or guardian",
}


def _words(role: str) -> str:
    return _WORDS.get(str(role), "a supporter")


async def panel_specs(
    case_ids: list[UUID],
    between: Interval,
    facilitators: dict[str, dict[str, Any]],
    *,
    parties_free: bool = False,
) -> tuple[list[PanelSpec], list[Missing]]:
    """One panel per case: when all its people can come, what they need, who must not
    facilitate it. A case whose required people have not said when they can come is
    returned as Missing, with what to record; with `parties_free`, they count as free
    throughout instead (to find times worth asking them about)."""
    if not case_ids:
        return [], []
    cases = {
        row["id"]: row
        for row in await Case.select(Case.id, Case.area, Case.summary).where(
            Case.id.is_in(case_ids)
        )
    }
    parties: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in await Party.select().where(Party.case.is_in(case_ids)).output(load_json=True):
        parties[row["case"]].append(row)
    windows: dict[UUID, list[Interval]] = defaultdict(list)
    for row in await AvailabilityWindow.select().where(AvailabilityWindow.case.is_in(case_ids)):
        windows[row["party"]].append(Interval(row["starts_at"], row["ends_at"]))
    minutes = get_settings().panel_minutes
    specs, missing = [], []
    for case_id in case_ids:
        people = parties[case_id]
        silent = sorted(
            {
                _words(p["role"])
                for p in people
                if p["role"] in REQUIRED_ROLES and not windows[p["id"]]
            }
        )
        if silent and not parties_free:
            missing.append(Missing(case_id, (f"Record when {', '.join(silent)} can come.",)))
            continue
        common = [between]
        for person in people:
            if windows[person["id"]]:
                common = intersection(common, windows[person["id"]])
        features = set()
        if any(p["step_free_access"] for p in people):
            features.add(VenueFeature.step_free.value)
        if any(p["hearing_loop"] for p in people):
            features.add(VenueFeature.hearing_loop.value)
        skills = {Skill.youth.value} if any(p["young_person"] for p in people) else set()
        avoid = {area for p in people if p["role"] == PartyRole.victim for area in p["avoid_areas"]}
        specs.append(
            PanelSpec(
                id=str(case_id),
                duration_minutes=minutes,
                attendees=len(people) + FACILITATORS_PER_PANEL,
                area=cases[case_id]["area"],
                parties_available=tuple(common),
                facilitators_needed=FACILITATORS_PER_PANEL,
                leads_needed=1,
                requires_skills=frozenset(skills),
                requires_features=frozenset(features),
                avoid_areas=frozenset(avoid),
                conflicts=_conflicted(cases[case_id], people, facilitators),
            )
        )
    return specs, missing


@dataclass(frozen=True)
class Region:
    """An instance and what the service needs to turn its ids back into people."""

    instance: Instance
    missing: tuple[Missing, ...]
    facilitators: dict[str, dict[str, Any]]
    venues: dict[str, dict[str, Any]]


async def region(
    case_ids: list[UUID],
    between: Interval,
    *,
    leaving_out: UUID | None = None,
    parties_free: bool = False,
) -> Region:
    """The instance for these cases' panels in this window; `leaving_out` is a panel
    being moved, whose own holds must not count against it; `parties_free` as for
    `panel_specs`."""
    booked = await _booked(between, leaving_out)
    facilitators, facilitator_rows = await facilitator_specs(between, booked)
    venues, venue_rows = await venue_specs(between)
    panels, missing = await panel_specs(
        case_ids, between, facilitator_rows, parties_free=parties_free
    )
    instance = Instance(
        horizon=between,
        granularity_minutes=GRANULARITY_MINUTES,
        facilitators=tuple(facilitators),
        venues=tuple(venues),
        panels=tuple(panels),
        booked=tuple(
            Booking(
                panel=str(p["id"]),
                start=p["starts_at"],
                end=p["ends_at"],
                venue=str(p["venue"]),
                facilitators=tuple(p["facilitators"]),
            )
            for p in booked
            if p["ends_at"] > between.start and p["starts_at"] < between.end
        ),
    )
    return Region(instance, tuple(missing), facilitator_rows, venue_rows)

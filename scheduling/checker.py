"""Checks a set of assignments against every hard rule of DESIGN.md, one plain sentence per
broken rule. Written from the rules alone, sharing no code with the search, so that it can
catch the search's mistakes."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from scheduling.instance import Assignment, FacilitatorSpec, Instance, PanelSpec, VenueSpec
from scheduling.intervals import Interval, normalise

LEAD = "lead"


def violations(instance: Instance, assignments: Iterable[Assignment]) -> list[str]:
    """Every hard rule the assignments break, given the instance's bookings; [] if none."""
    placed = list(assignments)
    panels = {p.id: p for p in instance.panels}
    facilitators = {f.id: f for f in instance.facilitators}
    venues = {v.id: v for v in instance.venues}
    found: list[str] = []

    for panel_id, times in sorted(Counter(a.panel for a in placed).items()):
        if times > 1:
            found.append(f"Panel {panel_id} is assigned {times} times; once at most.")
    for a in placed:
        panel = panels.get(a.panel)
        if panel is None:
            found.append(f"Panel {a.panel} is not one of the instance's panels.")
            continue
        found += _time_rules(instance, panel, a)
        venue = venues.get(a.venue)
        if venue is None:
            found.append(f"Panel {a.panel}: venue {a.venue} is not one of the instance's venues.")
        else:
            found += _venue_rules(panel, venue, a)
        found += _team_rules(panel, facilitators, a)
    found += _limits(instance, placed)
    found += _clashes(instance, venues, placed)
    return found


def _inside(start: datetime, end: datetime, windows: Iterable[Interval]) -> bool:
    # Normalised first: a panel across two windows that touch is inside their union.
    return any(w.start <= start and end <= w.end for w in normalise(windows))


def _when(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"


def _with_buffers(venue: VenueSpec, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return (
        start - timedelta(minutes=venue.buffer_before_minutes),
        end + timedelta(minutes=venue.buffer_after_minutes),
    )


def _time_rules(instance: Instance, panel: PanelSpec, a: Assignment) -> list[str]:
    found = []
    if a.end - a.start != timedelta(minutes=panel.duration_minutes):
        minutes = (a.end - a.start).total_seconds() / 60
        found.append(f"Panel {a.panel} lasts {minutes:g} minutes, not {panel.duration_minutes}.")
    if (a.start - instance.horizon.start) % timedelta(minutes=instance.granularity_minutes):
        found.append(
            f"Panel {a.panel} starts at {a.start:%Y-%m-%d %H:%M:%S} UTC, off the "
            f"{instance.granularity_minutes}-minute grid that starts with the horizon."
        )
    if a.start < instance.horizon.start or a.end > instance.horizon.end:
        found.append(f"Panel {a.panel} at {_when(a.start, a.end)} is outside the horizon.")
    if panel.earliest is not None and a.start < panel.earliest:
        found.append(f"Panel {a.panel} starts before its earliest time.")
    if panel.latest is not None and a.end > panel.latest:
        found.append(f"Panel {a.panel} ends after its latest time.")
    if not _inside(a.start, a.end, panel.parties_available):
        found.append(
            f"Panel {a.panel} at {_when(a.start, a.end)} is not at a time all the parties can come."
        )
    return found


def _venue_rules(panel: PanelSpec, venue: VenueSpec, a: Assignment) -> list[str]:
    found = []
    if venue.capacity < panel.attendees:
        found.append(
            f"Panel {a.panel}: venue {venue.id} holds {venue.capacity} people, "
            f"not {panel.attendees}."
        )
    missing = sorted(panel.requires_features - venue.features)
    if missing:
        found.append(f"Panel {a.panel}: venue {venue.id} lacks {', '.join(missing)}.")
    if venue.area in panel.avoid_areas:
        found.append(f"Panel {a.panel}: venue {venue.id} is in {venue.area}, an area to avoid.")
    start, end = _with_buffers(venue, a.start, a.end)
    if not _inside(start, end, venue.open):
        found.append(
            f"Panel {a.panel}: venue {venue.id} is not open for all of {_when(start, end)} "
            "(the panel with the venue's buffers)."
        )
    return found


def _team_rules(
    panel: PanelSpec, facilitators: Mapping[str, FacilitatorSpec], a: Assignment
) -> list[str]:
    found = []
    team = set(a.facilitators)
    if len(team) != len(a.facilitators):
        found.append(f"Panel {a.panel} names the same facilitator twice.")
    if len(team) != panel.facilitators_needed:
        found.append(
            f"Panel {a.panel} has {len(team)} distinct facilitators, "
            f"not {panel.facilitators_needed}."
        )
    known = [facilitators[f] for f in sorted(team) if f in facilitators]
    for unknown in sorted(team - facilitators.keys()):
        found.append(f"Panel {a.panel}: facilitator {unknown} is not one of the instance's.")
    leads = sum(LEAD in f.skills for f in known)
    if leads < panel.leads_needed:
        found.append(f"Panel {a.panel} has {leads} lead facilitators, not {panel.leads_needed}.")
    for f in known:
        missing = sorted(panel.requires_skills - f.skills)
        if missing:
            found.append(f"Panel {a.panel}: facilitator {f.id} lacks {', '.join(missing)}.")
        if f.id in panel.conflicts:
            found.append(f"Panel {a.panel}: facilitator {f.id} has a conflict with it.")
        if not _inside(a.start, a.end, f.available):
            found.append(
                f"Panel {a.panel}: facilitator {f.id} is not available for all of "
                f"{_when(a.start, a.end)}."
            )
    return found


def _limits(instance: Instance, placed: list[Assignment]) -> list[str]:
    """Facilitators the assignments take over their limit, bookings counted. Someone over it
    on bookings alone (their limit lowered since) is not this answer's doing unless it gives
    them more."""
    count: Counter[str] = Counter()
    for booking in instance.booked:
        count.update(set(booking.facilitators))
    used: set[str] = set()
    for a in placed:
        count.update(set(a.facilitators))
        used |= set(a.facilitators)
    return [
        f"Facilitator {f.id} would have {count[f.id]} panels, over their limit of {f.max_panels}."
        for f in instance.facilitators
        if f.id in used and count[f.id] > f.max_panels
    ]


def _clashes(
    instance: Instance, venues: Mapping[str, VenueSpec], placed: list[Assignment]
) -> list[str]:
    """Two things at once for a facilitator or a venue, among the assignments and against
    the bookings. A venue's time includes its buffers on both panels."""
    # Per resource: (start, end, what, is a booking), swept in start order.
    held: defaultdict[tuple[str, str], list[tuple[datetime, datetime, str, bool]]]
    held = defaultdict(list)

    def hold(
        start: datetime, end: datetime, venue: str, team: Iterable[str], name: str, booking: bool
    ) -> None:
        for f in set(team):
            held[("facilitator", f)].append((start, end, name, booking))
        spec = venues.get(venue)
        if spec is not None:
            wide_start, wide_end = _with_buffers(spec, start, end)
            held[("venue", venue)].append((wide_start, wide_end, name, booking))

    for b in instance.booked:
        hold(b.start, b.end, b.venue, b.facilitators, f"booked panel {b.panel}", True)
    for a in placed:
        hold(a.start, a.end, a.venue, a.facilitators, f"panel {a.panel}", False)

    found = []
    for (kind, name), spans in sorted(held.items()):
        spans.sort()
        for i, (_, end, what, booking) in enumerate(spans):
            for other_start, _, other, other_booking in spans[i + 1 :]:
                if other_start >= end:
                    break
                # Bookings clashing with each other are not this answer's doing.
                if booking and other_booking:
                    continue
                first, second = (other, what) if booking else (what, other)
                found.append(
                    f"{kind.capitalize()} {name} is needed by {first} and {second} at once."
                )
    return found

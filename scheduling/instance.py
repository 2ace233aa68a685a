"""The scheduling instance format (version 1 in DESIGN.md): what is to be scheduled, with what,
and the answer, as frozen data, read from and written to its JSON shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduling.intervals import Interval, normalise

VERSION = 1


def _in_utc(value: datetime, name: str) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(f"{name} needs a timezone-aware time")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class FacilitatorSpec:
    """A volunteer who can be put on panels: `available` is their free time (their pattern
    less time away and their own calendar), before panels already booked are taken out."""

    id: str
    skills: frozenset[str]
    areas: frozenset[str]
    max_panels: int
    available: tuple[Interval, ...]


@dataclass(frozen=True)
class VenueSpec:
    """A room that can host panels. The buffers are time it needs before and after each
    panel (setting up, clearing away, letting one party leave before the other arrives);
    `open` must cover them too."""

    id: str
    area: str
    capacity: int
    features: frozenset[str]
    open: tuple[Interval, ...]
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0


@dataclass(frozen=True)
class PanelSpec:
    """A panel still to be placed. `earliest` and `latest` bound the whole panel (it starts
    no earlier than `earliest` and ends no later than `latest`)."""

    id: str
    duration_minutes: int
    attendees: int
    area: str
    parties_available: tuple[Interval, ...]
    facilitators_needed: int = 2
    leads_needed: int = 1
    requires_skills: frozenset[str] = frozenset()
    requires_features: frozenset[str] = frozenset()
    avoid_areas: frozenset[str] = frozenset()
    conflicts: frozenset[str] = frozenset()
    earliest: datetime | None = None
    latest: datetime | None = None

    def __post_init__(self) -> None:
        if self.earliest is not None:
            object.__setattr__(self, "earliest", _in_utc(self.earliest, "earliest"))
        if self.latest is not None:
            object.__setattr__(self, "latest", _in_utc(self.latest, "latest"))


@dataclass(frozen=True)
class _Placed:
    """A panel at a time and venue with its facilitators; times are kept in UTC."""

    panel: str
    start: datetime
    end: datetime
    venue: str
    facilitators: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _in_utc(self.start, "start"))
        object.__setattr__(self, "end", _in_utc(self.end, "end"))


@dataclass(frozen=True)
class Booking(_Placed):
    """A panel already booked: its facilitators and venue are taken for its time, and it
    counts towards each facilitator's limit."""


@dataclass(frozen=True)
class Instance:
    """Everything one scheduling question needs. Starts fall on a grid of
    `granularity_minutes` counted from the horizon's start; `timezone` is where people
    live, used when telling them about times."""

    horizon: Interval
    facilitators: tuple[FacilitatorSpec, ...]
    venues: tuple[VenueSpec, ...]
    panels: tuple[PanelSpec, ...]
    booked: tuple[Booking, ...] = ()
    granularity_minutes: int = 30
    timezone: str = "Europe/London"
    version: int = VERSION


@dataclass(frozen=True)
class Assignment(_Placed):
    """One panel placed: when, where and who."""


@dataclass(frozen=True)
class Unscheduled:
    """A panel that could not be placed, and what stopped it, in plain words."""

    panel: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Solution:
    assignments: tuple[Assignment, ...]
    unscheduled: tuple[Unscheduled, ...]
    stats: dict[str, Any] = field(default_factory=dict)


class InstanceError(ValueError):
    """The JSON does not describe a valid instance; the message starts with the field."""


# Reading. Each reader takes the value and the path to it, so an error can name the field.


def _get(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise InstanceError(f"{path}{key}: is required")
    return data[key]


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InstanceError(f"{path}: must be an object")
    return value


def _list(value: Any, path: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise InstanceError(f"{path}: must be a list")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstanceError(f"{path}: must be a non-empty string")
    return value


def _texts(value: Any, path: str) -> frozenset[str]:
    return frozenset(_text(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))


def _whole(value: Any, path: str, *, minimum: int) -> int:
    # bool is an int to Python, but `true` is not a number of minutes.
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        wanted = "a positive whole number" if minimum == 1 else f"a whole number >= {minimum}"
        raise InstanceError(f"{path}: must be {wanted}")
    return value


def _time(value: Any, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise InstanceError(f"{path}: must be an ISO 8601 time with an offset")
    return moment.astimezone(UTC)


def _window(value: Any, path: str) -> Interval:
    pair = _list(value, path)
    if len(pair) != 2:
        raise InstanceError(f"{path}: must be a [start, end] pair")
    start, end = _time(pair[0], f"{path}[0]"), _time(pair[1], f"{path}[1]")
    if end <= start:
        raise InstanceError(f"{path}: must end after it starts")
    return Interval(start, end)


def _windows(value: Any, path: str) -> tuple[Interval, ...]:
    # Normalised, so "inside one window" means inside the union of what was given.
    return tuple(
        normalise(_window(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))
    )


def _unique(ids: Sequence[str], path: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            raise InstanceError(f"{path}[{i}].id: {item!r} is used twice")
        seen.add(item)


def _facilitator(data: Mapping[str, Any], path: str) -> FacilitatorSpec:
    return FacilitatorSpec(
        id=_text(_get(data, "id", path), f"{path}id"),
        skills=_texts(data.get("skills", []), f"{path}skills"),
        areas=_texts(data.get("areas", []), f"{path}areas"),
        max_panels=_whole(_get(data, "max_panels", path), f"{path}max_panels", minimum=0),
        available=_windows(_get(data, "available", path), f"{path}available"),
    )


def _venue(data: Mapping[str, Any], path: str) -> VenueSpec:
    return VenueSpec(
        id=_text(_get(data, "id", path), f"{path}id"),
        area=_text(_get(data, "area", path), f"{path}area"),
        capacity=_whole(_get(data, "capacity", path), f"{path}capacity", minimum=0),
        features=_texts(data.get("features", []), f"{path}features"),
        open=_windows(_get(data, "open", path), f"{path}open"),
        buffer_before_minutes=_whole(
            data.get("buffer_before_minutes", 0), f"{path}buffer_before_minutes", minimum=0
        ),
        buffer_after_minutes=_whole(
            data.get("buffer_after_minutes", 0), f"{path}buffer_after_minutes", minimum=0
        ),
    )


def _optional_time(data: Mapping[str, Any], key: str, path: str) -> datetime | None:
    value = data.get(key)
    return None if value is None else _time(value, f"{path}{key}")


def _panel(data: Mapping[str, Any], path: str) -> PanelSpec:
    needed = _whole(data.get("facilitators_needed", 2), f"{path}facilitators_needed", minimum=1)
    leads = _whole(data.get("leads_needed", 1), f"{path}leads_needed", minimum=0)
    if leads > needed:
        raise InstanceError(f"{path}leads_needed: cannot be more than facilitators_needed")
    earliest = _optional_time(data, "earliest", path)
    latest = _optional_time(data, "latest", path)
    if earliest is not None and latest is not None and latest <= earliest:
        raise InstanceError(f"{path}latest: must be after earliest")
    return PanelSpec(
        id=_text(_get(data, "id", path), f"{path}id"),
        duration_minutes=_whole(
            _get(data, "duration_minutes", path), f"{path}duration_minutes", minimum=1
        ),
        attendees=_whole(_get(data, "attendees", path), f"{path}attendees", minimum=1),
        area=_text(_get(data, "area", path), f"{path}area"),
        parties_available=_windows(
            _get(data, "parties_available", path), f"{path}parties_available"
        ),
        facilitators_needed=needed,
        leads_needed=leads,
        requires_skills=_texts(data.get("requires_skills", []), f"{path}requires_skills"),
        requires_features=_texts(data.get("requires_features", []), f"{path}requires_features"),
        avoid_areas=_texts(data.get("avoid_areas", []), f"{path}avoid_areas"),
        conflicts=_texts(data.get("conflicts", []), f"{path}conflicts"),
        earliest=earliest,
        latest=latest,
    )


def _booking(data: Mapping[str, Any], path: str) -> Booking:
    start, end = (
        _time(_get(data, "start", path), f"{path}start"),
        _time(_get(data, "end", path), f"{path}end"),
    )
    if end <= start:
        raise InstanceError(f"{path}end: must be after start")
    team = _list(_get(data, "facilitators", path), f"{path}facilitators")
    return Booking(
        panel=_text(_get(data, "panel", path), f"{path}panel"),
        start=start,
        end=end,
        venue=_text(_get(data, "venue", path), f"{path}venue"),
        facilitators=tuple(_text(f, f"{path}facilitators[{i}]") for i, f in enumerate(team)),
    )


def _items(data: Mapping[str, Any], key: str, required: bool = True) -> list[Mapping[str, Any]]:
    value = _get(data, key, "") if required else data.get(key, [])
    return [_mapping(item, f"{key}[{i}]") for i, item in enumerate(_list(value, key))]


def load_instance(data: Mapping[str, Any]) -> Instance:
    """The instance in `data` (the JSON shape of DESIGN.md, already parsed).

    Unknown keys are ignored, so a newer writer can add some. Bookings may name
    facilitators and venues that are not in the instance (someone no longer offered still
    has their past panels); they simply do not matter here.
    """
    data = _mapping(data, "instance")
    version = _get(data, "version", "")
    if version != VERSION or isinstance(version, bool):
        raise InstanceError(f"version: must be {VERSION}")
    timezone = _text(data.get("timezone", "Europe/London"), "timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InstanceError(f"timezone: {timezone!r} is not a known time zone") from None
    horizon_data = _mapping(_get(data, "horizon", ""), "horizon")
    start = _time(_get(horizon_data, "start", "horizon."), "horizon.start")
    end = _time(_get(horizon_data, "end", "horizon."), "horizon.end")
    if end <= start:
        raise InstanceError("horizon.end: must be after horizon.start")
    granularity = _whole(data.get("granularity_minutes", 30), "granularity_minutes", minimum=1)

    facilitators = [
        _facilitator(f, f"facilitators[{i}].") for i, f in enumerate(_items(data, "facilitators"))
    ]
    venues = [_venue(v, f"venues[{i}].") for i, v in enumerate(_items(data, "venues"))]
    panels = [_panel(p, f"panels[{i}].") for i, p in enumerate(_items(data, "panels"))]
    booked = [_booking(b, f"booked[{i}].") for i, b in enumerate(_items(data, "booked", False))]
    _unique([f.id for f in facilitators], "facilitators")
    _unique([v.id for v in venues], "venues")
    _unique([p.id for p in panels], "panels")
    to_place = {p.id for p in panels}
    for i, booking in enumerate(booked):
        if booking.panel in to_place:
            raise InstanceError(
                f"booked[{i}].panel: {booking.panel!r} is also a panel to schedule; "
                "leave its booking out to move it"
            )
    return Instance(
        horizon=Interval(start, end),
        facilitators=tuple(facilitators),
        venues=tuple(venues),
        panels=tuple(panels),
        booked=tuple(booked),
        granularity_minutes=granularity,
        timezone=timezone,
    )


# Writing. Times are written in the instance's zone, so people reading the JSON see their
# own clock times; the offset keeps them exact.


def _iso(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


def _dump_windows(windows: Sequence[Interval], zone: ZoneInfo) -> list[list[str]]:
    return [[_iso(w.start, zone), _iso(w.end, zone)] for w in windows]


def dump_instance(instance: Instance) -> dict[str, Any]:
    zone = ZoneInfo(instance.timezone)
    return {
        "version": instance.version,
        "timezone": instance.timezone,
        "horizon": {
            "start": _iso(instance.horizon.start, zone),
            "end": _iso(instance.horizon.end, zone),
        },
        "granularity_minutes": instance.granularity_minutes,
        "facilitators": [
            {
                "id": f.id,
                "skills": sorted(f.skills),
                "areas": sorted(f.areas),
                "max_panels": f.max_panels,
                "available": _dump_windows(f.available, zone),
            }
            for f in instance.facilitators
        ],
        "venues": [
            {
                "id": v.id,
                "area": v.area,
                "capacity": v.capacity,
                "features": sorted(v.features),
                "open": _dump_windows(v.open, zone),
                "buffer_before_minutes": v.buffer_before_minutes,
                "buffer_after_minutes": v.buffer_after_minutes,
            }
            for v in instance.venues
        ],
        "panels": [_dump_panel(p, zone) for p in instance.panels],
        "booked": [_dump_placed(b, zone) for b in instance.booked],
    }


def _dump_panel(panel: PanelSpec, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": panel.id,
        "duration_minutes": panel.duration_minutes,
        "attendees": panel.attendees,
        "area": panel.area,
        "facilitators_needed": panel.facilitators_needed,
        "leads_needed": panel.leads_needed,
        "requires_skills": sorted(panel.requires_skills),
        "requires_features": sorted(panel.requires_features),
        "avoid_areas": sorted(panel.avoid_areas),
        "conflicts": sorted(panel.conflicts),
        "parties_available": _dump_windows(panel.parties_available, zone),
        "earliest": None if panel.earliest is None else _iso(panel.earliest, zone),
        "latest": None if panel.latest is None else _iso(panel.latest, zone),
    }


def _dump_placed(placed: _Placed, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "panel": placed.panel,
        "start": _iso(placed.start, zone),
        "end": _iso(placed.end, zone),
        "venue": placed.venue,
        "facilitators": list(placed.facilitators),
    }


def dump_solution(solution: Solution, *, timezone: str = "Europe/London") -> dict[str, Any]:
    """The output JSON of DESIGN.md, times written in `timezone` (pass the instance's)."""
    zone = ZoneInfo(timezone)
    return {
        "version": VERSION,
        "assignments": [_dump_placed(a, zone) for a in solution.assignments],
        "unscheduled": [
            {"panel": u.panel, "reasons": list(u.reasons)} for u in solution.unscheduled
        ],
        "stats": dict(solution.stats),
    }


def load_solution(data: Mapping[str, Any]) -> Solution:
    data = _mapping(data, "solution")
    if data.get("version", VERSION) != VERSION:
        raise InstanceError(f"version: must be {VERSION}")
    assignments = []
    for i, item in enumerate(_items(data, "assignments")):
        booking = _booking(item, f"assignments[{i}].")
        assignments.append(
            Assignment(
                booking.panel, booking.start, booking.end, booking.venue, booking.facilitators
            )
        )
    unscheduled = []
    for i, item in enumerate(_items(data, "unscheduled", False)):
        path = f"unscheduled[{i}]."
        reasons = _list(item.get("reasons", []), f"{path}reasons")
        unscheduled.append(
            Unscheduled(
                panel=_text(_get(item, "panel", path), f"{path}panel"),
                reasons=tuple(_text(r, f"{path}reasons[{j}]") for j, r in enumerate(reasons)),
            )
        )
    stats = _mapping(data.get("stats", {}), "stats")
    return Solution(tuple(assignments), tuple(unscheduled), dict(stats))

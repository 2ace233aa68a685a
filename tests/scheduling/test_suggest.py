"""Suggesting times for one panel: on small random instances every option keeps every hard
rule and the options are the earliest times a search of every start, venue and team finds;
when there is none, the reasons name the rule that blocks it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.checker import violations
from scheduling.instance import (
    Assignment,
    Booking,
    FacilitatorSpec,
    Instance,
    PanelSpec,
    VenueSpec,
    load_instance,
)
from scheduling.intervals import Interval
from scheduling.recurrence import LONDON
from scheduling.suggest import suggest

# Days a horizon starts on: the Sunday the clocks go forward (a 23-hour day), the Saturday
# before it (so a two-day horizon spans the change), the Sunday they go back (25 hours)
# and an ordinary Tuesday.
DAYS = (date(2027, 3, 28), date(2027, 3, 27), date(2027, 10, 31), date(2027, 6, 15))
AREAS = ("north", "south", "east")
FEATURES = ("step_free", "two_rooms")


@st.composite
def instance_data(
    draw: st.DrawFn, *, most_panels: int = 6, crowded: bool = False
) -> dict[str, Any]:
    """The JSON of a small instance. Everyone's time clusters round one or two moments of
    the horizon (the anchors), so people, rooms and parties are often, but not always, free
    together; each other rule bites now and then.

    `crowded` is one evening on an hourly grid, each panel's parties free for two or three
    hours of it, and people and rooms that mostly suit: the panels compete for them, which
    is what a batch scheduler has to get right, with few enough starts to try every
    combination."""
    day = draw(st.sampled_from(DAYS))
    days = draw(st.integers(1, 2))
    start = datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=days), time(), tzinfo=LONDON).astimezone(UTC)
    minutes = (end - start) // timedelta(minutes=1)
    # Written in local time or in UTC: the reader must treat both as the same instants.
    zone = draw(st.sampled_from((LONDON, UTC)))
    anchors = draw(
        st.lists(st.integers(0, minutes // 60 - 1), min_size=1, max_size=1 if crowded else 2)
    )
    # How rarely a panel asks for a skill, a feature or to avoid an area, or has a conflict.
    rare = 10 if crowded else 5

    def sometimes(share: int) -> bool:
        """True about once in `share` draws (shrinking towards False)."""
        return draw(st.integers(0, share - 1)) == share - 1

    def at(offset: int) -> str:
        return (start + timedelta(minutes=offset)).astimezone(zone).isoformat()

    def moment() -> int:
        """Within an hour of an anchor, on the half hour."""
        return draw(st.sampled_from(anchors)) * 60 + draw(st.integers(-2, 2)) * 30

    def window(anchor: int) -> list[str]:
        """From up to three hours before the anchor to up to four after."""
        begins = anchor * 60 - draw(st.integers(1, 6)) * 30
        return [at(begins), at(anchor * 60 + draw(st.integers(2, 8)) * 30)]

    def windows(*, ever_none: bool = True) -> list[list[str]]:
        """Time round each anchor, now and then missing one; and, when `ever_none`, now
        and then none at all (someone who has given no time)."""
        if ever_none and sometimes(20):
            return []
        kept = [window(anchor) for anchor in anchors if not sometimes(5)]
        return kept or [window(anchors[0])]

    def some(choices: Sequence[str], share: int) -> list[str]:
        return [draw(st.sampled_from(choices))] if sometimes(share) else []

    people = [f"f{i}" for i in range(draw(st.integers(3, 5) if crowded else st.integers(2, 6)))]
    facilitators = [
        {
            "id": person,
            "skills": ([] if sometimes(3) else ["lead"]) + some(("youth",), 2),
            "areas": draw(st.lists(st.sampled_from(AREAS[:2]), unique=True)),
            "max_panels": draw(st.sampled_from((2, 3, 1) if crowded else (2, 3, 1, 2, 3, 0))),
            "available": windows(),
        }
        for person in people
    ]
    rooms = [f"v{i}" for i in range(draw(st.integers(1, 3)))]
    buffers = st.sampled_from((0, 0, 15, 30))
    venues = [
        {
            "id": room,
            "area": draw(st.sampled_from(AREAS)),
            "capacity": draw(st.sampled_from((12, 8) if crowded else (8, 12, 4))),
            "features": draw(st.lists(st.sampled_from(FEATURES), unique=True)),
            "open": windows(ever_none=False),
            "buffer_before_minutes": draw(buffers),
            "buffer_after_minutes": draw(buffers),
        }
        for room in rooms
    ]
    panels = []
    for i in range(draw(st.integers(1, most_panels))):
        needed = draw(st.sampled_from((2, 1, 2, 3)))
        earliest = moment() - 120 if sometimes(rare) else None
        latest = moment() + 240 if sometimes(rare) else None
        if earliest is not None and latest is not None and latest <= earliest:
            latest = earliest + 60
        if crowded:
            begins = anchors[0] * 60 - draw(st.integers(0, 1)) * 60
            parties = [[at(begins), at(begins + draw(st.sampled_from((120, 180))))]]
        else:
            parties = windows()
        panels.append(
            {
                "id": f"p{i}",
                "duration_minutes": draw(st.sampled_from((60, 30, 90, 120))),
                "attendees": draw(st.integers(2, 8)),
                "area": draw(st.sampled_from(AREAS[:2])),
                "facilitators_needed": needed,
                "leads_needed": min(needed, draw(st.sampled_from((1, 0, 1, 1, 2)))),
                "requires_skills": some(("youth",), rare),
                "requires_features": some(FEATURES, rare),
                "avoid_areas": some(AREAS, rare),
                "conflicts": some(people, rare),
                "parties_available": parties,
                "earliest": None if earliest is None else at(earliest),
                "latest": None if latest is None else at(latest),
            }
        )
    booked = []
    for i in range(draw(st.sampled_from((0, 1) if crowded else (0, 1, 2, 0, 1, 3)))):
        begins = moment()
        booked.append(
            {
                "panel": f"b{i}",
                "start": at(begins),
                "end": at(begins + draw(st.sampled_from((60, 120)))),
                # Bookings may name a room or a person no longer offered.
                "venue": draw(st.sampled_from([*rooms, "v-closed"])),
                "facilitators": draw(
                    st.lists(st.sampled_from([*people, "f-left"]), min_size=1, max_size=2)
                ),
            }
        )
    return {
        "version": 1,
        "timezone": "Europe/London",
        "horizon": {"start": at(0), "end": at(minutes)},
        "granularity_minutes": 60 if crowded else draw(st.sampled_from((30, 60))),
        "facilitators": facilitators,
        "venues": venues,
        "panels": panels,
        "booked": booked,
    }


def instances(*, most_panels: int = 6, crowded: bool = False) -> st.SearchStrategy[Instance]:
    return instance_data(most_panels=most_panels, crowded=crowded).map(load_instance)


def grid_starts(instance: Instance) -> Iterator[datetime]:
    step = timedelta(minutes=instance.granularity_minutes)
    moment = instance.horizon.start
    while moment < instance.horizon.end:
        yield moment
        moment += step


def feasible_at(
    instance: Instance, panel: PanelSpec, start: datetime, placed: tuple[Assignment, ...] = ()
) -> Iterator[Assignment]:
    """Every venue and team the checker accepts for the panel at `start`, alongside
    `placed` and the instance's bookings: a search of everything, sharing no code with the
    library's search."""
    end = start + timedelta(minutes=panel.duration_minutes)
    # A shortcut, written from DESIGN's rule (the windows are normalised on loading): when
    # the parties cannot come no venue and team will do, so none is tried.
    if not any(w.start <= start and end <= w.end for w in panel.parties_available):
        return
    people = [f.id for f in instance.facilitators]
    for venue in instance.venues:
        for team in combinations(people, panel.facilitators_needed):
            assignment = Assignment(panel.id, start, end, venue.id, team)
            if not violations(instance, [*placed, assignment]):
                yield assignment


def feasible_starts(instance: Instance, panel: PanelSpec, most: int) -> list[datetime]:
    """The first `most` grid starts at which the panel can go somewhere with someone."""
    found: list[datetime] = []
    for start in grid_starts(instance):
        if len(found) == most:
            break
        if next(feasible_at(instance, panel, start), None) is not None:
            found.append(start)
    return found


# derandomize: CI sees the same examples on every run, so a red build always means a
# change in the code, never a newly drawn example; the examples still cover the space
# widely, and a failure prints the instance to turn into a fixed test.


@settings(max_examples=100, deadline=None, derandomize=True)
@given(instances())
def test_every_option_keeps_every_hard_rule_and_comes_in_time_order(instance: Instance) -> None:
    for panel in instance.panels:
        found = suggest(instance, panel.id, 4)

        starts = [option.assignment.start for option in found.options]
        assert len(starts) <= 4
        assert starts == sorted(set(starts)), "options at distinct times, earliest first"
        for option in found.options:
            assert violations(instance, [option.assignment]) == [], option
            local = option.assignment.start.astimezone(LONDON)
            assert f"{local:%A} {local.day} {local:%B}, {local:%H:%M}" in option.explanation
        if found.options:
            assert found.reasons == ()
        else:
            assert found.reasons, "a panel with no option says why"
            assert all(reason.strip() for reason in found.reasons)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(instances(most_panels=1))
def test_the_options_are_the_earliest_times_an_exhaustive_search_finds(
    instance: Instance,
) -> None:
    panel = instance.panels[0]

    found = suggest(instance, panel.id, 3)

    expected = feasible_starts(instance, panel, 3)
    assert [option.assignment.start for option in found.options] == expected


# Worked examples. Monday 29 March 2027 is the day after the clocks go forward, so 18:00
# in London is 17:00 UTC.

WEEK = Interval(datetime(2027, 3, 29, tzinfo=LONDON), datetime(2027, 4, 5, tzinfo=LONDON))


def london(hour: int, minute: int = 0, day: int = 29) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=LONDON)


def evening(day: int = 29) -> tuple[Interval, ...]:
    return (Interval(london(17, day=day), london(22, day=day)),)


def person(name: str, *skills: str, area: str = "north", day: int = 29) -> FacilitatorSpec:
    return FacilitatorSpec(
        id=name,
        skills=frozenset(skills),
        areas=frozenset({area}),
        max_panels=3,
        available=evening(day),
    )


def hall(**changes: Any) -> VenueSpec:
    values: dict[str, Any] = {
        "id": "hall",
        "area": "north",
        "capacity": 12,
        "features": frozenset({"step_free"}),
        "open": evening(),
    }
    return VenueSpec(**(values | changes))


def panel(**changes: Any) -> PanelSpec:
    values: dict[str, Any] = {
        "id": "p1",
        "duration_minutes": 120,
        "attendees": 6,
        "area": "north",
        "parties_available": (Interval(london(18), london(21)),),
    }
    return PanelSpec(**(values | changes))


def week(
    *,
    facilitators: tuple[FacilitatorSpec, ...] = (person("ana", "lead"), person("ben")),
    venues: tuple[VenueSpec, ...] = (hall(),),
    panels: tuple[PanelSpec, ...] = (panel(),),
    booked: tuple[Booking, ...] = (),
) -> Instance:
    return Instance(WEEK, facilitators, venues, panels, booked)


def test_the_first_option_is_18_00_london_time_after_the_clocks_go_forward() -> None:
    found = suggest(week(), "p1")

    first = found.options[0]
    assert first.assignment.start == datetime(2027, 3, 29, 17, tzinfo=UTC)
    assert first.assignment.venue == "hall"
    assert set(first.assignment.facilitators) == {"ana", "ben"}
    assert first.explanation.startswith(
        "Earliest time everyone can come (Monday 29 March, 18:00 to 20:00)"
    )
    assert "both facilitators cover north" in first.explanation
    # 18:00 to 21:00 fits a two-hour panel at 18:00, 18:30 and 19:00 on the half-hour grid.
    assert [o.assignment.start.astimezone(LONDON).strftime("%H:%M") for o in found.options] == [
        "18:00",
        "18:30",
        "19:00",
    ]


def test_a_booked_panel_pushes_the_suggestion_later() -> None:
    booked = Booking("b1", london(17), london(19), "elsewhere", ("ana",))

    found = suggest(week(booked=(booked,)), "p1", 1)

    assert found.options[0].assignment.start == london(19)


def test_no_step_free_venue_is_the_reason_given() -> None:
    instance = week(
        venues=(hall(features=frozenset({"two_rooms"})),),
        panels=(panel(requires_features=frozenset({"step_free"})),),
    )

    found = suggest(instance, "p1")

    assert found.options == ()
    assert found.reasons == ("No venue with step_free for 6 people exists",)


def test_a_venue_closed_when_the_parties_can_come_is_the_reason_given() -> None:
    instance = week(venues=(hall(open=evening(30)),))

    found = suggest(instance, "p1")

    assert found.reasons == ("No venue for 6 people is open when the parties can come",)


def test_no_lead_free_when_the_parties_can_come_is_the_reason_given() -> None:
    # The only lead is free on Tuesday; the parties can come only on Monday.
    instance = week(facilitators=(person("ana", "lead", day=30), person("ben"), person("cy")))

    found = suggest(instance, "p1")

    assert found.options == ()
    assert found.reasons == ("No lead facilitator is free when the parties can come",)


def test_too_few_facilitators_with_the_skill_is_the_reason_given() -> None:
    instance = week(
        facilitators=(person("ana", "lead", "youth"), person("ben")),
        panels=(panel(requires_skills=frozenset({"youth"})),),
    )

    found = suggest(instance, "p1")

    assert found.reasons == ("Not enough facilitators have youth",)


def test_parties_outside_the_horizon_is_the_reason_given() -> None:
    # Monday 12 April, a week after the horizon ends.
    later = (Interval(london(18) + timedelta(weeks=2), london(21) + timedelta(weeks=2)),)

    found = suggest(week(panels=(panel(parties_available=later),)), "p1")

    assert found.reasons == ("No time when all the parties can come falls within the horizon",)


def test_a_facilitator_at_their_limit_is_not_suggested() -> None:
    busy = FacilitatorSpec("ana", frozenset({"lead"}), frozenset({"north"}), 1, evening())
    earlier = Booking("b1", london(10, day=28), london(12, day=28), "hall", ("ana",))

    found = suggest(week(facilitators=(busy, person("ben")), booked=(earlier,)), "p1")

    assert found.reasons == ("Every suitable lead facilitator has reached their monthly limit",)

"""The feasibility checker: each hard rule of DESIGN.md broken once, on a small hand-built
week, is named in one plain sentence; an answer that keeps every rule gives none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduling.checker import violations
from scheduling.instance import (
    Assignment,
    Booking,
    FacilitatorSpec,
    Instance,
    PanelSpec,
    VenueSpec,
)
from scheduling.intervals import Interval


def tuesday(hour: int, minute: int = 0) -> datetime:
    """A time on Tuesday 2 March 2027 (GMT, so London time is UTC)."""
    return datetime(2027, 3, 2, hour, minute, tzinfo=UTC)


def evenings(first: int = 16, last: int = 22) -> tuple[Interval, ...]:
    """Tuesday and Wednesday evenings."""
    return tuple(
        Interval(tuesday(first) + timedelta(days=d), tuesday(last) + timedelta(days=d))
        for d in (0, 1)
    )


def person(name: str, *skills: str, area: str = "north", limit: int = 3) -> FacilitatorSpec:
    return FacilitatorSpec(name, frozenset(skills), frozenset({area}), limit, evenings(17))


LENA = person("lena", "lead", "youth")
OMAR = person("omar", "youth")
NIA = person("nia", "youth")
PAT = person("pat", "lead", area="south", limit=1)
# The hall needs a quarter of an hour either side of a panel to set up and clear away.
HALL = VenueSpec("hall", "north", 10, frozenset({"step_free"}), evenings(), 15, 15)
ANNEX = VenueSpec("annex", "south", 4, frozenset(), evenings())
# A youth panel for six people that needs step-free access; the parties can come from 18:00
# to 21:00 on Tuesday or Wednesday.
YOUTH = PanelSpec(
    id="p1",
    duration_minutes=120,
    attendees=6,
    area="north",
    parties_available=evenings(18, 21),
    requires_skills=frozenset({"youth"}),
    requires_features=frozenset({"step_free"}),
)
# A small panel one lead can run, any time on Tuesday or Wednesday evening.
SMALL = PanelSpec(
    id="p2",
    duration_minutes=60,
    attendees=3,
    area="south",
    parties_available=evenings(),
    facilitators_needed=1,
)
WEEK = Instance(
    horizon=Interval(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 8, tzinfo=UTC)),
    facilitators=(LENA, OMAR, NIA, PAT),
    venues=(HALL, ANNEX),
    panels=(YOUTH, SMALL),
)
# Both panels placed, keeping every rule.
GOOD = Assignment("p1", tuesday(18), tuesday(20), "hall", ("lena", "omar"))
GOOD_SMALL = Assignment("p2", tuesday(20), tuesday(21), "annex", ("pat",))


def test_an_answer_that_keeps_every_rule_has_no_violations() -> None:
    assert violations(WEEK, [GOOD, GOOD_SMALL]) == []


def test_no_answer_has_no_violations() -> None:
    assert violations(WEEK, []) == []


def with_panel(**changes: Any) -> Instance:
    return replace(WEEK, panels=(replace(YOUTH, **changes), SMALL))


def with_hall(**changes: Any) -> Instance:
    return replace(WEEK, venues=(replace(HALL, **changes), ANNEX))


def booked(*bookings: Booking) -> Instance:
    return replace(WEEK, booked=bookings)


def moved(start: datetime, end: datetime | None = None) -> Assignment:
    return replace(GOOD, start=start, end=end or start + timedelta(hours=2))


def team(*names: str) -> Assignment:
    return replace(GOOD, facilitators=names)


@pytest.mark.parametrize(
    ("instance", "assignments", "expected"),
    [
        pytest.param(
            replace(
                WEEK,
                facilitators=(
                    replace(LENA, available=(Interval(tuesday(17), tuesday(19)),)),
                    OMAR,
                    NIA,
                    PAT,
                ),
            ),
            [GOOD],
            "Panel p1: facilitator lena is not available for all of 2027-03-02 18:00-20:00 UTC.",
            id="facilitator unavailable for part of the panel",
        ),
        pytest.param(
            # Open from 18:00, but the hall needs setting up from 17:45.
            with_hall(open=(Interval(tuesday(18), tuesday(22)),)),
            [GOOD],
            "Panel p1: venue hall is not open for all of 2027-03-02 17:45-20:15 UTC "
            "(the panel with the venue's buffers).",
            id="venue closed during its buffer",
        ),
        pytest.param(
            WEEK,
            [GOOD, replace(GOOD_SMALL, start=tuesday(19), end=tuesday(20), facilitators=("lena",))],
            "Facilitator lena is needed by panel p1 and panel p2 at once.",
            id="two panels share a facilitator at once",
        ),
        pytest.param(
            booked(Booking("b1", tuesday(19), tuesday(21), "elsewhere", ("omar",))),
            [GOOD],
            "Facilitator omar is needed by panel p1 and booked panel b1 at once.",
            id="facilitator already booked",
        ),
        pytest.param(
            # The booking starts as the panel ends, but the hall's buffers overlap.
            booked(Booking("b1", tuesday(20), tuesday(21), "hall", ("someone-else",))),
            [GOOD],
            "Venue hall is needed by panel p1 and booked panel b1 at once.",
            id="venue buffers overlap a booking",
        ),
        pytest.param(
            WEEK,
            [GOOD, replace(GOOD_SMALL, venue="hall")],
            "Venue hall is needed by panel p1 and panel p2 at once.",
            id="venue buffers overlap between two panels",
        ),
        pytest.param(
            # Pat's one panel this month is already booked, on Monday.
            booked(
                Booking(
                    "b1",
                    tuesday(18) - timedelta(days=1),
                    tuesday(19) - timedelta(days=1),
                    "elsewhere",
                    ("pat",),
                )
            ),
            [GOOD, GOOD_SMALL],
            "Facilitator pat would have 2 panels, over their limit of 1.",
            id="over the limit counting bookings",
        ),
        pytest.param(
            WEEK,
            [team("omar", "nia")],
            "Panel p1 has 0 lead facilitators, not 1.",
            id="no lead",
        ),
        pytest.param(
            WEEK,
            [team("lena", "pat")],
            "Panel p1: facilitator pat lacks youth.",
            id="facilitator without the skill",
        ),
        pytest.param(
            with_panel(conflicts=frozenset({"omar"})),
            [GOOD],
            "Panel p1: facilitator omar has a conflict with it.",
            id="facilitator with a conflict",
        ),
        pytest.param(
            with_hall(capacity=5),
            [GOOD],
            "Panel p1: venue hall holds 5 people, not 6.",
            id="venue too small",
        ),
        pytest.param(
            with_hall(features=frozenset({"two_rooms"})),
            [GOOD],
            "Panel p1: venue hall lacks step_free.",
            id="venue without the feature",
        ),
        pytest.param(
            with_panel(avoid_areas=frozenset({"north"})),
            [GOOD],
            "Panel p1: venue hall is in north, an area to avoid.",
            id="venue in an area to avoid",
        ),
        pytest.param(
            WEEK,
            [moved(tuesday(17))],
            "Panel p1 at 2027-03-02 17:00-19:00 UTC is not at a time all the parties can come.",
            id="outside the parties' time",
        ),
        pytest.param(
            with_panel(earliest=tuesday(18, 30)),
            [GOOD],
            "Panel p1 starts before its earliest time.",
            id="before earliest",
        ),
        pytest.param(
            with_panel(latest=tuesday(19, 30)),
            [GOOD],
            "Panel p1 ends after its latest time.",
            id="after latest",
        ),
        pytest.param(
            replace(WEEK, horizon=Interval(datetime(2027, 3, 1, tzinfo=UTC), tuesday(19))),
            [GOOD],
            "Panel p1 at 2027-03-02 18:00-20:00 UTC is outside the horizon.",
            id="past the horizon",
        ),
        pytest.param(
            WEEK,
            [moved(tuesday(18), tuesday(19, 30))],
            "Panel p1 lasts 90 minutes, not 120.",
            id="wrong length",
        ),
        pytest.param(
            WEEK,
            [moved(tuesday(18, 10))],
            "Panel p1 starts at 2027-03-02 18:10:00 UTC, off the 30-minute grid that starts "
            "with the horizon.",
            id="off the grid",
        ),
        pytest.param(
            WEEK,
            [GOOD, moved(tuesday(18) + timedelta(days=1))],
            "Panel p1 is assigned 2 times; once at most.",
            id="panel placed twice",
        ),
        pytest.param(
            WEEK,
            [replace(GOOD, panel="p9")],
            "Panel p9 is not one of the instance's panels.",
            id="unknown panel",
        ),
        pytest.param(
            WEEK,
            [replace(GOOD, venue="barn")],
            "Panel p1: venue barn is not one of the instance's venues.",
            id="unknown venue",
        ),
        pytest.param(
            WEEK,
            [team("lena", "zed")],
            "Panel p1: facilitator zed is not one of the instance's.",
            id="unknown facilitator",
        ),
    ],
)
def test_each_broken_rule_is_named(
    instance: Instance, assignments: list[Assignment], expected: str
) -> None:
    assert violations(instance, assignments) == [expected]


def test_the_same_facilitator_twice_is_not_a_team_of_two() -> None:
    assert violations(WEEK, [team("lena", "lena")]) == [
        "Panel p1 names the same facilitator twice.",
        "Panel p1 has 1 distinct facilitators, not 2.",
    ]


def test_too_many_facilitators_is_refused() -> None:
    assert violations(WEEK, [team("lena", "omar", "nia")]) == [
        "Panel p1 has 3 distinct facilitators, not 2.",
    ]


def test_bookings_that_clash_with_each_other_are_not_the_answers_doing() -> None:
    instance = booked(
        Booking("b1", tuesday(10), tuesday(12), "hall", ("lena",)),
        Booking("b2", tuesday(11), tuesday(13), "hall", ("lena",)),
    )

    assert violations(instance, [GOOD]) == []


def test_someone_over_their_limit_on_bookings_alone_matters_only_if_given_more() -> None:
    # Pat's limit was lowered to 1 after two panels were booked.
    monday = timedelta(days=1)
    instance = booked(
        Booking("b1", tuesday(10) - monday, tuesday(11) - monday, "elsewhere", ("pat",)),
        Booking("b2", tuesday(12) - monday, tuesday(13) - monday, "elsewhere", ("pat",)),
    )

    assert violations(instance, [GOOD]) == []
    assert violations(instance, [GOOD, GOOD_SMALL]) == [
        "Facilitator pat would have 3 panels, over their limit of 1."
    ]


def test_a_panel_across_two_touching_windows_is_inside_them() -> None:
    split = (Interval(tuesday(18), tuesday(19)), Interval(tuesday(19), tuesday(21)))

    assert violations(with_panel(parties_available=split), [GOOD]) == []

"""The scheduling instance format of DESIGN.md: the example there loads, what is written
reads back the same, and a mistake in the JSON is refused with the field that is wrong."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings

from scheduling.instance import (
    Assignment,
    Instance,
    InstanceError,
    Solution,
    Unscheduled,
    dump_instance,
    dump_solution,
    load_instance,
    load_solution,
)
from scheduling.intervals import Interval
from tests.scheduling.test_suggest import instances

# The example of "Scheduling instance format (version 1)" in DESIGN.md, as written there.
DESIGN_EXAMPLE = json.loads("""
{
  "version": 1,
  "timezone": "Europe/London",
  "horizon": {"start": "2027-03-01T00:00:00+00:00", "end": "2027-03-29T00:00:00+01:00"},
  "granularity_minutes": 30,
  "facilitators": [
    {"id": "f1", "skills": ["lead", "youth"], "areas": ["north"], "max_panels": 4,
     "available": [["2027-03-01T09:00:00+00:00", "2027-03-01T13:00:00+00:00"]]}
  ],
  "venues": [
    {"id": "v1", "area": "north", "capacity": 12, "features": ["step_free", "two_rooms"],
     "open": [["2027-03-01T09:00:00+00:00", "2027-03-01T21:00:00+00:00"]]}
  ],
  "panels": [
    {"id": "p1", "duration_minutes": 120, "attendees": 5, "area": "north",
     "facilitators_needed": 2, "leads_needed": 1,
     "requires_skills": ["youth"], "requires_features": ["step_free"],
     "avoid_areas": [], "conflicts": ["f7"],
     "parties_available": [["2027-03-02T17:00:00+00:00", "2027-03-02T21:00:00+00:00"]],
     "earliest": "2027-03-01T00:00:00+00:00", "latest": "2027-03-29T00:00:00+01:00"}
  ],
  "booked": [
    {"panel": "p0", "start": "2027-03-01T10:00:00+00:00", "end": "2027-03-01T12:00:00+00:00",
     "venue": "v1", "facilitators": ["f1", "f2"]}
  ]
}
""")


def utc(day: int, hour: int) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=UTC)


REMOVE = object()


def changed(path: str, value: Any) -> dict[str, Any]:
    """The DESIGN.md example with the value at `path` (dotted, list indexes as numbers)
    replaced, or removed when `value` is REMOVE."""
    data = copy.deepcopy(DESIGN_EXAMPLE)
    *parents, last = path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    key: Any = int(last) if isinstance(target, list) else last
    if value is REMOVE:
        del target[key]
    else:
        target[key] = value
    return data


def test_the_design_example_loads() -> None:
    instance = load_instance(DESIGN_EXAMPLE)

    # The horizon ends at midnight on 29 March by the London clock, an hour earlier in UTC.
    assert instance.horizon == Interval(utc(1, 0), datetime(2027, 3, 28, 23, tzinfo=UTC))
    assert instance.granularity_minutes == 30
    (facilitator,) = instance.facilitators
    assert facilitator.skills == {"lead", "youth"}
    assert facilitator.available == (Interval(utc(1, 9), utc(1, 13)),)
    (panel,) = instance.panels
    assert panel.duration_minutes == 120
    assert panel.requires_features == {"step_free"}
    assert panel.conflicts == {"f7"}
    assert panel.parties_available == (Interval(utc(2, 17), utc(2, 21)),)
    # A booking may name someone no longer on the list (f2): they simply do not matter.
    assert instance.booked[0].facilitators == ("f1", "f2")


def test_what_is_written_reads_back_the_same() -> None:
    instance = load_instance(DESIGN_EXAMPLE)

    written = dump_instance(instance)

    assert load_instance(json.loads(json.dumps(written))) == instance
    # Times are written by the London clock, with the offset that makes them exact.
    assert written["horizon"]["end"] == "2027-03-29T00:00:00+01:00"


@settings(max_examples=50, deadline=None, derandomize=True)  # derandomize: see test_suggest
@given(instances())
def test_any_instance_written_and_read_back_is_the_same(instance: Instance) -> None:
    assert load_instance(json.loads(json.dumps(dump_instance(instance)))) == instance


def test_a_solution_written_and_read_back_is_the_same() -> None:
    solution = Solution(
        assignments=(Assignment("p1", utc(2, 17), utc(2, 19), "v1", ("f1", "f3")),),
        unscheduled=(Unscheduled("p9", ("No venue with step_free for 5 people exists",)),),
        stats={"panels": 2, "placed": 1, "seconds": 0.01},
    )

    written = dump_solution(solution, timezone="Europe/London")

    assert load_solution(json.loads(json.dumps(written))) == solution
    assert written["assignments"][0]["start"] == "2027-03-02T17:00:00+00:00"


def test_solution_times_are_written_by_the_local_clock() -> None:
    # 17:00 UTC on Monday 29 March 2027 is 18:00 in London, the clocks having gone forward.
    solution = Solution(
        (Assignment("p1", datetime(2027, 3, 29, 17, tzinfo=UTC), utc(29, 19), "v1", ("f1",)),),
        (),
    )

    written = dump_solution(solution, timezone="Europe/London")

    assert written["assignments"][0]["start"] == "2027-03-29T18:00:00+01:00"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(
            "panels.0.duration_minutes",
            0,
            "panels[0].duration_minutes: must be a positive whole number",
            id="a panel of no minutes",
        ),
        pytest.param(
            "panels.0.duration_minutes",
            "120",
            "panels[0].duration_minutes: must be a positive whole number",
            id="minutes as text",
        ),
        pytest.param(
            "facilitators.0.max_panels",
            True,
            "facilitators[0].max_panels: must be a whole number >= 0",
            id="true is not a number of panels",
        ),
        pytest.param(
            "horizon.start",
            "2027-03-01T00:00:00",
            "horizon.start: must be an ISO 8601 time with an offset",
            id="horizon start without offset",
        ),
        pytest.param(
            "panels.0.parties_available.0.1",
            "2027-03-02T21:00:00",
            "panels[0].parties_available[0][1]: must be an ISO 8601 time with an offset",
            id="window end without offset",
        ),
        pytest.param(
            "facilitators.0.available.0",
            ["2027-03-01T13:00:00+00:00", "2027-03-01T09:00:00+00:00"],
            "facilitators[0].available[0]: must end after it starts",
            id="window backwards",
        ),
        pytest.param(
            "venues.0.area",
            REMOVE,
            "venues[0].area: is required",
            id="venue without an area",
        ),
        pytest.param(
            "panels.0.leads_needed",
            3,
            "panels[0].leads_needed: cannot be more than facilitators_needed",
            id="more leads than facilitators",
        ),
        pytest.param(
            "panels.0.latest",
            "2027-03-01T00:00:00+00:00",
            "panels[0].latest: must be after earliest",
            id="latest not after earliest",
        ),
        pytest.param(
            "booked.0.end",
            "2027-03-01T10:00:00+00:00",
            "booked[0].end: must be after start",
            id="booking of no time",
        ),
        pytest.param(
            "version",
            2,
            "version: must be 1",
            id="another version",
        ),
        pytest.param(
            "timezone",
            "Europe/Narnia",
            "timezone: 'Europe/Narnia' is not a known time zone",
            id="unknown time zone",
        ),
    ],
)
def test_a_mistake_is_refused_naming_the_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(InstanceError) as refused:
        load_instance(changed(path, value))

    assert str(refused.value) == message


def test_an_id_used_twice_is_refused() -> None:
    data = copy.deepcopy(DESIGN_EXAMPLE)
    data["venues"].append({**data["venues"][0]})

    with pytest.raises(InstanceError, match=r"^venues\[1\]\.id: 'v1' is used twice$"):
        load_instance(data)


def test_a_booking_for_a_panel_also_to_schedule_is_refused() -> None:
    data = changed("booked.0.panel", "p1")

    with pytest.raises(InstanceError) as refused:
        load_instance(data)

    assert str(refused.value).startswith("booked[0].panel: 'p1' is also a panel to schedule")


def test_a_solution_time_without_offset_is_refused() -> None:
    written = {
        "version": 1,
        "assignments": [
            {
                "panel": "p1",
                "start": "2027-03-02T17:00:00",
                "end": "2027-03-02T19:00:00+00:00",
                "venue": "v1",
                "facilitators": ["f1"],
            }
        ],
    }

    with pytest.raises(InstanceError, match=r"^assignments\[0\]\.start: must be an ISO 8601"):
        load_solution(written)

"""A panel suggested and booked for 18:00 on the Monday after each 2027 clock change is
at 18:00 London time in the API, on the page and in the calendar invitation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from panels.bookings import service as bookings
from panels.bookings.schemas import BookingIn
from tests.icaljs import parse_with_icaljs
from tests.panels.web.test_page_protection import signed_in
from tests.world import World, ready_case, staff_the_scheme

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("monday", "utc_hour", "words"),
    [
        (date(2027, 3, 29), 17, "Monday 29 March 2027 at 6pm"),  # the day after BST starts
        (date(2027, 11, 1), 18, "Monday 1 November 2027 at 6pm"),  # the day after it ends
    ],
    ids=["after 28 March 2027", "after 31 October 2027"],
)
async def test_six_in_the_evening_stays_six_in_the_evening(
    client: AsyncClient, world: World, monday: date, utc_hour: int, words: str
) -> None:
    # 29 March 2027 is also Easter Monday: this scheme works bank holidays.
    await staff_the_scheme(world, first_day=monday - timedelta(days=10))
    six = datetime.combine(monday, time(18), tzinfo=LONDON)
    case_id = await ready_case(world, [(six, six + timedelta(hours=3))])
    # asked on the Thursday before, so the clock change falls between asking and meeting
    asked = datetime.combine(monday - timedelta(days=4), time(10), tzinfo=LONDON)

    found = await bookings.suggestions(world.coordinator.actor, case_id, now=asked)
    assert found["options"], found["reasons"]
    first = found["options"][0]
    assert first["start"] == six
    assert first["start"].astimezone(ZoneInfo("UTC")).hour == utc_hour

    panel_id = await bookings.book(
        world.coordinator.actor,
        case_id,
        BookingIn(
            start=first["start"],
            venue_id=first["venue"]["id"],
            facilitator_ids=[f["id"] for f in first["facilitators"]],
        ),
        now=asked,
    )
    api = await client.get(f"/api/v1/panels/{panel_id}", headers=world.facilitator.headers)
    assert datetime.fromisoformat(api.json()["start"]).astimezone(LONDON).time() == time(18)
    assert api.json()["start"].startswith(f"{monday.isoformat()}T{utc_hour}:00:00")

    ics = await client.get(
        f"/api/v1/panels/{panel_id}/invitation.ics", headers=world.facilitator.headers
    )
    (event,) = parse_with_icaljs(ics.content)["events"]
    assert event["start_tzid"] == "Europe/London"
    assert event["start_utc"].startswith(f"{monday.isoformat()}T{utc_hour}:00:00")
    assert "DTSTART;TZID=Europe/London:" + monday.strftime("%Y%m%d") + "T180000" in ics.text

    await signed_in(client, "fay@scheme.example")
    page = await client.get(f"/cases/{case_id}")
    assert words in page.text


async def test_easter_monday_is_not_offered_by_a_scheme_that_does_not_work_bank_holidays(
    world: World,
) -> None:
    monday = date(2027, 3, 29)
    await staff_the_scheme(world, first_day=monday - timedelta(days=10), bank_holidays=False)
    six = datetime.combine(monday, time(18), tzinfo=LONDON)
    case_id = await ready_case(world, [(six, six + timedelta(hours=3))])
    asked = datetime.combine(monday - timedelta(days=4), time(10), tzinfo=LONDON)

    found = await bookings.suggestions(world.coordinator.actor, case_id, now=asked)
    assert found["options"] == []
    assert any("venue" in reason and "open" in reason for reason in found["reasons"])
    assert any("lead facilitator" in reason for reason in found["reasons"])

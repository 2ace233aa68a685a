"""Facilitators, venues and availability in the browser: a coordinator sets up a
volunteer and a venue, a volunteer keeps their own times and calendar."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.async_api import expect

from panels.clock import london_today
from panels.facilitators import service as facilitators
from panels.facilitators.schemas import FacilitatorIn
from tests.panels.web.conftest import DESKTOP, Pages
from tests.panels.web.test_journeys import sign_in
from tests.world import World

GOOGLE = Path(__file__).resolve().parents[2] / "scheduling" / "fixtures" / "google.ics"


async def test_a_coordinator_sets_up_a_volunteer_and_sees_their_dbs_check_expiring(
    pages: Pages, world: World
) -> None:
    page = await pages.open(DESKTOP)
    await sign_in(pages, page, "cora@scheme.example")
    await page.get_by_role("link", name="Facilitators").click()
    await pages.check(page)
    await page.get_by_role("button", name="Create a profile for Fay Facilitator").click()
    await expect(page.get_by_text("Profile created")).to_be_visible()
    await pages.check(page)

    await page.get_by_label("Lead facilitator").check()
    await page.get_by_label("Youth panels").check()
    expires = london_today() + timedelta(days=20)
    dbs = page.get_by_role("group", name="DBS check expires on")
    await dbs.get_by_label("Day").fill(str(expires.day))
    await dbs.get_by_label("Month").fill(str(expires.month))
    await dbs.get_by_label("Year").fill(str(expires.year))
    await page.get_by_label("Languages spoken").fill("en, cy")
    await page.get_by_label("Streets they live on or near").fill("Chapel Lane")
    await page.get_by_role("button", name="Save profile").click()
    await expect(page.get_by_text("Profile saved")).to_be_visible()
    await expect(page.get_by_text("Expires soon")).to_be_visible()
    await pages.check(page)

    await page.get_by_role("link", name="Dashboard").click()
    attention = page.locator("#dbs + p + ul")
    await expect(attention).to_contain_text("Fay Facilitator")
    await expect(attention).to_contain_text("Expires soon")
    await pages.check(page)


async def test_a_volunteer_keeps_their_times_and_connects_their_calendar(
    pages: Pages, world: World
) -> None:
    await facilitators.create(
        FacilitatorIn(
            user_id=world.facilitator.actor.id, dbs_expires_on=london_today() + timedelta(days=365)
        )
    )
    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto("/availability")
    await expect(page.get_by_role("heading", name="Your availability")).to_be_visible()
    await pages.check(page)

    regular = page.locator("details", has_text="Add a regular time")
    await regular.locator("summary").click()
    await regular.get_by_label("Tuesday").check()
    await regular.get_by_label("From").fill("6pm")
    await regular.get_by_label("Until").fill("20:00")
    await regular.get_by_role("button", name="Add a regular time").click()
    await expect(page.get_by_text("Times saved")).to_be_visible()
    await expect(page.get_by_text("Tuesdays, 6pm to 8pm")).to_be_visible()
    await pages.check(page)
    # next month shows Tuesday evenings (the pattern starts today)
    await page.get_by_role("link", name=re.compile("Next month")).click()
    await expect(page.locator(".njp-month").get_by_text("6pm\u20138pm").first).to_be_visible()
    await pages.check(page)

    # a mistake is explained at the field
    regular = page.locator("details", has_text="Add a regular time")
    await regular.locator("summary").click()
    await regular.get_by_label("From").fill("20:00")
    await regular.get_by_label("Until").fill("18:00")
    await regular.get_by_role("button", name="Add a regular time").click()
    await expect(page.get_by_role("alert")).to_contain_text("Choose at least one day of the week")
    await pages.check(page)

    await page.get_by_text("Connect your calendar").click()
    await page.get_by_label("Or upload a calendar file (.ics)").set_input_files(str(GOOGLE))
    await page.get_by_role("button", name="Use this calendar").click()
    await expect(page.get_by_text("Calendar saved")).to_be_visible()
    await expect(page.get_by_text("Using the calendar file you uploaded")).to_be_visible()
    await pages.check(page)

    link = await page.get_by_label("Your private calendar address").input_value()
    assert re.fullmatch(
        re.escape(pages.site.base_url) + r"/calendars/facilitators/[\w-]{40,}\.ics", link
    )
    # the address opens the calendar
    feed = await page.request.get(link)
    assert feed.status == 200
    assert (await feed.text()).startswith("BEGIN:VCALENDAR")
    await expect(page.get_by_role("button", name="Copy the address")).to_be_visible()
    await page.get_by_role("button", name="Make a new address").click()
    await expect(page.get_by_text("New calendar link made")).to_be_visible()
    assert await page.get_by_label("Your private calendar address").input_value() != link
    await pages.check(page)


async def test_a_coordinator_adds_a_venue_with_hours_and_a_closure(
    pages: Pages, world: World
) -> None:
    page = await pages.open()
    await sign_in(pages, page, "cora@scheme.example")
    await page.goto("/venues")
    await pages.check(page)
    await page.get_by_role("button", name="Add a venue").click()
    await pages.check(page)
    await page.get_by_role("button", name="Add venue").click()
    await expect(page.get_by_role("alert")).to_contain_text("Enter the venue's name")
    await pages.check(page)

    await page.get_by_label("Name", exact=True).fill("Millbrook Community Centre")
    await page.get_by_label("Address").fill("14 Chapel Lane, Millbrook")
    await page.get_by_label("Postcode").fill("ns1 4ab")
    await page.get_by_label("Area").fill("Millbrook")
    await page.get_by_label("How many people fit").fill("30")
    await page.get_by_label("Rooms").fill("2")
    await page.get_by_label("Step-free access").check()
    await page.get_by_role("button", name="Add venue").click()
    await expect(page.get_by_text("Venue added")).to_be_visible()
    await pages.check(page)

    opening = page.locator("details", has_text="Add opening hours")
    await opening.locator("summary").click()
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        await opening.get_by_label(day).check()
    await opening.get_by_label("From").fill("09:00")
    await opening.get_by_label("Until").fill("21:00")
    await opening.get_by_role("button", name="Add opening hours").click()
    await expect(page.get_by_text("Opening times saved")).to_be_visible()
    week = page.locator("#week + nav + dl")
    await expect(week.get_by_text("9am to 9pm").first).to_be_visible()

    closed = london_today() + timedelta(days=1)
    closure = page.locator("details", has_text="Add a closure")
    await closure.locator("summary").click()
    first = closure.get_by_role("group", name="First day")
    await first.get_by_label("Day").fill(str(closed.day))
    await first.get_by_label("Month").fill(str(closed.month))
    await first.get_by_label("Year").fill(str(closed.year))
    await closure.get_by_label("Note (optional)").fill("Polling station")
    await closure.get_by_role("button", name="Add a closure").click()
    closures = page.locator("#one-offs + ul li")
    await expect(closures).to_have_count(1)
    await expect(closures).to_contain_text(f"Closed: {closed.day} {closed:%B %Y} (Polling station)")
    await page.goto(page.url.split("?")[0] + f"?week={closed.isoformat()}")
    await pages.check(page)
    closed_row = week.locator(".govuk-summary-list__row", has_text=f"{closed.day} {closed:%B %Y}")
    await expect(closed_row.locator("dd")).to_have_text("Closed")
    await pages.check(page)

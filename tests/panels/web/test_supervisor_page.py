"""The reparation supervisor's page, as the supervisor opens the link they were sent on
their phone at the session: who is booked, by first name and initial only; who came and
for how long; a plain error for hours it cannot read; "Exit this page" at hand; and a
guessed link that reaches nothing."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from httpx import AsyncClient
from playwright.async_api import expect

from panels.clock import utc_now
from panels.reparation.tables import Placement, ReparationSession
from panels.web.rendering import clock, day_and_time
from tests.panels.reparation.test_reparation import agreed, food_bank_sessions, place
from tests.panels.web.conftest import Pages
from tests.panels.web.test_page_protection import csrf_token
from tests.world import SENSITIVE, World

# The person responsible, "Testperson Qz" and a number (tests/world.py), as the
# supervisor greets them at the door.
GREETING = "Testperson Q."


async def started(session: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The session moved to start at `at` (in the past: attendance is recorded once a
    session has started, and sessions are only made for the future). Its link was issued
    to last until a week after the original end, so it still works."""
    ends = at + (session["ends_at"] - session["starts_at"])
    await ReparationSession.update(
        {ReparationSession.starts_at: at, ReparationSession.ends_at: ends}
    ).where(ReparationSession.id == session["id"])
    return {**session, "starts_at": at, "ends_at": ends}


async def placement(placement_id: int) -> dict[str, Any]:
    row = (
        await Placement.select(Placement.status, Placement.minutes)
        .where(Placement.id == placement_id)
        .first()
    )
    assert row is not None
    return row


async def test_the_supervisor_records_who_came_and_for_how_long_on_a_phone(
    pages: Pages, world: World
) -> None:
    setting = await agreed(world)
    this_week, next_week = (await food_bank_sessions(world, weeks=2))[:2]
    came = await place(world, setting, this_week)
    late = await place(world, setting, next_week)
    an_hour_ago = utc_now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    session = await started(this_week, an_hour_ago)
    yesterday = await started(next_week, an_hour_ago - timedelta(days=1))

    page = await pages.open()  # a phone-sized screen
    await page.goto(f"/r/{session['link']}")
    await expect(page.get_by_role("heading", name="Millbrook Food Bank", level=1)).to_be_visible()
    when = f"{day_and_time(session['starts_at'])} to {clock(session['ends_at'])}"
    await expect(page.locator(".govuk-summary-list")).to_contain_text(when)
    await expect(page.locator(".govuk-summary-list")).to_contain_text("Sam Supervisor")
    person = page.get_by_role("group", name=GREETING)
    await expect(person).to_be_visible()
    await expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    assert await page.get_by_role("navigation").count() == 0
    shown = await page.content()
    assert not [s for s in SENSITIVE if s in shown], "no full name or phone number"
    await pages.check(page)

    await person.get_by_label("Came", exact=True).check()
    await page.get_by_label("Hours worked").fill("2.5")
    await pages.check(page)
    await page.get_by_role("button", name="Save attendance").click()

    await expect(page.get_by_role("heading", name="Attendance saved")).to_be_visible()
    await expect(page.locator("main p", has_text=GREETING)).to_contain_text("came, 2.5 hours")
    await expect(page.get_by_role("button", name="Save attendance")).to_have_count(0)
    await expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    await pages.check(page)
    assert await placement(came) == {"status": "attended", "minutes": 150}

    # Yesterday's session, recorded late: hours it cannot read are asked for again.
    await page.goto(f"/r/{yesterday['link']}")
    await expect(page.get_by_role("group", name=GREETING)).to_be_visible()
    await pages.check(page)
    await page.get_by_role("group", name=GREETING).get_by_label("Came", exact=True).check()
    await page.get_by_label("Hours worked").fill("lots")
    await page.get_by_role("button", name="Save attendance").click()

    problem = f"Enter the hours {GREETING} worked, like 2.5"
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("There is a problem")
    await expect(summary.get_by_role("link", name=problem)).to_be_visible()
    await expect(page.locator(".govuk-error-message")).to_contain_text(problem)
    await expect(page.get_by_label("Hours worked")).to_have_value("lots")
    await expect(page.get_by_label("Came", exact=True)).to_be_checked()
    await expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    await pages.check(page)
    assert await placement(late) == {"status": "booked", "minutes": 0}


async def test_a_guessed_supervisor_link_shows_nothing_and_records_nothing(
    client: AsyncClient, world: World
) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1)
    booked = await place(world, setting, session)
    guessed = f"/r/{secrets.token_urlsafe(32)}"

    refused = await client.get(guessed)
    assert refused.status_code == 404
    assert "expired or is not valid" in refused.text
    assert "Millbrook Food Bank" not in refused.text

    await client.get("/sign-in")  # for the form's CSRF cookie
    form = {f"p{booked}": "came", f"p{booked}-hours": "3", "_csrf_token": csrf_token(client)}
    posted = await client.post(guessed, data=form)
    assert posted.status_code == 404
    assert "expired or is not valid" in posted.text
    assert await placement(booked) == {"status": "booked", "minutes": 0}

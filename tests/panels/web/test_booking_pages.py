"""Arranging panels in the browser: a facilitator books one of a case's suggested times on
their phone, moves it and cancels it; a coordinator plans the backlog and books the plan."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.async_api import expect

from panels.bookings.tables import Panel, PanelStatus
from panels.cases.tables import Case, CaseStatus
from panels.clock import LONDON
from tests.panels.web.conftest import DESKTOP, Pages
from tests.panels.web.test_journeys import sign_in
from tests.world import World, evening, ready_case, staff_the_scheme


def words(moment: datetime) -> str:
    """How the pages write a panel's day: 'Tuesday 1 December 2026 at 6pm'."""
    local = moment.astimezone(LONDON)
    return f"{local:%A} {local.day} {local:%B %Y} at {local.hour % 12 or 12}pm"


async def test_a_facilitator_books_a_suggested_time_moves_it_and_cancels_it(
    pages: Pages, world: World
) -> None:
    await staff_the_scheme(world)
    case_id = await ready_case(world, [(evening(3), evening(3, 21)), (evening(5), evening(5, 21))])
    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto(f"/cases/{case_id}")
    await pages.check(page)

    await page.get_by_role("link", name="Find a time for the panel").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Times for")
    first = page.locator(".govuk-summary-card").first
    await expect(first.get_by_role("heading")).to_contain_text(words(evening(3)))
    await expect(first).to_contain_text("Millbrook Community Centre")
    await expect(first).to_contain_text("Separate rooms to wait in")
    await expect(first).to_contain_text("Fay Facilitator (lead), Otto Facilitator")
    await pages.check(page)

    await first.get_by_role("button", name=re.compile("Book this time")).click()
    await expect(page.get_by_text("Panel booked: everyone will be told")).to_be_visible()
    panel = page.locator("#panel + .govuk-summary-list")
    await expect(panel).to_contain_text(f"{words(evening(3))} to 8pm")
    await expect(panel).to_contain_text("The person responsible at 5:45pm")
    await expect(panel).to_contain_text("the person harmed at 6pm")
    await expect(panel).to_contain_text("Separate rooms for each side")
    await expect(page.get_by_role("link", name="Add it to your calendar (.ics)")).to_be_visible()
    await pages.check(page)
    case = await Case.select(Case.status).where(Case.id == case_id).first()
    assert case == {"status": CaseStatus.scheduled}

    # Moving needs a reason; the other evening is offered.
    await page.get_by_role("link", name="Move the panel").click()
    await expect(page.get_by_text(f"Booked now: {words(evening(3))}")).to_be_visible()
    await pages.check(page)
    later = page.locator(".govuk-summary-card", has_text=words(evening(5)))
    await later.get_by_role("button", name=re.compile("Move to this time")).click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why the panel is moving"
    )
    await pages.check(page)
    later = page.locator(".govuk-summary-card", has_text=words(evening(5)))
    await later.get_by_label("Why the panel is moving").fill("The venue asked us to.")
    await later.get_by_role("button", name=re.compile("Move to this time")).click()
    await expect(
        page.get_by_text("Panel moved: everyone will be told the new time")
    ).to_be_visible()
    await expect(page.locator("#panel + .govuk-summary-list")).to_contain_text(words(evening(5)))
    await pages.check(page)

    await page.get_by_text("Cancel the panel", exact=True).first.click()
    await page.get_by_label("Why is it cancelled?").fill("The person harmed is unwell.")
    await page.get_by_role("button", name="Cancel the panel").click()
    await expect(page.get_by_text("Panel cancelled: everyone will be told")).to_be_visible()
    await expect(page.get_by_role("link", name="Find a time for the panel")).to_be_visible()
    await pages.check(page)
    (row,) = await Panel.select(Panel.status, Panel.sequence)
    assert row == {"status": PanelStatus.cancelled, "sequence": 2}


async def test_a_case_with_no_time_says_what_blocks_it(pages: Pages, world: World) -> None:
    await staff_the_scheme(world)
    # Everyone can only come at lunchtime, when no facilitator is free.
    case_id = await ready_case(world, [(evening(3, 12), evening(3, 14))])
    page = await pages.open()
    await sign_in(pages, page, "cora@scheme.example")
    await page.goto(f"/cases/{case_id}/times")
    await expect(page.get_by_text("No time can be offered yet")).to_be_visible()
    await expect(page.locator(".govuk-inset-text")).to_contain_text(
        "No lead facilitator is free when the parties can come"
    )
    await expect(page.get_by_role("button", name=re.compile("Book this time"))).to_have_count(0)
    await pages.check(page)


async def test_a_coordinator_plans_the_backlog_and_books_the_plan(
    pages: Pages, world: World
) -> None:
    await staff_the_scheme(world)
    first = await ready_case(world, [(evening(3), evening(3, 21))])
    second = await ready_case(world, [(evening(3), evening(3, 21)), (evening(4), evening(4, 21))])
    page = await pages.open(DESKTOP)
    await sign_in(pages, page, "cora@scheme.example")
    await page.get_by_role("link", name="Plan panels").click()
    await expect(page.get_by_text("2 cases ready to schedule")).to_be_visible()
    await pages.check(page)

    await page.get_by_role("button", name="Plan all ready cases").click()
    await expect(
        page.get_by_role("heading", name=re.compile(r"The plan \(2 panels"))
    ).to_be_visible()
    rows = page.locator("table tbody tr")
    await expect(rows).to_have_count(2)
    # Both fit: the one that can only come on the first evening gets it.
    references = {
        row["id"]: row["reference"]
        for row in await Case.select(Case.id, Case.reference).where(Case.id.is_in([first, second]))
    }
    await expect(rows.nth(0)).to_contain_text(references[first])
    await expect(rows.nth(0)).to_contain_text(words(evening(3)))
    await expect(rows.nth(1)).to_contain_text(references[second])
    await expect(rows.nth(1)).to_contain_text(words(evening(4)))
    await pages.check(page)

    await page.get_by_role("button", name="Book all these panels").click()
    await expect(page.get_by_text(re.compile("^Booked:"))).to_contain_text(references[first])
    await expect(page.get_by_text("0 cases ready to schedule")).to_be_visible()
    await pages.check(page)
    statuses = {
        row["status"]
        for row in await Case.select(Case.status).where(Case.id.is_in([first, second]))
    }
    assert statuses == {CaseStatus.scheduled}
    assert await Panel.count().where(Panel.status == PanelStatus.booked) == 2

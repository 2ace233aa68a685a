"""Reparation on the case page, as a facilitator on their phone: the sessions worked
towards the agreed hours, booking another, cancelling a place still to come, and
accepting the reason for one that was missed (a reason is asked for each time)."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import expect

from panels.clock import utc_now
from panels.reparation import service
from panels.reparation.schemas import AttendanceRecord
from panels.reparation.tables import Placement
from panels.web.rendering import day_and_time
from tests.panels.reparation.test_reparation import agreed, food_bank_sessions, place
from tests.panels.web.conftest import Pages
from tests.panels.web.test_journeys import sign_in
from tests.panels.web.test_supervisor_page import started
from tests.world import World


async def test_a_facilitator_books_cancels_and_accepts_a_reason_on_a_phone(
    pages: Pages, world: World
) -> None:
    setting = await agreed(world)
    last_week, this_week, next_week = (await food_bank_sessions(world, weeks=3))[:3]
    missed = await place(world, setting, last_week)
    last_week = await started(last_week, utc_now() - timedelta(days=7))
    await service.record_by_staff(
        world.facilitator.actor,
        last_week["id"],
        [AttendanceRecord(placement_id=missed, attended=False)],
    )

    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto(f"/cases/{setting['case_id']}")
    card = page.locator(f"#action-{setting['action_id']}")
    await expect(card).to_contain_text("Worked 0 hours of the 10 hours agreed")
    await expect(card.locator(f"#place-{missed}")).to_contain_text("missed")
    await pages.check(page)

    # Book: the session is chosen by its day and time and where it is.
    choice = f"{day_and_time(this_week['starts_at'])}, Millbrook Food Bank (3 places left)"
    await card.get_by_label("Book them into a session").select_option(label=choice)
    await card.get_by_role("button", name="Book the place").click()
    await expect(page.get_by_text("Booked into the session: they will get a text")).to_be_visible()
    card = page.locator(f"#action-{setting['action_id']}")
    await expect(card).to_contain_text("3 hours more booked")
    await pages.check(page)
    booked = await Placement.select(Placement.id).where(Placement.session == this_week["id"])
    [booked_id] = [row["id"] for row in booked]

    # Cancel it: a reason is needed, and what was typed is kept when it is refused.
    mine = card.locator(f"#place-{booked_id}")
    await mine.get_by_text("Cancel this place").click()
    await mine.get_by_role("button", name="Cancel the place").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
    await pages.check(page)
    mine = page.locator(f"#place-{booked_id}")
    await mine.get_by_label("Why is it cancelled?").fill("The food bank is closed that week.")
    await mine.get_by_role("button", name="Cancel the place").click()
    await expect(page.get_by_text("Place cancelled")).to_be_visible()
    await expect(page.locator(f"#place-{booked_id}")).to_contain_text("cancelled")
    await pages.check(page)

    # Accept the reason for the missed one.
    gone = page.locator(f"#place-{missed}")
    await gone.get_by_text("Accept the reason they missed it").click()
    await gone.get_by_label("What was the reason?").fill("They were in hospital.")
    await gone.get_by_role("button", name="Accept the reason").click()
    await expect(page.get_by_text("Reason accepted")).to_be_visible()
    await expect(page.locator(f"#place-{missed}")).to_contain_text(
        "for a reason the scheme accepts"
    )
    await expect(page.locator(f"#place-{missed}")).not_to_contain_text("Accept the reason")
    await pages.check(page)
    # Next week's session is still offered.
    await expect(
        page.locator(f"#action-{setting['action_id']}").get_by_label("Book them into a session")
    ).to_contain_text(day_and_time(next_week["starts_at"]))

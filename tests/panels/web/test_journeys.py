"""What people do with the pages, in a real browser: a police officer refers a case on a
phone, a coordinator triages it, a facilitator gathers contact and consent."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Page, expect

from panels.cases.tables import Case
from panels.clock import london_today
from tests.panels.web.conftest import DESKTOP, Pages
from tests.world import PASSWORD, World, person_name, phone_number, refer


async def sign_in(pages: Pages, page: Page, email: str) -> None:
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await pages.check(page)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    await pages.check(page)


async def fill_person(page: Page, number: int, role: str, name: str, phone: str) -> None:
    person = page.get_by_role("group", name=f"Person {number}", exact=True)
    await person.get_by_role("group", name="Who is this?").get_by_label(role, exact=True).check()
    await person.get_by_label("Full name").fill(name)
    await person.get_by_label("Phone number").fill(phone)


async def test_a_referrer_refers_a_case_on_a_phone_and_finds_it_in_their_list(
    pages: Pages, world: World
) -> None:
    page = await pages.open()
    await sign_in(pages, page, "rhys@police.example")
    await expect(page).to_have_url(re.compile(r"/cases$"))
    await pages.check(page)

    await page.get_by_role("button", name="Refer a case").click()
    await expect(page.get_by_role("heading", name="Refer a case")).to_be_visible()
    await pages.check(page)
    await page.get_by_label("Criminal damage").check()
    day = london_today() - timedelta(days=2)
    when = page.get_by_role("group", name="When did it happen?")
    await when.get_by_label("Day").fill(str(day.day))
    await when.get_by_label("Month").fill(str(day.month))
    await when.get_by_label("Year").fill(str(day.year))
    await page.get_by_label("Area").fill("Millbrook")
    await page.get_by_label("What happened", exact=True).fill("A wheelie bin was set alight.")
    await (
        page.get_by_role("group", name="Does the person responsible admit")
        .get_by_label("Yes")
        .check()
    )
    harmed, responsible = person_name(), person_name()
    await fill_person(page, 1, "Person harmed", harmed, phone_number())
    await fill_person(page, 2, "Person responsible", responsible, phone_number())
    await page.get_by_role("button", name="Send referral").click()

    await expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
    await pages.check(page)
    reference = (await page.locator(".govuk-panel__body strong").inner_text()).strip()
    assert re.fullmatch(r"NJP-\d{4}-\d{6}", reference)

    await page.get_by_role("link", name="your cases").click()
    await expect(page.get_by_role("link", name=reference)).to_be_visible()
    await pages.check(page)
    await page.get_by_role("link", name=reference).click()
    await expect(page.get_by_text("Referred", exact=True).first).to_be_visible()
    await pages.check(page)
    content = await page.content()
    assert harmed not in content
    assert responsible not in content

    # another organisation's referrer cannot reach it by its address
    case_url = page.url
    other = await pages.open()
    await sign_in(pages, other, "hal@homes.example")
    response = await other.goto(case_url)
    assert response is not None
    assert response.status == 404
    await expect(other.get_by_role("heading", name="Page not found")).to_be_visible()
    await pages.check(other)


async def test_a_referral_with_missing_answers_shows_what_to_fix_and_saves_nothing(
    pages: Pages, world: World
) -> None:
    before = await Case.count()
    page = await pages.open()
    await sign_in(pages, page, "rhys@police.example")
    await page.goto("/cases/new")
    await pages.check(page)
    await fill_person(page, 1, "Person harmed", person_name(), "12345")
    await page.get_by_role("button", name="Send referral").click()

    summary = page.get_by_role("alert")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Error: "))
    await pages.check(page)
    expected = {
        "Select what kind of incident it was": "#offence_category",
        "Enter the date of the incident as a real date, like 27 3 2026": "#incident_date-day",
        "Enter the area where it happened": "#area",
        "Describe what happened": "#summary",
        "Select whether the person responsible admits what they did": "#admits_responsibility",
        "This is not a real phone number; check the digits": "#parties-0-phone",
        "Enter the person's name": "#parties-1-name",
    }
    for message, target in expected.items():
        link = summary.get_by_role("link", name=message)
        await expect(link).to_have_attribute("href", target)
        await expect(page.locator(target)).to_be_attached()
    # the link takes you to the field
    await summary.get_by_role("link", name="Enter the area where it happened").click()
    await expect(page.locator("#area")).to_be_focused()
    # inline message beside the field, and what was typed is kept
    await expect(page.locator("#parties-0-phone-error")).to_contain_text("not a real phone")
    await expect(page.locator("#parties-0-phone")).to_have_value("12345")
    assert await Case.count() == before


async def test_coordinator_accepts_and_facilitator_gathers_consent_until_ready(
    pages: Pages, world: World
) -> None:

    case_id = await refer(world.referrer)
    reference = (await Case.select(Case.reference).where(Case.id == case_id).first() or {})[
        "reference"
    ]

    coordinator = await pages.open(DESKTOP)
    await sign_in(pages, coordinator, "cora@scheme.example")
    await expect(coordinator).to_have_url(re.compile(r"/dashboard$"))
    await pages.check(coordinator)
    card = coordinator.locator(".govuk-summary-card", has_text=reference)
    await card.get_by_label(f"Lead facilitator for {reference}").select_option(
        label="Fay Facilitator"
    )
    await card.get_by_role("button", name=f"Accept {reference}").click()
    await expect(
        coordinator.get_by_text("Case accepted and lead facilitator assigned")
    ).to_be_visible()
    await pages.check(coordinator)

    facilitator = await pages.open()
    await sign_in(pages, facilitator, "fay@scheme.example")
    await pages.check(facilitator)
    await facilitator.get_by_role("link", name=reference).click()
    await pages.check(facilitator)
    people = facilitator.locator(".govuk-summary-card")
    harmed = people.filter(has_text="(Person harmed)")
    responsible = people.filter(has_text="(Person responsible)")

    await harmed.get_by_text("Record a contact attempt").click()
    await harmed.get_by_label("How", exact=True).select_option(label="Phone call")
    await harmed.get_by_label("Spoke to them").check()
    await harmed.get_by_role("button", name="Record contact attempt").click()
    await expect(facilitator.get_by_text("Contact attempt recorded")).to_be_visible()
    await pages.check(facilitator)

    for card in (harmed, responsible):
        form = card.locator("details", has_text="Record consent for")
        await form.get_by_text("Record consent for").click()
        await form.get_by_label("Consent given").check()
        await form.get_by_label("How they told you").select_option(label="In person")
        await form.get_by_role("button", name="Record consent").click()
        await expect(facilitator.get_by_text("Consent recorded")).to_be_visible()
    form = responsible.locator("details", has_text="Record the admission of")
    await form.get_by_text("Record the admission of").click()
    await form.get_by_label("Yes").check()
    await form.get_by_label("How they told you").select_option(label="In person")
    await form.get_by_role("button", name="Record admission").click()

    await expect(facilitator.locator("h1 .govuk-tag")).to_have_text("Ready to schedule")
    await expect(facilitator.get_by_text("this case is ready to schedule")).to_be_visible()
    await pages.check(facilitator)
    status = await Case.select(Case.status).where(Case.id == case_id).first()
    assert status == {"status": "ready_to_schedule"}

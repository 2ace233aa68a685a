"""After the panel, on the pages: a facilitator records on their phone that the panel was
held, who came and who agreed, and builds the agreement on the case page (done, missed,
waived; nothing that costs money); each person gets a printed summary that names nobody;
referrers see none of it; only a coordinator may close a case whose panel did not go
ahead."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from playwright.async_api import Page, expect

from panels.bookings import service as bookings
from panels.bookings.schemas import BookingIn
from panels.cases.tables import Case, Party
from panels.clock import london_today
from panels.outcomes import service
from panels.outcomes.schemas import PanelRecordIn
from panels.outcomes.tables import AgreementAction, PanelRecord
from panels.phones import display_phone
from panels.support import service as support
from panels.support.schemas import SupportServiceIn
from tests.panels.messaging.test_texts import local
from tests.panels.outcomes.test_outcomes import a_panel, actions, after, both_came
from tests.panels.web.conftest import Pages
from tests.panels.web.test_case_page_forms import error_links, post_form
from tests.panels.web.test_journeys import sign_in
from tests.panels.web.test_page_protection import signed_in
from tests.world import SENSITIVE, World, ready_case, staff_the_scheme

NOTES = "Both spoke calmly; the neighbour wants the gate kept shut."
MONEY = "Nothing in an agreement may cost the person responsible money"


async def with_names(world: World, setting: dict[str, Any]) -> dict[str, Any]:
    """The case's people by role, with their names, and the case's reference."""
    rows = await Party.select(Party.id, Party.role, Party.name).where(
        Party.case == setting["case_id"]
    )
    setting["people"] = {row["role"]: row for row in rows}
    case = await Case.select(Case.reference).where(Case.id == setting["case_id"]).first()
    assert case is not None
    setting["reference"] = case["reference"]
    return setting


async def a_panel_two_days_ago(world: World) -> dict[str, Any]:
    """A case whose panel was two evenings ago: it can be recorded as held now, through
    the pages, which take the time from the clock."""
    staff = await staff_the_scheme(world, first_day=london_today() - timedelta(days=7))
    case_id = await ready_case(world, [(local(-2, 18), local(-2, 21))])
    panel_id = await bookings.book(
        world.coordinator.actor,
        case_id,
        BookingIn(
            start=local(-2, 18),
            venue_id=staff["venue"],
            facilitator_ids=[staff["lead"], staff["co"]],
        ),
        now=local(-3, 10),
    )
    return await with_names(world, {"case_id": case_id, "panel_id": panel_id})


async def held_with_actions(world: World) -> dict[str, Any]:
    """The panel three days ahead, recorded (as of after it) as held, with an apology and
    ten hours at the food bank agreed, and the facilitators' notes."""
    setting = await a_panel(world)
    await service.record_panel(
        world.facilitator.actor,
        setting["panel_id"],
        PanelRecordIn.model_validate(
            {
                "result": "held",
                "notes": NOTES,
                "attendance": both_came(setting),
                "actions": actions(setting),
            }
        ),
        now=after(),
    )
    return await with_names(world, setting)


async def came_and_agreed(page: Page, name: str) -> None:
    person = page.locator(".govuk-summary-card", has_text=name)
    await person.get_by_role("group", name=f"Did {name} come?").get_by_label("Yes").check()
    agreed = person.get_by_role("group", name="If they came, did they agree to the outcome?")
    await agreed.get_by_label("Yes").check()


async def add_to_the_agreement(page: Page, kind: str, what: str, days: int) -> None:
    agreement = page.get_by_role("region", name="After the panel")
    opener = agreement.get_by_text("Add to the agreement", exact=True).first
    form = agreement.locator("form[action$='/agreement/actions']")
    if not await form.is_visible():
        await opener.click()
    await form.get_by_label(kind, exact=True).check()
    await form.get_by_label("What they will do").fill(what)
    deadline = london_today() + timedelta(days=days)
    group = form.get_by_role("group", name="To be done by")
    await group.get_by_label("Day").fill(str(deadline.day))
    await group.get_by_label("Month").fill(str(deadline.month))
    await group.get_by_label("Year").fill(str(deadline.year))


# In the browser ----------------------------------------------------------------------


async def test_a_facilitator_records_a_held_panel_and_its_agreement_on_a_phone(
    pages: Pages, world: World
) -> None:
    setting = await a_panel_two_days_ago(world)
    victim, causer = setting["people"]["victim"], setting["people"]["harm_causer"]
    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto(f"/cases/{setting['case_id']}")
    await expect(page.get_by_role("region", name="After the panel")).to_contain_text(
        "Nothing is recorded yet"
    )
    await pages.check(page)

    await page.get_by_role("button", name="Record what happened").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record what happened at the panel"
    )
    await expect(page.get_by_text("Close the case")).to_have_count(0)
    await pages.check(page)
    await page.get_by_label("It was held").check()
    await came_and_agreed(page, victim["name"])
    await came_and_agreed(page, causer["name"])
    await page.get_by_label("Notes for facilitators and coordinators only").fill(NOTES)
    await pages.check(page)
    await page.get_by_role("button", name="Save what happened").click()

    await expect(page.get_by_text("What happened at the panel is recorded")).to_be_visible()
    after = page.get_by_role("region", name="After the panel")
    await expect(after).to_contain_text("Held")
    for person, role in ((victim, "the person harmed"), (causer, "the person responsible")):
        row = after.locator(".govuk-summary-list__row", has_text=person["name"])
        await expect(row).to_contain_text(f"{person['name']} ({role})")
        await expect(row).to_contain_text("Came, and agreed to the outcome")
    await expect(after).to_contain_text(NOTES)
    await expect(after).to_contain_text("Nothing has been added to the agreement yet.")
    await pages.check(page)

    # The reparation, with its hours and the kind of work.
    await add_to_the_agreement(
        page, "Hours of work to put things right", "Helping at the food bank.", 60
    )
    await page.get_by_label("For work to put things right: hours agreed").fill("10")
    await page.get_by_label("For work to put things right: kind of work").fill("food bank")
    await pages.check(page)
    await page.get_by_role("button", name="Add to the agreement").click()
    await expect(page.get_by_text("Added to the agreement", exact=True)).to_be_visible()
    work = page.locator(".govuk-summary-card", has_text="Hours of work to put things right")
    await expect(work).to_contain_text(f"{causer['name']} (the person responsible)")
    await expect(work).to_contain_text("Helping at the food bank.")
    await expect(work).to_contain_text("10 hours: food bank")
    await expect(work).to_contain_text("Not done yet")
    await pages.check(page)

    await add_to_the_agreement(page, "A written apology", "A letter saying sorry.", 14)
    await page.get_by_role("button", name="Add to the agreement").click()
    await expect(page.get_by_text("Added to the agreement", exact=True)).to_be_visible()
    apology = page.locator(".govuk-summary-card", has_text="A written apology")
    await apology.get_by_role("button", name=re.compile("^Done")).click()
    await expect(page.get_by_text("Marked as done", exact=True)).to_be_visible()
    apology = page.locator(".govuk-summary-card", has_text="A written apology")
    await expect(apology.locator(".govuk-tag")).to_have_text("Done")
    await expect(apology.get_by_role("button", name=re.compile("^Done"))).to_have_count(0)
    await pages.check(page)
    rows = await AgreementAction.select(AgreementAction.kind, AgreementAction.status).order_by(
        AgreementAction.id
    )
    assert rows == [
        {"kind": "reparation_hours", "status": "pending"},
        {"kind": "written_apology", "status": "done"},
    ]
    case = await Case.select(Case.status).where(Case.id == setting["case_id"]).first()
    assert case == {"status": "agreement"}

    # The summary for the people in the case.
    await page.get_by_role("link", name="Print the agreement for the people in the case").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("What was agreed")
    await expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    await expect(page.get_by_role("navigation")).to_have_count(0)
    await expect(page.locator("main")).to_contain_text(
        "The person responsible will do 10 hours of work to put things right"
    )
    await pages.check(page)


async def test_an_action_that_costs_money_is_refused_at_what_they_will_do(
    pages: Pages, world: World
) -> None:
    setting = await held_with_actions(world)
    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto(f"/cases/{setting['case_id']}#agreement")
    await add_to_the_agreement(
        page, "A promise about how they will behave", "Pay £50 for the fence", 30
    )
    await page.get_by_role("button", name="Add to the agreement").click()

    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_contain_text(MONEY)
    await expect(summary.get_by_role("link", name=re.compile(MONEY))).to_have_attribute(
        "href", "#add-description"
    )
    await expect(page.locator("#add-description-error")).to_contain_text(MONEY)
    await expect(page.get_by_label("What they will do")).to_have_value("Pay £50 for the fence")
    await pages.check(page)
    assert await AgreementAction.count() == 2

    # Missed needs a reason; with one, it is recorded.
    apology = page.locator(".govuk-summary-card", has_text="A written apology")
    await apology.locator(".govuk-details__summary", has_text="Missed").click()
    await apology.get_by_role("button", name=re.compile("Mark as missed")).click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why the action is missed"
    )
    apology = page.locator(".govuk-summary-card", has_text="A written apology")
    await apology.get_by_label("Why was it missed?").fill("The letter was not written.")
    await pages.check(page)
    await apology.get_by_role("button", name=re.compile("Mark as missed")).click()
    await expect(page.get_by_text("Marked as missed", exact=True)).to_be_visible()
    apology = page.locator(".govuk-summary-card", has_text="A written apology")
    await expect(apology.locator(".govuk-tag")).to_have_text("Missed")
    await expect(apology).to_contain_text("The letter was not written.")
    await pages.check(page)


# Plain HTTP ----------------------------------------------------------------------------


def deadline_in(days: int) -> dict[str, str]:
    day = london_today() + timedelta(days=days)
    return {
        "deadline-day": str(day.day),
        "deadline-month": str(day.month),
        "deadline-year": str(day.year),
    }


def every_way_to_write(secret: str) -> list[str]:
    if secret.startswith("+44"):
        national = display_phone(secret)
        return [secret, national, national.replace(" ", "")]
    return [secret]


async def test_the_printed_agreement_names_nobody_and_keeps_the_notes_back(
    client: AsyncClient, world: World
) -> None:
    setting = await held_with_actions(world)
    await signed_in(client, "fay@scheme.example")
    response = await client.get(f"/cases/{setting['case_id']}/agreement/print")
    assert response.status_code == 200, response.text[:300]
    printed = response.text
    assert "The person responsible will write a letter of apology" in printed
    assert "The person responsible will do 10 hours of work to put things right" in printed
    assert "Kind of work: food bank" in printed
    assert setting["reference"] in printed
    assert "Print this page" in printed
    for secret in SENSITIVE:
        for written in every_way_to_write(secret):
            assert written not in printed
    assert "gate kept shut" not in printed  # the facilitators' notes
    # Nor the offence, what happened, the venue's address, or who facilitated.
    for kept_back in (
        "Criminal damage",
        "kicked down",
        "14 Chapel Lane",
        "Fay Facilitator",
        "Otto Facilitator",
    ):
        assert kept_back not in printed
    assert 'class="govuk-service-navigation' not in printed


async def test_a_referral_is_printed_without_the_service_it_is_to(
    client: AsyncClient, world: World
) -> None:
    setting = await held_with_actions(world)
    created = await support.create(
        SupportServiceIn.model_validate(
            {
                "name": "Northshire Recovery Hub",
                "category": "drugs_and_alcohol",
                "offers": "Drug and alcohol support.",
                "eligibility": "Adults.",
                "how_to_refer": "Phone 0808 157 0404.",
            }
        )
    )
    await signed_in(client, "fay@scheme.example")
    added = await post_form(
        client,
        f"/cases/{setting['case_id']}/agreement/actions",
        {
            "kind": "support_referral",
            "owner_party_id": str(setting["causer"]),
            "support_service_id": str(created["id"]),
            "description": "Meet a key worker.",
            **deadline_in(20),
        },
    )
    assert added.status_code == 303, added.text[:500]
    printed = (await client.get(f"/cases/{setting['case_id']}/agreement/print")).text
    assert "The person responsible will take up the support offered" in printed
    assert "Meet a key worker." in printed
    assert "Recovery Hub" not in printed


async def test_a_referrer_cannot_record_or_print_and_sees_none_of_it(
    client: AsyncClient, world: World
) -> None:
    setting = await held_with_actions(world)
    await signed_in(client, "rhys@police.example")
    for address in (
        f"/panels/{setting['panel_id']}/record",
        f"/cases/{setting['case_id']}/agreement/print",
    ):
        refused = await client.get(address)
        assert refused.status_code == 403, address
        assert "You cannot use this page" in refused.text
    posted = await post_form(
        client, f"/panels/{setting['panel_id']}/record", {"result": "postponed"}
    )
    assert posted.status_code == 403
    case_page = await client.get(f"/cases/{setting['case_id']}")
    assert case_page.status_code == 200
    for hidden in (
        "After the panel",
        "gate kept shut",
        "A letter saying sorry for the fence",
        "food bank",
        "Record what happened",
    ):
        assert hidden not in case_page.text


async def test_close_the_case_is_offered_to_coordinators_only(
    client: AsyncClient, world: World
) -> None:
    setting = await a_panel(world)
    record_page = f"/panels/{setting['panel_id']}/record"
    await signed_in(client, "fay@scheme.example")
    as_facilitator = await client.get(record_page)
    assert as_facilitator.status_code == 200
    assert "Close the case" not in as_facilitator.text
    assert "ask a coordinator" in as_facilitator.text
    # Nor can a facilitator close it by sending the choice anyway.
    refused = await post_form(
        client,
        record_page,
        {"result": "not_held", "reason": "Nobody came.", "then": "close", "people": "0"},
    )
    assert refused.status_code == 403
    assert error_links(refused.text) == {"Only a coordinator closes a case.": "#result"}
    assert await PanelRecord.count() == 0

    client.cookies.clear()
    await signed_in(client, "cora@scheme.example")
    as_coordinator = await client.get(record_page)
    assert "Close the case" in as_coordinator.text
    closed = await post_form(
        client,
        record_page,
        {"result": "not_held", "reason": "Nobody came.", "then": "close", "people": "0"},
    )
    assert closed.status_code == 303
    assert closed.headers["location"].endswith("?done=recorded-closed#after-the-panel")
    case = await Case.select(Case.status, Case.outcome).where(Case.id == setting["case_id"]).first()
    assert case == {"status": "closed", "outcome": "not_proceeding"}


async def test_held_before_it_starts_is_refused_and_what_was_typed_is_kept(
    client: AsyncClient, world: World
) -> None:
    setting = await with_names(world, await a_panel(world))
    await signed_in(client, "fay@scheme.example")
    page = await client.get(f"/cases/{setting['case_id']}")
    assert f'href="/panels/{setting["panel_id"]}/record"' in page.text
    people = [setting["people"]["victim"], setting["people"]["harm_causer"]]
    form = {"result": "held", "notes": NOTES, "people": "2"}
    for index, person in enumerate(people):
        form |= {
            f"attendance-{index}-party_id": str(person["id"]),
            f"attendance-{index}-attended": "yes",
            f"attendance-{index}-agrees": "yes",
        }
    response = await post_form(client, f"/panels/{setting['panel_id']}/record", form)
    assert response.status_code == 409
    assert error_links(response.text) == {
        "A panel can be recorded as held once it has started.": "#result"
    }
    assert NOTES in response.text
    assert re.search(r'value="held" checked', response.text)
    assert await PanelRecord.count() == 0


async def test_someone_who_did_not_come_needs_a_reason(client: AsyncClient, world: World) -> None:
    setting = await with_names(world, await a_panel(world))
    await signed_in(client, "fay@scheme.example")
    victim, causer = setting["people"]["victim"], setting["people"]["harm_causer"]
    response = await post_form(
        client,
        f"/panels/{setting['panel_id']}/record",
        {
            "people": "2",
            "result": "held",
            "attendance-0-party_id": str(victim["id"]),
            "attendance-0-attended": "yes",
            "attendance-1-party_id": str(causer["id"]),
            "attendance-1-attended": "no",
        },
    )
    assert response.status_code == 400
    assert error_links(response.text) == {
        "Say why they did not come": "#attendance-1-absence_reason"
    }

    postponed = await post_form(
        client, f"/panels/{setting['panel_id']}/record", {"people": "2", "result": "postponed"}
    )
    assert postponed.status_code == 400
    assert error_links(postponed.text) == {
        "Say why the panel was postponed or did not go ahead": "#reason"
    }
    assert await PanelRecord.count() == 0

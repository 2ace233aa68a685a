"""The support services pages: a facilitator finds the service that fits someone after a
panel, on a phone, in a minute; a coordinator keeps the directory."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from httpx import AsyncClient
from playwright.async_api import expect

from panels.support import service
from panels.support.schemas import SupportServiceIn
from panels.support.tables import SupportService
from tests.panels.web.conftest import DESKTOP, PHONE, Pages
from tests.panels.web.test_case_page_forms import error_links, post_form
from tests.panels.web.test_journeys import sign_in
from tests.panels.web.test_page_protection import signed_in
from tests.world import World

HOW_TO_REFER = "Phone 0113 496 0123 or email help@eastgate-money.example.org"


async def listed(**fields: Any) -> UUID:
    defaults: dict[str, Any] = {
        "category": "debt",
        "offers": "Free debt advice.",
        "eligibility": "Adults.",
        "how_to_refer": "Phone 0113 496 0101.",
    }
    created = await service.create(SupportServiceIn.model_validate({**defaults, **fields}))
    return UUID(str(created["id"]))


async def test_a_coordinator_adds_a_service_and_a_facilitator_finds_it_on_a_phone(
    pages: Pages, world: World
) -> None:
    await listed(name="Northshire Debt Line", areas=[], how_to_refer="Phone 0808 157 0100.")
    await listed(name="Millbrook Money Advice", areas=["Millbrook"])
    await listed(
        name="Eastgate Housing Options",
        category="housing",
        offers="Help with rent arrears.",
        areas=["Eastgate"],
    )

    coordinator = await pages.open(DESKTOP)
    await sign_in(pages, coordinator, "cora@scheme.example")
    await coordinator.goto("/support-services")
    await pages.check(coordinator)
    await coordinator.get_by_role("button", name="Add a service").click()
    await expect(coordinator.get_by_role("heading", name="Add a support service")).to_be_visible()
    await pages.check(coordinator)
    await coordinator.get_by_label("Debt and money").check()
    await coordinator.get_by_label("What they offer").fill(
        "Free, confidential debt advice; help with bailiffs and priority bills."
    )
    await coordinator.get_by_role("button", name="Add service").click()
    summary = coordinator.get_by_role("alert")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(summary.get_by_role("link", name="Enter the service's name")).to_have_attribute(
        "href", "#name"
    )
    await expect(coordinator).to_have_title(re.compile(r"^Error: "))
    await expect(coordinator.locator("#name-error")).to_contain_text("Enter the service's name")
    # what was typed is kept
    await expect(coordinator.get_by_label("What they offer")).to_have_value(
        "Free, confidential debt advice; help with bailiffs and priority bills."
    )
    await pages.check(coordinator)

    await coordinator.get_by_label("Name", exact=True).fill("Eastgate Money Advice")
    await coordinator.get_by_label("Who can use it").fill("Anyone living in Eastgate.")
    await coordinator.get_by_label("How to refer someone").fill(HOW_TO_REFER)
    await coordinator.get_by_label("Phone (optional)").fill("0113 496 0123")
    await coordinator.get_by_label("Website (optional)").fill("https://eastgate-money.example.org")
    await coordinator.get_by_label("Areas covered").fill("Eastgate\nAshworth")
    await coordinator.get_by_role("button", name="Add service").click()
    await expect(coordinator.get_by_text("Service added")).to_be_visible()
    await expect(coordinator.get_by_role("heading", name="Eastgate Money Advice")).to_be_visible()
    await pages.check(coordinator)

    facilitator = await pages.open(PHONE)
    await sign_in(pages, facilitator, "fay@scheme.example")
    await facilitator.goto("/support-services")
    await pages.check(facilitator)
    await expect(facilitator.get_by_role("button", name="Add a service")).to_have_count(0)
    await facilitator.get_by_label("Search").fill("debt")
    await facilitator.get_by_label("Where the person lives").select_option("Eastgate")
    await facilitator.get_by_role("button", name="Search").click()
    await expect(facilitator.get_by_role("heading", name="2 services found")).to_be_visible()
    cards = facilitator.locator(".govuk-summary-card")
    # the service for Eastgate, and the one covering every area; not Millbrook's
    await expect(cards.locator(".govuk-summary-card__title")).to_have_text(
        ["Eastgate Money Advice", "Northshire Debt Line"]
    )
    card = cards.filter(has_text="Eastgate Money Advice")
    refer = card.locator(".govuk-summary-list__row", has_text="How to refer")
    await expect(refer.locator("dd")).to_have_text(HOW_TO_REFER)
    await expect(card.get_by_role("link", name="0113 496 0123")).to_have_attribute(
        "href", "tel:+441134960123"
    )
    await expect(
        card.locator(".govuk-summary-list__row", has_text="Areas covered")
    ).to_contain_text("Eastgate, Ashworth")
    # nothing on the page is wider than the phone
    width = await facilitator.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    await pages.check(facilitator)

    await card.get_by_role("link", name="Eastgate Money Advice").click()
    await expect(facilitator.get_by_role("heading", name="Eastgate Money Advice")).to_be_visible()
    await expect(facilitator.get_by_text(re.compile("Change the service"))).to_have_count(0)
    await pages.check(facilitator)


async def test_a_facilitator_sees_only_services_taking_referrals(
    client: AsyncClient, world: World
) -> None:
    await listed(name="Open Debt Clinic")
    await listed(name="Closed Debt Clinic", active=False)
    await signed_in(client, "fay@scheme.example")
    page = await client.get("/support-services", params={"include_inactive": "yes"})
    assert page.status_code == 200
    assert "Open Debt Clinic" in page.text
    assert "Closed Debt Clinic" not in page.text
    assert "Add a service" not in page.text

    await signed_in(client, "cora@scheme.example")
    page = await client.get("/support-services")
    assert "Closed Debt Clinic" not in page.text
    page = await client.get("/support-services", params={"include_inactive": "yes"})
    assert "Closed Debt Clinic" in page.text
    assert "Not taking referrals" in page.text


async def test_a_search_by_area_includes_services_covering_every_area(
    client: AsyncClient, world: World
) -> None:
    await listed(name="Northshire Debt Line", areas=[])
    await listed(name="Millbrook Money Advice", areas=["Millbrook"])
    await listed(name="Westfield Money Advice", areas=["Westfield"])
    await signed_in(client, "fay@scheme.example")
    page = await client.get("/support-services", params={"area": "Westfield"})
    titles = re.findall(r'href="/support-services/[0-9a-f-]+">([^<]+)</a>', page.text)
    assert titles == ["Northshire Debt Line", "Westfield Money Advice"]
    assert '<option value="Westfield" selected>' in page.text
    # a kind of help the scheme does not have (a mangled address) means any kind
    page = await client.get("/support-services", params={"category": "astrology"})
    assert page.status_code == 200
    assert "3 services" in page.text


async def test_a_bad_website_is_explained_at_the_field_and_what_was_typed_is_kept(
    client: AsyncClient, world: World
) -> None:
    service_id = await listed(name="Millbrook Money Advice", phone="0113 496 0101")
    await signed_in(client, "cora@scheme.example")
    await client.get(f"/support-services/{service_id}")
    form = {
        "name": "Millbrook Money Advice",
        "category": "debt",
        "offers": "Free debt advice.",
        "eligibility": "Adults.",
        "how_to_refer": "Phone 0113 496 0101.",
        "phone": "0113 496 0101",
        "website": "http://money.example.org",
        "areas": "Millbrook",
        "active": "yes",
    }
    response = await post_form(client, f"/support-services/{service_id}", form)
    assert response.status_code == 400
    assert error_links(response.text) == {
        "Enter the website's address starting https://, like https://www.example.org": "#website"
    }
    assert 'value="http://money.example.org"' in response.text
    # the change form is open where the mistake is
    assert re.search(r"<details[^>]*open", response.text)

    saved = await post_form(
        client,
        f"/support-services/{service_id}",
        {
            **form,
            "website": "https://money.example.org",
            "phone": "",
            "areas": "Millbrook\nEastgate",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/support-services/{service_id}?done=saved"
    row = await SupportService.select().where(SupportService.id == service_id).first()
    assert row is not None
    assert row["website"] == "https://money.example.org"
    assert row["phone"] is None
    assert row["areas"] in (["Millbrook", "Eastgate"], '["Millbrook", "Eastgate"]')


async def test_a_new_service_with_nothing_filled_in_says_what_is_needed(
    client: AsyncClient, world: World
) -> None:
    await signed_in(client, "cora@scheme.example")
    await client.get("/support-services/new")
    response = await post_form(client, "/support-services/new", {"active": "yes"})
    assert response.status_code == 400
    assert error_links(response.text) == {
        "Enter the service's name": "#name",
        "Select the kind of help it gives": "#category",
        "Enter what the service offers": "#offers",
        "Enter who can use the service": "#eligibility",
        "Enter how to refer someone, like a phone number or email address": "#how_to_refer",
    }
    assert 'id="category"' in response.text
    assert await SupportService.count() == 0

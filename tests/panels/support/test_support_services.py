"""The support services directory: coordinators keep it, facilitators search it for the
service that fits someone after a panel."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from panels.support import service
from panels.support.schemas import SupportServiceIn
from panels.support.tables import SupportService
from tests.world import World

MONEY_ADVICE = {
    "name": "Millbrook Money Advice",
    "category": "debt",
    "offers": "Free debt advice by phone or face-to-face; help with bailiffs and priority debts.",
    "eligibility": "Adults living in Millbrook.",
    "how_to_refer": "Phone 0113 496 0101 or email referrals@money.example.org; self-referral too.",
    "phone": "0113 496 0101",
    "email": "referrals@money.example.org",
    "website": "https://money.example.org/refer",
    "areas": ["Millbrook"],
}


async def add(client: AsyncClient, world: World, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/support-services",
        json={**MONEY_ADVICE, **extra},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def names(
    client: AsyncClient, world: World, who: str = "facilitator", **query: str
) -> list[str]:
    member = world.facilitator if who == "facilitator" else world.coordinator
    response = await client.get("/api/v1/support-services", params=query, headers=member.headers)
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()]


async def test_a_coordinator_adds_a_service_with_its_phone_stored_in_full(
    client: AsyncClient, world: World
) -> None:
    added = await add(client, world)
    assert added["phone"] == "+441134960101"
    assert added["areas"] == ["Millbrook"]
    assert added["covers_every_area"] is False
    assert added["active"] is True
    read = await client.get(
        f"/api/v1/support-services/{added['id']}", headers=world.facilitator.headers
    )
    assert read.status_code == 200
    assert read.json()["how_to_refer"] == MONEY_ADVICE["how_to_refer"]


async def test_a_coordinator_changes_a_service_and_can_remove_its_phone(
    client: AsyncClient, world: World
) -> None:
    added = await add(client, world)
    changed = await client.patch(
        f"/api/v1/support-services/{added['id']}",
        json={"how_to_refer": "Email only: referrals@money.example.org", "phone": None},
        headers=world.coordinator.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["how_to_refer"] == "Email only: referrals@money.example.org"
    assert body["phone"] is None
    assert body["email"] == "referrals@money.example.org"
    assert body["updated_at"] > added["updated_at"]


async def test_facilitators_can_search_but_not_add_or_change_services(
    client: AsyncClient, world: World
) -> None:
    added = await add(client, world)
    assert await names(client, world) == ["Millbrook Money Advice"]
    new = await client.post(
        "/api/v1/support-services",
        json={**MONEY_ADVICE, "name": "Another"},
        headers=world.facilitator.headers,
    )
    assert new.status_code == 403
    change = await client.patch(
        f"/api/v1/support-services/{added['id']}",
        json={"active": False},
        headers=world.facilitator.headers,
    )
    assert change.status_code == 403
    referrer = await client.get("/api/v1/support-services", headers=world.referrer.headers)
    assert referrer.status_code == 403
    assert await SupportService.count() == 1


async def test_search_by_kind_of_help_and_by_area_where_no_areas_means_everywhere(
    client: AsyncClient, world: World
) -> None:
    await add(client, world)
    await add(
        client,
        world,
        name="Northshire Debt Line",
        areas=[],
        phone=None,
        email=None,
        website=None,
    )
    await add(
        client,
        world,
        name="Eastgate Housing Options",
        category="housing",
        offers="Help for tenants behind with their rent.",
        eligibility="Tenants in Eastgate.",
        areas=["Eastgate"],
    )
    assert await names(client, world, category="debt") == [
        "Millbrook Money Advice",
        "Northshire Debt Line",
    ]
    # A service naming no areas covers every area; one naming others does not.
    assert await names(client, world, area="Eastgate") == [
        "Eastgate Housing Options",
        "Northshire Debt Line",
    ]
    assert await names(client, world, area="millbrook", category="debt") == [
        "Millbrook Money Advice",
        "Northshire Debt Line",
    ]
    assert await names(client, world, area="Westfield") == ["Northshire Debt Line"]
    unknown = await client.get(
        "/api/v1/support-services",
        params={"category": "astrology"},
        headers=world.facilitator.headers,
    )
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "category"


async def test_search_finds_words_in_the_name_what_it_offers_and_who_it_is_for(
    client: AsyncClient, world: World
) -> None:
    await add(client, world)
    await add(
        client,
        world,
        name="Café Recovery",
        category="drugs_and_alcohol",
        offers="Drop-in support for ALCOHOL and drug use.",
        eligibility="Anyone over 18 worried about their drinking.",
        areas=[],
    )
    assert await names(client, world, q="BAILIFFS") == ["Millbrook Money Advice"]
    assert await names(client, world, q="alcohol") == ["Café Recovery"]
    assert await names(client, world, q="CAFÉ") == ["Café Recovery"]
    assert await names(client, world, q="drinking over") == ["Café Recovery"]
    # Every word must be found, though not side by side.
    assert await names(client, world, q="debt adults") == ["Millbrook Money Advice"]
    assert await names(client, world, q="debt drinking") == []
    # How to refer is not searched: a phone number matches nothing.
    assert await names(client, world, q="0113") == []
    # Wildcards are only characters.
    assert await names(client, world, q="%") == []


async def test_services_not_taking_referrals_are_hidden_unless_a_coordinator_asks(
    client: AsyncClient, world: World
) -> None:
    closed = await add(client, world, name="Closed Debt Clinic", active=False)
    await add(client, world)
    assert await names(client, world) == ["Millbrook Money Advice"]
    assert await names(client, world, who="coordinator") == ["Millbrook Money Advice"]
    assert await names(client, world, who="coordinator", include_inactive="true") == [
        "Closed Debt Clinic",
        "Millbrook Money Advice",
    ]
    asked = await client.get(
        "/api/v1/support-services",
        params={"include_inactive": "true"},
        headers=world.facilitator.headers,
    )
    assert asked.status_code == 403
    assert asked.json()["field"] == "include_inactive"
    # Its own address still answers, so a referral made to it can be looked up.
    read = await client.get(
        f"/api/v1/support-services/{closed['id']}", headers=world.facilitator.headers
    )
    assert read.status_code == 200
    assert read.json()["active"] is False


@pytest.mark.parametrize(
    "website",
    ["http://money.example.org", "junk", "not a web address", "https://", "javascript:alert(1)"],
)
async def test_a_website_that_is_not_an_https_address_is_refused_naming_the_field(
    client: AsyncClient, world: World, website: str
) -> None:
    response = await client.post(
        "/api/v1/support-services",
        json={**MONEY_ADVICE, "website": website},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "website"
    assert "https://" in response.json()["detail"]
    assert await SupportService.count() == 0


async def test_a_bare_web_address_is_taken_to_mean_https(client: AsyncClient, world: World) -> None:
    added = await add(client, world, website="www.money.example.org")
    assert added["website"] == "https://www.money.example.org"


async def test_a_phone_number_that_is_not_real_is_refused_naming_the_field(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        "/api/v1/support-services",
        json={**MONEY_ADVICE, "phone": "12345"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "phone"


@pytest.mark.parametrize("missing", ["name", "offers", "eligibility", "how_to_refer", "category"])
async def test_a_service_needs_what_a_facilitator_must_know_to_refer(
    client: AsyncClient, world: World, missing: str
) -> None:
    response = await client.post(
        "/api/v1/support-services",
        json={**MONEY_ADVICE, missing: ""},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == missing


async def test_the_same_name_twice_for_one_kind_of_help_is_a_double_entry(
    client: AsyncClient, world: World
) -> None:
    await add(client, world)
    again = await client.post(
        "/api/v1/support-services",
        json={**MONEY_ADVICE, "name": "millbrook money advice"},
        headers=world.coordinator.headers,
    )
    assert again.status_code == 400
    assert again.json()["field"] == "name"
    # One organisation giving another kind of help is listed under the same name.
    housing = await add(client, world, category="housing")
    assert housing["name"] == "Millbrook Money Advice"
    moved = await client.patch(
        f"/api/v1/support-services/{housing['id']}",
        json={"category": "debt"},
        headers=world.coordinator.headers,
    )
    assert moved.status_code == 400
    assert moved.json()["field"] == "name"


async def test_areas_are_kept_once_each(client: AsyncClient, world: World) -> None:
    added = await add(client, world, areas=["Millbrook", " millbrook ", "Eastgate"])
    assert added["areas"] == ["Millbrook", "Eastgate"]


async def test_the_demo_services_are_valid_and_cover_every_kind_but_other(
    database: str,
) -> None:
    demo = service.demo_services()
    for item in demo:
        assert isinstance(item, SupportServiceIn)
        await service.create(item)
    kinds = {row["category"] for row in await service.search()}
    assert kinds == {
        "debt",
        "housing",
        "mental_health",
        "drugs_and_alcohol",
        "employment",
        "youth",
    }

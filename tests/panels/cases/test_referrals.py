"""Referring a case through the API."""

from __future__ import annotations

import re
from datetime import timedelta

from httpx import AsyncClient

from panels.cases.tables import Case
from panels.clock import london_today
from tests.world import World, party, referral


async def test_referrer_refers_a_case_and_gets_a_reference(
    client: AsyncClient, world: World
) -> None:
    response = await client.post("/api/v1/cases", json=referral(), headers=world.referrer.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"NJP-\d{4}-\d{6}", body["reference"])
    assert body["status"] == "referred"
    # what a referrer sees of a case: no summary, no parties
    assert "parties" not in body
    assert "summary" not in body


async def cases_in_database() -> int:
    return await Case.count()


async def test_references_run_in_order_within_the_year(client: AsyncClient, world: World) -> None:
    first = await client.post("/api/v1/cases", json=referral(), headers=world.referrer.headers)
    second = await client.post("/api/v1/cases", json=referral(), headers=world.referrer.headers)
    year = london_today().year
    # the world's own case is number 1
    assert first.json()["reference"] == f"NJP-{year}-000002"
    assert second.json()["reference"] == f"NJP-{year}-000003"


async def test_referral_records_parties_needs_and_the_timeline(
    client: AsyncClient, world: World
) -> None:
    body = referral(
        parties=[
            party("victim", language="cy", hearing_loop=True, avoid_areas=["Eastgate"]),
            party("harm_causer", date_of_birth="2011-02-03", contact_preference="phone_call"),
            party("guardian", email="guardian@example.org", contact_preference="email"),
        ]
    )
    response = await client.post("/api/v1/cases", json=body, headers=world.referrer.headers)
    assert response.status_code == 201
    case_id = response.json()["id"]
    detail = (
        await client.get(f"/api/v1/cases/{case_id}", headers=world.coordinator.headers)
    ).json()
    victim, young, guardian = detail["parties"]
    assert (victim["language"], victim["hearing_loop"], victim["avoid_areas"]) == (
        "cy",
        True,
        ["Eastgate"],
    )
    assert young["young_person"] is True
    assert young["phone"] == "+44" + body["parties"][1]["phone"].replace(" ", "")[1:]
    assert guardian["email"] == "guardian@example.org"
    assert detail["referrer"]["name"] == "PC Rhys Referrer"
    assert detail["first_contact_overdue"] is False
    timeline = (
        await client.get(f"/api/v1/cases/{case_id}/timeline", headers=world.coordinator.headers)
    ).json()
    assert timeline[0]["kind"] == "referred"
    assert timeline[0]["details"]["parties"] == {"victim": 1, "harm_causer": 1, "guardian": 1}


async def test_a_referral_missing_fields_names_them_and_saves_nothing(
    client: AsyncClient, world: World
) -> None:
    before = await cases_in_database()
    body = referral()
    del body["area"]
    response = await client.post("/api/v1/cases", json=body, headers=world.referrer.headers)
    assert response.status_code == 400
    assert response.json()["field"] == "area"
    assert "area" in response.json()["detail"]
    assert await cases_in_database() == before


async def test_a_panel_needs_an_admission_of_responsibility(
    client: AsyncClient, world: World
) -> None:
    before = await cases_in_database()
    response = await client.post(
        "/api/v1/cases",
        json=referral(admits_responsibility=False),
        headers=world.referrer.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "admits_responsibility"
    assert await cases_in_database() == before


async def test_a_referral_needs_the_person_responsible_and_someone_harmed(
    client: AsyncClient, world: World
) -> None:
    for parties in (
        [party("victim"), party("supporter")],
        [party("harm_causer"), party("guardian")],
    ):
        response = await client.post(
            "/api/v1/cases", json=referral(parties=parties), headers=world.referrer.headers
        )
        assert response.status_code == 400
        assert response.json()["field"] == "parties"


async def test_an_incident_cannot_be_in_the_future(client: AsyncClient, world: World) -> None:
    tomorrow = (london_today() + timedelta(days=1)).isoformat()
    response = await client.post(
        "/api/v1/cases", json=referral(incident_date=tomorrow), headers=world.referrer.headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "incident_date"


async def test_a_text_message_contact_needs_a_phone_number(
    client: AsyncClient, world: World
) -> None:
    no_phone = party("victim", contact_preference="sms")
    del no_phone["phone"]
    response = await client.post(
        "/api/v1/cases",
        json=referral(parties=[no_phone, party("harm_causer")]),
        headers=world.referrer.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "parties[0]"
    assert "phone number" in response.json()["detail"]


async def test_unknown_fields_are_refused_not_ignored(client: AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/v1/cases", json=referral(priority="urgent"), headers=world.referrer.headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "priority"


async def test_a_body_that_is_not_json_is_a_clear_error(client: AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/v1/cases",
        content=b"offence=criminal_damage",
        headers={**world.referrer.headers, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["detail"]

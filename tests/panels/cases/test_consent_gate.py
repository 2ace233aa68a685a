"""Consent gates scheduling: a case is ready to schedule only with every required
party's current consent and the recorded admission, and falls back when either goes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from httpx import AsyncClient

from tests.world import World, party, refer


def consent(decision: str) -> dict[str, str]:
    return {"decision": decision, "method": "phone_call"}


async def record(
    client: AsyncClient, world: World, party_id: UUID, what: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{party_id}/{what}",
        json=body,
        headers=world.facilitator.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_ready(client: AsyncClient, world: World) -> dict[str, Any]:
    await record(client, world, world.victim_id, "consent", consent("given"))
    await record(client, world, world.harm_causer_id, "consent", consent("given"))
    return await record(
        client, world, world.harm_causer_id, "admission", {"admits": True, "method": "in_person"}
    )


async def test_ready_to_schedule_only_with_all_consents_and_the_admission(
    client: AsyncClient, world: World
) -> None:
    after_victim = await record(client, world, world.victim_id, "consent", consent("given"))
    assert after_victim["status"] == "contacting"
    after_both = await record(client, world, world.harm_causer_id, "consent", consent("given"))
    assert after_both["status"] == "contacting"
    assert after_both["blocking_scheduling"] == [
        "The admission of responsibility has not been recorded."
    ]
    after_admission = await record(
        client, world, world.harm_causer_id, "admission", {"admits": True, "method": "in_person"}
    )
    assert after_admission["status"] == "ready_to_schedule"
    assert after_admission["blocking_scheduling"] == []


async def test_withdrawn_consent_moves_the_case_back_to_contacting(
    client: AsyncClient, world: World
) -> None:
    await make_ready(client, world)
    withdrawn = await record(client, world, world.victim_id, "consent", consent("withdrawn"))
    assert withdrawn["status"] == "contacting"
    victim = next(p for p in withdrawn["parties"] if p["id"] == str(world.victim_id))
    assert victim["consent"] == "withdrawn"
    assert [entry["decision"] for entry in victim["consent_history"]] == ["given", "withdrawn"]
    assert victim["consent_history"][-1]["recorded_by"]["name"] == "Fay Facilitator"

    timeline = (
        await client.get(
            f"/api/v1/cases/{world.case_id}/timeline", headers=world.facilitator.headers
        )
    ).json()
    back = timeline[-1]
    assert (back["from_status"], back["to_status"]) == ("ready_to_schedule", "contacting")
    assert back["details"]["automatic"] is True

    again = await record(client, world, world.victim_id, "consent", consent("given"))
    assert again["status"] == "ready_to_schedule"


async def test_declining_or_withdrawing_the_admission_undoes_readiness(
    client: AsyncClient, world: World
) -> None:
    await make_ready(client, world)
    retracted = await record(
        client, world, world.harm_causer_id, "admission", {"admits": False, "method": "phone_call"}
    )
    assert retracted["status"] == "contacting"
    assert retracted["blocking_scheduling"] == [
        "The admission of responsibility has not been recorded."
    ]


async def test_asking_for_ready_to_schedule_early_names_the_rule(
    client: AsyncClient, world: World
) -> None:
    await record(client, world, world.victim_id, "consent", consent("declined"))
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "ready_to_schedule"},
        headers=world.facilitator.headers,
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "consent_gate"
    assert response.json()["detail"] == (
        "Consent is not yet given by 2 required people (a person harmed, the person "
        "responsible). The admission of responsibility has not been recorded."
    )


async def test_a_young_person_needs_a_parent_or_guardian(client: AsyncClient, world: World) -> None:
    case_id = await refer(
        world.referrer,
        parties=[party("victim"), party("harm_causer", date_of_birth="2012-06-01")],
    )
    await client.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "accepted", "lead_facilitator_id": str(world.facilitator.actor.id)},
        headers=world.coordinator.headers,
    )
    detail = (
        await client.get(f"/api/v1/cases/{case_id}", headers=world.facilitator.headers)
    ).json()
    young = next(p for p in detail["parties"] if p["role"] == "harm_causer")
    assert young["young_person"] is True
    url = f"/api/v1/cases/{case_id}/parties"
    for p in detail["parties"]:
        await client.post(
            f"{url}/{p['id']}/consent", json=consent("given"), headers=world.facilitator.headers
        )
    admitted = await client.post(
        f"{url}/{young['id']}/admission",
        json={"admits": True, "method": "in_person"},
        headers=world.facilitator.headers,
    )
    assert admitted.json()["status"] == "accepted"
    assert admitted.json()["blocking_scheduling"] == [
        "A young person takes part, so a parent or guardian must consent."
    ]

    guardian = await client.post(url, json=party("guardian"), headers=world.facilitator.headers)
    assert guardian.status_code == 201
    ready = await client.post(
        f"{url}/{guardian.json()['id']}/consent",
        json=consent("given"),
        headers=world.facilitator.headers,
    )
    assert ready.json()["status"] == "ready_to_schedule"


async def test_a_supporter_without_consent_does_not_hold_the_case_up(
    client: AsyncClient, world: World
) -> None:
    added = await client.post(
        f"/api/v1/cases/{world.case_id}/parties",
        json=party("supporter"),
        headers=world.facilitator.headers,
    )
    assert added.status_code == 201
    assert added.json()["consent"] is None
    ready = await make_ready(client, world)
    assert ready["status"] == "ready_to_schedule"


async def test_adding_another_person_harmed_reopens_consent(
    client: AsyncClient, world: World
) -> None:
    await make_ready(client, world)
    await client.post(
        f"/api/v1/cases/{world.case_id}/parties",
        json=party("victim"),
        headers=world.facilitator.headers,
    )
    case = (
        await client.get(f"/api/v1/cases/{world.case_id}", headers=world.facilitator.headers)
    ).json()
    assert case["status"] == "contacting"


async def test_an_admission_is_only_for_the_person_responsible(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/admission",
        json={"admits": True, "method": "in_person"},
        headers=world.facilitator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "party_id"


async def test_nothing_more_is_recorded_on_a_closed_case(client: AsyncClient, world: World) -> None:
    await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "closed", "outcome": "not_proceeding", "reason": "Moved away"},
        headers=world.coordinator.headers,
    )
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/consent",
        json=consent("given"),
        headers=world.coordinator.headers,
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "case_closed"


async def test_consent_for_a_person_on_another_case_is_not_found(
    client: AsyncClient, world: World
) -> None:
    other_case = await refer(world.referrer)
    other = (
        await client.get(f"/api/v1/cases/{other_case}", headers=world.coordinator.headers)
    ).json()
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{other['parties'][0]['id']}/consent",
        json=consent("given"),
        headers=world.coordinator.headers,
    )
    assert response.status_code == 404

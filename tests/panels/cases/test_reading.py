"""What each role sees of a case, the lists they get, and the log of who looked."""

from __future__ import annotations

import json

from httpx import AsyncClient

from panels.cases.tables import Party, PersonalDataView
from tests.world import World, party, refer, referral

SUMMARY_FIELDS = {
    "id",
    "reference",
    "status",
    "offence_category",
    "incident_date",
    "area",
    "organisation_id",
    "received_at",
    "rejection_reason",
    "outcome",
    "outcome_reason",
    "closed_at",
    # How the person harmed rated the panel (1-5), once they have: never their words.
    "satisfaction",
}


async def party_names(world: World) -> list[str]:
    rows = await Party.select(Party.name, Party.phone).where(Party.case == world.case_id)
    return [value for row in rows for value in (row["name"], row["phone"])]


async def test_a_referrer_sees_status_and_outcome_only(client: AsyncClient, world: World) -> None:
    response = await client.get(f"/api/v1/cases/{world.case_id}", headers=world.colleague.headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == SUMMARY_FIELDS
    assert body["status"] == "contacting"
    for secret in await party_names(world):
        assert secret not in response.text


async def test_a_referrer_sees_status_changes_but_not_who_or_what(
    client: AsyncClient, world: World
) -> None:
    response = await client.get(
        f"/api/v1/cases/{world.case_id}/timeline", headers=world.referrer.headers
    )
    assert response.status_code == 200
    assert [(e["from_status"], e["to_status"]) for e in response.json()] == [
        (None, "referred"),
        ("referred", "accepted"),
        ("accepted", "contacting"),
    ]
    assert all(set(entry) == {"at", "from_status", "to_status"} for entry in response.json())


async def test_staff_timeline_records_every_change_without_names(
    client: AsyncClient, world: World
) -> None:
    await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/consent",
        json={"decision": "given", "method": "in_person"},
        headers=world.facilitator.headers,
    )
    response = await client.get(
        f"/api/v1/cases/{world.case_id}/timeline", headers=world.facilitator.headers
    )
    kinds = [entry["kind"] for entry in response.json()]
    assert kinds == [
        "referred",
        "status_changed",
        "contact_attempt_recorded",
        "status_changed",
        "consent_recorded",
    ]
    consent = response.json()[-1]
    assert consent["actor"]["name"] == "Fay Facilitator"
    assert consent["details"] == {
        "party_id": str(world.victim_id),
        "role": "victim",
        "decision": "given",
        "method": "in_person",
    }
    for secret in await party_names(world):
        assert secret not in json.dumps(response.json())


async def test_the_lead_facilitator_sees_parties_and_safeguarding_notes(
    client: AsyncClient, world: World
) -> None:
    case_id = await refer(
        world.referrer,
        parties=[
            party("victim", safeguarding_notes="Do not visit the home address."),
            party("harm_causer", interpreter_language="Polish", step_free_access=True),
        ],
    )
    await client.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "accepted", "lead_facilitator_id": str(world.facilitator.actor.id)},
        headers=world.coordinator.headers,
    )
    response = await client.get(f"/api/v1/cases/{case_id}", headers=world.facilitator.headers)
    body = response.json()
    victim, harm_causer = body["parties"]
    assert victim["safeguarding_notes"] == "Do not visit the home address."
    assert victim["phone"].startswith("+447700900")
    assert harm_causer["interpreter_language"] == "Polish"
    assert harm_causer["step_free_access"] is True
    assert body["summary"] == "A garden fence was kicked down after an argument."
    # a facilitator cannot close, and ready_to_schedule waits for consent
    assert body["can_move_to"] == []
    coordinator_view = await client.get(
        f"/api/v1/cases/{case_id}", headers=world.coordinator.headers
    )
    assert coordinator_view.json()["can_move_to"] == ["closed"]
    referrer_view = await client.get(f"/api/v1/cases/{case_id}", headers=world.referrer.headers)
    assert "Do not visit" not in referrer_view.text


async def test_every_read_of_a_case_is_logged(client: AsyncClient, world: World) -> None:
    url = f"/api/v1/cases/{world.case_id}"
    await client.get(url, headers=world.facilitator.headers)
    await client.get(f"{url}/timeline", headers=world.coordinator.headers)
    rows = (
        await PersonalDataView.select(
            PersonalDataView.viewer.name, PersonalDataView.endpoint, PersonalDataView.at
        )
        .where(PersonalDataView.case == world.case_id)
        .order_by(PersonalDataView.id)
    )
    assert [(r["viewer.name"], r["endpoint"]) for r in rows[-2:]] == [
        ("Fay Facilitator", url),
        ("Cora Coordinator", f"{url}/timeline"),
    ]
    log = await client.get(f"{url}/views", headers=world.coordinator.headers)
    assert log.status_code == 200
    assert log.json()[0]["viewer"]["name"] == "Cora Coordinator"
    assert log.json()[0]["endpoint"] == f"{url}/timeline"


async def test_a_failed_read_is_not_logged_as_a_view(client: AsyncClient, world: World) -> None:
    before = await PersonalDataView.count()
    response = await client.get(
        f"/api/v1/cases/{world.case_id}", headers=world.other_facilitator.headers
    )
    assert response.status_code == 404
    assert await PersonalDataView.count() == before


async def test_each_role_lists_only_its_own_cases(client: AsyncClient, world: World) -> None:
    housing_case = await refer(world.other_referrer)
    unassigned = await refer(world.referrer)

    async def listed(who: str) -> set[str]:
        response = await client.get("/api/v1/cases", headers=world.as_role(who))
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    everything = {str(world.case_id), str(housing_case), str(unassigned)}
    assert await listed("coordinator") == everything
    assert await listed("referrer_same_org") == {str(world.case_id), str(unassigned)}
    assert await listed("referrer_other_org") == {str(housing_case)}
    assert await listed("facilitator_assigned") == {str(world.case_id)}
    assert await listed("facilitator_unassigned") == set()


async def test_a_referrer_list_shows_no_lead_or_contact_clock(
    client: AsyncClient, world: World
) -> None:
    response = await client.get("/api/v1/cases", headers=world.referrer.headers)
    assert set(response.json()["items"][0]) == SUMMARY_FIELDS


async def test_lists_filter_by_status_and_organisation_and_page(
    client: AsyncClient, world: World
) -> None:
    for _ in range(4):
        await refer(world.referrer)
    await refer(world.other_referrer)
    headers = world.coordinator.headers

    referred = await client.get("/api/v1/cases", params={"status": "referred"}, headers=headers)
    assert referred.json()["total"] == 5
    several = await client.get(
        "/api/v1/cases", params=[("status", "referred"), ("status", "contacting")], headers=headers
    )
    assert several.json()["total"] == 6
    housing = await client.get(
        "/api/v1/cases", params={"organisation_id": str(world.housing)}, headers=headers
    )
    assert housing.json()["total"] == 1

    first = await client.get("/api/v1/cases", params={"page_size": 4}, headers=headers)
    second = await client.get("/api/v1/cases", params={"page_size": 4, "page": 2}, headers=headers)
    assert first.json()["total"] == second.json()["total"] == 6
    assert len(first.json()["items"]) == 4
    assert len(second.json()["items"]) == 2
    ids = [i["id"] for i in first.json()["items"] + second.json()["items"]]
    assert len(set(ids)) == 6
    received = [i["received_at"] for i in first.json()["items"] + second.json()["items"]]
    assert received == sorted(received, reverse=True)


async def test_bad_list_parameters_name_the_field(client: AsyncClient, world: World) -> None:
    for params, field in (
        ({"page_size": "1000"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"status": "lost"}, "status"),
    ):
        response = await client.get(
            "/api/v1/cases", params=params, headers=world.coordinator.headers
        )
        assert response.status_code == 400, params
        assert response.json()["field"] == field


async def test_an_unknown_case_is_not_found(client: AsyncClient, world: World) -> None:
    response = await client.get(
        "/api/v1/cases/00000000-0000-4000-8000-000000000000", headers=world.coordinator.headers
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No such case."}


async def test_referral_answer_is_what_the_referrer_may_see(
    client: AsyncClient, world: World
) -> None:
    response = await client.post("/api/v1/cases", json=referral(), headers=world.referrer.headers)
    assert set(response.json()) == SUMMARY_FIELDS

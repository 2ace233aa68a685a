"""Contact attempts stop the first-contact clock; parties' availability is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from panels.cases import service as cases
from panels.cases.schemas import ReferralIn
from panels.cases.tables import PersonalDataView
from tests.world import World, referral


async def overdue_referral(world: World, hours_ago: int = 60) -> str:
    """A referral received `hours_ago`, so its 48-hour first contact is overdue."""
    case_id = await cases.refer(
        world.referrer.actor,
        ReferralIn.model_validate(referral()),
        48,
        now=datetime.now(UTC) - timedelta(hours=hours_ago),
    )
    return str(case_id)


async def overdue_ids(client: AsyncClient, world: World) -> list[str]:
    response = await client.get(
        "/api/v1/cases", params={"overdue": "true"}, headers=world.coordinator.headers
    )
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


async def test_a_referral_not_contacted_in_48_hours_is_overdue(
    client: AsyncClient, world: World
) -> None:
    late = await overdue_referral(world)
    on_time = await overdue_referral(world, hours_ago=10)
    assert await overdue_ids(client, world) == [late]
    item = (await client.get(f"/api/v1/cases/{late}", headers=world.coordinator.headers)).json()
    assert item["first_contact_overdue"] is True
    received = datetime.fromisoformat(item["received_at"])
    assert datetime.fromisoformat(item["first_contact_due_at"]) - received == timedelta(hours=48)
    assert on_time not in await overdue_ids(client, world)


async def test_the_first_contact_attempt_stops_the_clock(client: AsyncClient, world: World) -> None:
    late = await overdue_referral(world)
    await client.post(
        f"/api/v1/cases/{late}/transitions",
        json={"to": "accepted", "lead_facilitator_id": str(world.facilitator.actor.id)},
        headers=world.coordinator.headers,
    )
    case = (await client.get(f"/api/v1/cases/{late}", headers=world.facilitator.headers)).json()
    victim = next(p for p in case["parties"] if p["role"] == "victim")
    attempted = datetime.now(UTC) - timedelta(minutes=30)
    response = await client.post(
        f"/api/v1/cases/{late}/parties/{victim['id']}/contact-attempts",
        json={
            "attempted_at": attempted.isoformat(),
            "method": "phone_call",
            "outcome": "no_answer",
            "notes": "Rang twice, no voicemail.",
        },
        headers=world.facilitator.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "contacting"
    assert datetime.fromisoformat(body["first_contact_at"]) == attempted
    assert body["first_contact_overdue"] is False
    attempts = next(p for p in body["parties"] if p["id"] == victim["id"])["contact_attempts"]
    assert [(a["outcome"], a["recorded_by"]["name"]) for a in attempts] == [
        ("no_answer", "Fay Facilitator")
    ]
    assert late not in await overdue_ids(client, world)


async def test_a_contact_attempt_cannot_be_in_the_future(client: AsyncClient, world: World) -> None:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/contact-attempts",
        json={
            "attempted_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
            "method": "sms",
            "outcome": "left_message",
        },
        headers=world.facilitator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "attempted_at"


async def test_a_contact_attempt_needs_a_time_zone(client: AsyncClient, world: World) -> None:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/contact-attempts",
        json={"attempted_at": "2026-11-20T10:00:00", "method": "sms", "outcome": "spoke"},
        headers=world.facilitator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "attempted_at"


def window(days: int, start_hour: int, end_hour: int) -> dict[str, str]:
    day = (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {
        "start": day.replace(hour=start_hour).isoformat(),
        "end": day.replace(hour=end_hour).isoformat(),
    }


async def test_availability_is_replaced_and_overlaps_merged(
    client: AsyncClient, world: World
) -> None:
    url = f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/availability"
    first = await client.put(
        url,
        json={"windows": [window(3, 17, 19), window(3, 18, 21), window(5, 10, 12)]},
        headers=world.facilitator.headers,
    )
    assert first.status_code == 200, first.text
    assert first.json()["windows"] == [
        {
            "start": window(3, 17, 21)["start"].replace("+00:00", "Z"),
            "end": window(3, 17, 21)["end"].replace("+00:00", "Z"),
        },
        {
            "start": window(5, 10, 12)["start"].replace("+00:00", "Z"),
            "end": window(5, 10, 12)["end"].replace("+00:00", "Z"),
        },
    ]
    await client.put(url, json={"windows": [window(7, 9, 11)]}, headers=world.facilitator.headers)
    read = await client.get(url, headers=world.facilitator.headers)
    assert len(read.json()["windows"]) == 1
    assert read.json()["windows"][0]["start"].startswith(window(7, 9, 11)["start"][:13])
    views = await PersonalDataView.select(PersonalDataView.endpoint).where(
        PersonalDataView.case == world.case_id
    )
    assert {"endpoint": url} in views


async def test_availability_windows_must_make_sense(client: AsyncClient, world: World) -> None:
    url = f"/api/v1/cases/{world.case_id}/parties/{world.victim_id}/availability"
    backwards = await client.put(
        url, json={"windows": [window(3, 19, 17)]}, headers=world.facilitator.headers
    )
    assert backwards.status_code == 400
    assert backwards.json()["field"] == "windows[0]"
    past = await client.put(
        url,
        json={"windows": [window(2, 9, 10), window(-2, 9, 10)]},
        headers=world.facilitator.headers,
    )
    assert past.status_code == 400
    assert past.json()["field"] == "windows[1]"
    assert past.json()["detail"] == "This window is already over."

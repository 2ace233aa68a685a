"""Venues: details, opening hours and closures, and when they are open."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.world import World, phone_number

MILLBROOK = {
    "name": "Millbrook Community Centre",
    "address": "14 Chapel Lane, Millbrook",
    "postcode": "NS1 4AB",
    "area": "Millbrook",
    "capacity": 30,
    "rooms": 2,
    "features": ["step_free", "hearing_loop"],
    "setup_minutes": 20,
    "cleardown_minutes": 10,
}


async def create(client: AsyncClient, world: World, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/venues", json={**MILLBROOK, **extra}, headers=world.coordinator.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_coordinator_adds_a_venue_with_two_rooms_for_separate_waiting(
    client: AsyncClient, world: World
) -> None:
    venue = await create(client, world, contact_phone=phone_number())
    assert venue["separate_waiting"] is True
    assert venue["features"] == ["step_free", "hearing_loop"]
    assert venue["contact_phone"].startswith("+447700900")
    single = await create(client, world, name="Hollins Park Pavilion", rooms=1, features=[])
    assert single["separate_waiting"] is False


async def test_venue_names_are_unique_and_sizes_sensible(client: AsyncClient, world: World) -> None:
    await create(client, world)
    again = await client.post(
        "/api/v1/venues",
        json={**MILLBROOK, "name": "millbrook community centre"},
        headers=world.coordinator.headers,
    )
    assert again.status_code == 400
    assert again.json()["field"] == "name"
    tiny = await client.post(
        "/api/v1/venues",
        json={**MILLBROOK, "name": "Cupboard", "capacity": 1},
        headers=world.coordinator.headers,
    )
    assert tiny.status_code == 400
    assert tiny.json()["field"] == "capacity"


async def test_facilitators_can_look_up_venues_but_not_change_them(
    client: AsyncClient, world: World
) -> None:
    venue = await create(client, world)
    listed = await client.get("/api/v1/venues", headers=world.facilitator.headers)
    assert [v["name"] for v in listed.json()] == ["Millbrook Community Centre"]
    change = await client.patch(
        f"/api/v1/venues/{venue['id']}", json={"capacity": 5}, headers=world.facilitator.headers
    )
    assert change.status_code == 403
    referrer = await client.get("/api/v1/venues", headers=world.referrer.headers)
    assert referrer.status_code == 403


async def test_opening_hours_closures_and_bank_holidays(client: AsyncClient, world: World) -> None:
    venue = await create(client, world)
    hours = await client.put(
        f"/api/v1/venues/{venue['id']}/hours",
        json={
            "weekly": [
                {
                    "days": ["MO", "TU", "WE", "TH", "FR"],
                    "starts": "09:00",
                    "ends": "21:00",
                    "first_day": "2027-03-01",
                }
            ],
            "one_offs": [
                {
                    "start": "2027-03-24T00:00:00Z",
                    "end": "2027-03-25T00:00:00Z",
                    "available": False,
                    "note": "Polling station",
                }
            ],
        },
        headers=world.coordinator.headers,
    )
    assert hours.status_code == 200, hours.text
    free = await client.get(
        f"/api/v1/venues/{venue['id']}/free",
        params={"start": "2027-03-22T00:00:00Z", "end": "2027-04-03T00:00:00Z"},
        headers=world.facilitator.headers,
    )
    days = [w["start"][:10] for w in free.json()["windows"]]
    # closed on the 24th; Good Friday (26th) and Easter Monday (29th) are bank holidays
    assert days == [
        "2027-03-22",
        "2027-03-23",
        "2027-03-25",
        "2027-03-30",
        "2027-03-31",
        "2027-04-01",
        "2027-04-02",
    ]
    # after the clocks change, 09:00 London is 08:00 UTC
    assert free.json()["windows"][3] == {
        "start": "2027-03-30T08:00:00Z",
        "end": "2027-03-30T20:00:00Z",
    }


async def test_a_free_time_question_needs_times_with_offsets(
    client: AsyncClient, world: World
) -> None:
    venue = await create(client, world)
    response = await client.get(
        f"/api/v1/venues/{venue['id']}/free",
        params={"start": "2027-03-22T00:00:00", "end": "2027-04-03T00:00:00Z"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "start"

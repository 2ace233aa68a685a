"""Facilitator profiles, their availability and free time, and their own calendar,
through the API."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from panels.calendars.fetching import normalise_url
from panels.clock import london_today
from panels.facilitators import service as facilitators
from panels.facilitators.schemas import FacilitatorIn
from panels.settings import get_settings
from tests.world import World

FIXTURES = Path(__file__).resolve().parents[2] / "scheduling" / "fixtures"


async def profile(world: World, **extra: Any) -> str:
    """A profile for Fay (the world's facilitator), with a current DBS check."""
    data = {"user_id": world.facilitator.actor.id, "skills": ["lead"], **extra}
    data.setdefault("dbs_expires_on", london_today() + timedelta(days=400))
    created = await facilitators.create(FacilitatorIn.model_validate(data))
    return str(created["id"])


async def test_a_coordinator_gives_a_facilitator_a_profile(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        "/api/v1/facilitators",
        json={
            "user_id": str(world.facilitator.actor.id),
            "skills": ["lead", "youth"],
            "languages": ["en", "cy"],
            "dbs_expires_on": (london_today() + timedelta(days=300)).isoformat(),
            "areas": ["Millbrook"],
            "max_panels_per_month": 3,
            "conflicts": [{"kind": "street", "value": "Chapel Lane"}],
        },
        headers=world.coordinator.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Fay Facilitator"
    assert body["skills"] == ["lead", "youth"]
    assert body["dbs_valid"] is True
    assert body["dbs_expiring_soon"] is False
    assert body["conflicts"] == [{"kind": "street", "value": "Chapel Lane"}]
    again = await client.post(
        "/api/v1/facilitators",
        json={"user_id": str(world.facilitator.actor.id)},
        headers=world.coordinator.headers,
    )
    assert again.status_code == 400
    assert again.json()["field"] == "user_id"


async def test_only_facilitator_users_get_profiles(client: AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/v1/facilitators",
        json={"user_id": str(world.referrer.actor.id)},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "user_id"


async def test_a_facilitator_sees_and_changes_only_their_own_profile(
    client: AsyncClient, world: World
) -> None:
    mine = await profile(world)
    own = await client.get(f"/api/v1/facilitators/{mine}", headers=world.facilitator.headers)
    assert own.status_code == 200
    theirs = await client.get(
        f"/api/v1/facilitators/{mine}", headers=world.other_facilitator.headers
    )
    assert theirs.status_code == 404
    changed = await client.patch(
        f"/api/v1/facilitators/{mine}",
        json={"languages": ["en", "pl"], "conflicts": [{"kind": "person", "value": "A Neighbour"}]},
        headers=world.facilitator.headers,
    )
    assert changed.status_code == 200
    assert changed.json()["languages"] == ["en", "pl"]
    training = await client.patch(
        f"/api/v1/facilitators/{mine}",
        json={"skills": ["lead", "hate_crime"], "dbs_expires_on": "2099-01-01"},
        headers=world.facilitator.headers,
    )
    assert training.status_code == 403
    assert "dbs_expires_on, skills" in training.json()["detail"]


async def test_coordinators_see_dbs_checks_expired_or_expiring_within_30_days(
    client: AsyncClient, world: World
) -> None:
    today = london_today()
    soon = await profile(world, dbs_expires_on=today + timedelta(days=20))
    await facilitators.create(
        FacilitatorIn(
            user_id=world.other_facilitator.actor.id, dbs_expires_on=today - timedelta(days=1)
        )
    )
    response = await client.get(
        "/api/v1/facilitators",
        params={"dbs_expiring_within_days": 30},
        headers=world.coordinator.headers,
    )
    flagged = {row["name"]: (row["dbs_valid"], row["dbs_expiring_soon"]) for row in response.json()}
    assert flagged == {"Fay Facilitator": (True, True), "Otto Facilitator": (False, False)}
    assert soon in {row["id"] for row in response.json()}


WEEKLY_TUESDAY = {
    "weekly": [{"days": ["TU"], "starts": "18:00", "ends": "20:00", "first_day": "2027-03-01"}]
}


async def free(client: AsyncClient, world: World, mine: str, start: str, end: str) -> list[Any]:
    response = await client.get(
        f"/api/v1/facilitators/{mine}/free",
        params={"start": start, "end": end},
        headers=world.facilitator.headers,
    )
    assert response.status_code == 200, response.text
    return [(w["start"], w["end"]) for w in response.json()["windows"]]


async def test_a_weekly_evening_stays_an_evening_across_the_clock_change(
    client: AsyncClient, world: World
) -> None:
    mine = await profile(world, dbs_expires_on="2030-01-01")
    saved = await client.put(
        f"/api/v1/facilitators/{mine}/availability",
        json=WEEKLY_TUESDAY,
        headers=world.facilitator.headers,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["weekly"][0]["rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    windows = await free(client, world, mine, "2027-03-20T00:00:00Z", "2027-04-04T00:00:00Z")
    # 18:00 London is 18:00Z before 28 March 2027 and 17:00Z after it
    assert windows == [
        ("2027-03-23T18:00:00Z", "2027-03-23T20:00:00Z"),
        ("2027-03-30T17:00:00Z", "2027-03-30T19:00:00Z"),
    ]


async def test_no_panels_after_the_dbs_check_expires(client: AsyncClient, world: World) -> None:
    mine = await profile(world, dbs_expires_on="2027-03-25")
    await client.put(
        f"/api/v1/facilitators/{mine}/availability",
        json=WEEKLY_TUESDAY,
        headers=world.facilitator.headers,
    )
    windows = await free(client, world, mine, "2027-03-20T00:00:00Z", "2027-04-04T00:00:00Z")
    assert windows == [("2027-03-23T18:00:00Z", "2027-03-23T20:00:00Z")]


async def test_time_away_and_an_extra_evening(client: AsyncClient, world: World) -> None:
    mine = await profile(world, dbs_expires_on="2030-01-01")
    await client.put(
        f"/api/v1/facilitators/{mine}/availability",
        json={
            **WEEKLY_TUESDAY,
            "one_offs": [
                {
                    "start": "2027-03-22T00:00:00Z",
                    "end": "2027-03-27T00:00:00Z",
                    "available": False,
                    "note": "On holiday",
                },
                {
                    "start": "2027-03-31T18:00:00+01:00",
                    "end": "2027-03-31T21:00:00+01:00",
                    "available": True,
                },
            ],
        },
        headers=world.facilitator.headers,
    )
    windows = await free(client, world, mine, "2027-03-20T00:00:00Z", "2027-04-04T00:00:00Z")
    assert windows == [
        ("2027-03-30T17:00:00Z", "2027-03-30T19:00:00Z"),
        ("2027-03-31T17:00:00Z", "2027-03-31T20:00:00Z"),
    ]


async def test_an_impossible_pattern_names_the_field(client: AsyncClient, world: World) -> None:
    mine = await profile(world)
    response = await client.put(
        f"/api/v1/facilitators/{mine}/availability",
        json={"weekly": [{"rrule": "FREQ=SOMETIMES", "starts": "18:00", "ends": "20:00"}]},
        headers=world.facilitator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "weekly[0]"
    backwards = await client.put(
        f"/api/v1/facilitators/{mine}/availability",
        json={"weekly": [{"days": ["MO"], "starts": "20:00", "ends": "18:00"}]},
        headers=world.facilitator.headers,
    )
    assert backwards.status_code == 400


async def test_an_uploaded_calendar_blocks_its_busy_times(
    client: AsyncClient, world: World
) -> None:
    mine = await profile(world, dbs_expires_on="2030-01-01")
    await client.put(
        f"/api/v1/facilitators/{mine}/availability",
        json={
            "weekly": [
                {
                    "days": ["MO", "TU", "WE", "TH", "FR"],
                    "starts": "09:00",
                    "ends": "21:00",
                    "first_day": "2027-03-01",
                }
            ]
        },
        headers=world.facilitator.headers,
    )
    before = await free(client, world, mine, "2027-03-22T00:00:00Z", "2027-03-29T00:00:00Z")
    uploaded = await client.put(
        f"/api/v1/facilitators/{mine}/calendar",
        json={"ics": (FIXTURES / "google.ics").read_text()},
        headers=world.facilitator.headers,
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["calendar"]["source"] == "upload"
    after = await free(client, world, mine, "2027-03-22T00:00:00Z", "2027-03-29T00:00:00Z")
    # choir on Monday evening, the Tuesday shift, the dentist on Wednesday; Thursday's
    # shift was cancelled (EXDATE); Friday 26 March 2027 is Good Friday
    assert after == [
        ("2027-03-22T09:00:00Z", "2027-03-22T19:00:00Z"),
        ("2027-03-22T20:30:00Z", "2027-03-22T21:00:00Z"),
        ("2027-03-23T17:00:00Z", "2027-03-23T21:00:00Z"),
        ("2027-03-24T09:00:00Z", "2027-03-24T18:30:00Z"),
        ("2027-03-24T20:00:00Z", "2027-03-24T21:00:00Z"),
        ("2027-03-25T09:00:00Z", "2027-03-25T21:00:00Z"),
    ]
    assert len(before) == 4
    unreadable = await client.put(
        f"/api/v1/facilitators/{mine}/calendar",
        json={"ics": "this is not a calendar"},
        headers=world.facilitator.headers,
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["field"] == "ics"
    stopped = await client.put(
        f"/api/v1/facilitators/{mine}/calendar", json={}, headers=world.facilitator.headers
    )
    assert stopped.json()["calendar"]["source"] == "none"
    assert await free(client, world, mine, "2027-03-22T00:00:00Z", "2027-03-29T00:00:00Z") == before


@pytest.fixture
def calendar_server() -> Iterator[str]:
    """A web server on 127.0.0.1 serving the Google-shaped calendar, as a feed would."""
    body = (FIXTURES / "google.ics").read_bytes()

    class Calendar(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/private/basic.ics":
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_a_calendar_address_is_fetched_and_refreshed(
    client: AsyncClient, world: World, calendar_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Development setting: this test's calendar server is on this machine.
    allowed = dataclasses.replace(get_settings(), calendar_fetch_private=True)
    monkeypatch.setattr(facilitators, "get_settings", lambda: allowed)
    mine = await profile(world)
    saved = await client.put(
        f"/api/v1/facilitators/{mine}/calendar",
        json={"url": f"http://{calendar_server}/private/basic.ics"},
        headers=world.facilitator.headers,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["calendar"]["source"] == "url"
    assert saved.json()["calendar"]["problem"] is None
    missing = await client.put(
        f"/api/v1/facilitators/{mine}/calendar",
        json={"url": f"http://{calendar_server}/wrong.ics"},
        headers=world.facilitator.headers,
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "url"
    assert "404" in missing.json()["detail"]
    assert await facilitators.refresh_calendars() == (1, 0)


async def test_calendar_addresses_inside_our_network_are_refused(
    client: AsyncClient, world: World, calendar_server: str
) -> None:
    mine = await profile(world)
    for url in (
        f"http://{calendar_server}/private/basic.ics",
        "http://localhost/x.ics",
        "ftp://example.org/x.ics",
        "file:///etc/passwd",
    ):
        response = await client.put(
            f"/api/v1/facilitators/{mine}/calendar",
            json={"url": url},
            headers=world.facilitator.headers,
        )
        assert response.status_code == 400, url
        assert response.json()["field"] == "url"


def test_webcal_addresses_mean_https() -> None:
    assert (
        normalise_url("webcal://calendar.example.org/a.ics") == "https://calendar.example.org/a.ics"
    )


async def test_fetching_does_not_block_the_service(world: World) -> None:
    # refresh with nothing to fetch is a no-op, not an error
    assert await asyncio.wait_for(facilitators.refresh_calendars(), timeout=5) == (0, 0)

"""Private calendar feeds for facilitators and venues: they open with their token, read
in a real calendar client (ical.js), and stop working when a new link is made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from httpx import AsyncClient

from panels.clock import london_today
from panels.facilitators import service as facilitators
from panels.facilitators.schemas import FacilitatorIn
from panels.facilitators.tables import Facilitator
from tests.icaljs import parse_with_icaljs
from tests.world import World


async def fay(world: World) -> str:
    created = await facilitators.create(
        FacilitatorIn(
            user_id=world.facilitator.actor.id, dbs_expires_on=london_today() + timedelta(days=90)
        )
    )
    return str(created["id"])


def path_of(link: dict[str, Any]) -> str:
    url = str(link["url"])
    assert url.startswith("http://127.0.0.1:8000/calendars/")
    return url.removeprefix("http://127.0.0.1:8000")


async def test_a_facilitators_feed_opens_with_its_token_and_reads_in_icaljs(
    client: AsyncClient, world: World
) -> None:
    mine = await fay(world)
    link = await client.get(f"/api/v1/facilitators/{mine}/feed", headers=world.facilitator.headers)
    assert link.status_code == 200
    feed = await client.get(path_of(link.json()))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    parsed = parse_with_icaljs(feed.content)
    assert parsed["method"] == "PUBLISH"
    assert parsed["calendar_name"] == "Neighbourhood Justice Panel: my panels"
    assert parsed["timezones"] == ["Europe/London"]
    assert parsed["events"] == []
    # the link is the same each time it is shown
    again = await client.get(f"/api/v1/facilitators/{mine}/feed", headers=world.facilitator.headers)
    assert again.json() == link.json()


async def test_a_new_link_revokes_the_old_one(client: AsyncClient, world: World) -> None:
    mine = await fay(world)
    old = await client.get(f"/api/v1/facilitators/{mine}/feed", headers=world.facilitator.headers)
    new = await client.post(f"/api/v1/facilitators/{mine}/feed", headers=world.facilitator.headers)
    assert new.status_code == 201
    assert new.json() != old.json()
    assert (await client.get(path_of(old.json()))).status_code == 404
    assert (await client.get(path_of(new.json()))).status_code == 200
    stored = (
        await Facilitator.select(Facilitator.feed_token_hash).where(Facilitator.id == mine).first()
    )
    assert stored is not None
    token = path_of(new.json()).rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in str(stored["feed_token_hash"])  # only a hash is kept


async def test_wrong_tokens_find_nothing(client: AsyncClient, world: World) -> None:
    await fay(world)
    for path in (
        "/calendars/facilitators/guess.ics",
        "/calendars/venues/guess.ics",
        "/calendars/facilitators/guess",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path


async def test_another_facilitator_cannot_get_someone_elses_feed_link(
    client: AsyncClient, world: World
) -> None:
    mine = await fay(world)
    response = await client.get(
        f"/api/v1/facilitators/{mine}/feed", headers=world.other_facilitator.headers
    )
    assert response.status_code == 404


async def test_a_venues_feed_is_named_for_the_venue(client: AsyncClient, world: World) -> None:
    venue = await client.post(
        "/api/v1/venues",
        json={
            "name": "St Anne's Church Hall",
            "address": "2 Vicarage Road",
            "postcode": "NS3 7QT",
            "area": "Eastgate",
            "capacity": 40,
        },
        headers=world.coordinator.headers,
    )
    link = await client.get(
        f"/api/v1/venues/{venue.json()['id']}/feed", headers=world.coordinator.headers
    )
    parsed = parse_with_icaljs((await client.get(path_of(link.json()))).content)
    assert parsed["calendar_name"] == "Neighbourhood Justice Panel: panels at St Anne's Church Hall"

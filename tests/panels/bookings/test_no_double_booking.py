"""Double booking is impossible: under fifty simultaneous requests exactly one booking
wins, and the database itself refuses overlapping holds whatever code writes them."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from panels.bookings.tables import Panel, ResourceHold
from panels.db import write_transaction
from tests.panels.bookings.test_booking import evening
from tests.world import World, ready_case, staff_the_scheme

CONTENDERS = 50


async def overlapping_active_holds() -> list[tuple[Any, Any]]:
    holds = await ResourceHold.select().where(ResourceHold.active == True)  # noqa: E712
    clashes = []
    for i, a in enumerate(holds):
        for b in holds[i + 1 :]:
            same = (a["facilitator"] and a["facilitator"] == b["facilitator"]) or (
                a["venue"] and a["venue"] == b["venue"]
            )
            if same and a["starts_at"] < b["ends_at"] and b["starts_at"] < a["ends_at"]:
                clashes.append((a["id"], b["id"]))
    return clashes


async def test_fifty_simultaneous_bookings_for_the_same_time_give_exactly_one_panel(
    client: AsyncClient, world: World
) -> None:
    staff = await staff_the_scheme(world)
    windows = [(evening(6), evening(6, 21))]
    cases = [await ready_case(world, windows) for _ in range(CONTENDERS)]
    body = {
        "start": evening(6).isoformat(),
        "venue_id": str(staff["venue"]),
        "facilitator_ids": [str(staff["lead"]), str(staff["co"])],
    }
    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/cases/{case}/panels", json=body, headers=world.coordinator.headers
            )
            for case in cases
        )
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201] + [409] * (CONTENDERS - 1), [
        a.text for a in answers if a.status_code >= 500
    ]
    assert {a.json()["rule"] for a in answers if a.status_code == 409} <= {
        "scheduling",
        "double_booking",
    }
    assert await Panel.count() == 1
    assert await overlapping_active_holds() == []


async def hold_directly(
    world: World, case: UUID, venue: UUID, uid: str, start: datetime, /, **owner: UUID
) -> None:
    """A panel and one two-hour hold written straight to the tables, skipping every check
    the service makes: only the database stands in the way."""
    async with write_transaction():
        panel = Panel(
            case=case,
            uid=uid,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            venue=venue,
            booked_by=world.coordinator.actor.id,
            harm_causer_arrives_at=start,
            victim_arrives_at=start,
        )
        await panel.save()
        await ResourceHold.insert(
            ResourceHold(
                panel=panel.id, starts_at=start, ends_at=start + timedelta(hours=2), **owner
            )
        )


@pytest.mark.parametrize("resource", ["facilitator", "venue"])
async def test_the_database_refuses_overlapping_holds_from_any_writer(
    world: World, resource: str
) -> None:
    """Fifty writers that skip every check and insert holds for the same resource at
    overlapping times: one commits, the database refuses the rest."""
    staff = await staff_the_scheme(world)
    case = await ready_case(world, [(evening(7), evening(7, 21))])
    owner = (
        {"facilitator": staff["lead"]} if resource == "facilitator" else {"venue": staff["venue"]}
    )

    async def write(n: int) -> str:
        start = evening(7) + timedelta(minutes=n)  # all overlap: two hours from 18:00-18:49
        try:
            await hold_directly(world, case, staff["venue"], f"test-{n}", start, **owner)
        except Exception as refused:  # the engine's own error, whichever engine it is
            return f"{type(refused).__name__}: {refused}"
        return "held"

    results = await asyncio.gather(*(write(n) for n in range(CONTENDERS)))
    assert results.count("held") == 1
    refusals = [r for r in results if r != "held"]
    assert len(refusals) == CONTENDERS - 1
    assert all(f"{resource}_not_double_booked" in r for r in refusals), refusals[:3]
    assert await overlapping_active_holds() == []


async def test_touching_holds_are_not_a_clash(world: World) -> None:
    """Half-open times: one panel ending at 20:00 and the next starting at 20:00 both stand."""
    staff = await staff_the_scheme(world)
    case = await ready_case(world, [(evening(8), evening(8, 21))])
    for start in (evening(8), evening(8, 20)):
        await hold_directly(
            world, case, staff["venue"], f"touch-{start.hour}", start, facilitator=staff["lead"]
        )
    assert await ResourceHold.count() == 2

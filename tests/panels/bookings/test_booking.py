"""Arranging a panel through the API: suggested times, booking with every rule checked
again, moving and cancelling, the invitation, and what consent withdrawal undoes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from panels.bookings import service as bookings
from panels.bookings.schemas import BookingIn
from panels.bookings.tables import Panel, PanelNotice, ResourceHold
from panels.cases import service as cases
from panels.cases.schemas import ConsentIn, PartyAvailabilityIn
from panels.cases.tables import Case, ConsentDecision, ContactMethod, Party
from panels.clock import london_today
from panels.errors import RuleBroken
from panels.facilitators.tables import Facilitator
from tests.icaljs import parse_with_icaljs
from tests.world import World, evening, ready_case, staff_the_scheme


async def a_ready_case(world: World) -> tuple[UUID, dict[str, Any]]:
    staff = await staff_the_scheme(world)
    case_id = await ready_case(world, [(evening(3), evening(3, 21)), (evening(5), evening(5, 21))])
    return case_id, staff


async def book_first(client: AsyncClient, world: World, case_id: UUID) -> dict[str, Any]:
    found = await client.get(
        f"/api/v1/cases/{case_id}/slot-suggestions", headers=world.coordinator.headers
    )
    assert found.status_code == 200, found.text
    option = found.json()["options"][0]
    booked = await client.post(
        f"/api/v1/cases/{case_id}/panels",
        json={
            "start": option["start"],
            "venue_id": option["venue"]["id"],
            "facilitator_ids": [f["id"] for f in option["facilitators"]],
        },
        headers=world.coordinator.headers,
    )
    assert booked.status_code == 201, booked.text
    return dict(booked.json())


async def test_suggestions_offer_the_earliest_time_everyone_can_come(
    client: AsyncClient, world: World
) -> None:
    case_id, _ = await a_ready_case(world)
    response = await client.get(
        f"/api/v1/cases/{case_id}/slot-suggestions", headers=world.facilitator.headers
    )
    assert response.status_code == 200, response.text
    options = response.json()["options"]
    assert response.json()["reasons"] == []
    assert options
    first = options[0]
    assert datetime.fromisoformat(first["start"]) == evening(3)
    assert first["venue"]["name"] == "Millbrook Community Centre"
    assert first["venue"]["separate_waiting"] is True
    assert [(f["name"], f["lead"]) for f in first["facilitators"]] == [
        ("Fay Facilitator", True),
        ("Otto Facilitator", False),
    ]
    assert first["explanation"]
    starts = [o["start"] for o in options]
    assert len(set(starts)) == len(starts)
    assert starts == sorted(starts)


async def test_suggestions_are_only_for_a_case_ready_to_schedule(
    client: AsyncClient, world: World
) -> None:
    response = await client.get(
        f"/api/v1/cases/{world.case_id}/slot-suggestions", headers=world.coordinator.headers
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "consent_gate"


async def test_a_lead_whose_dbs_check_lapses_first_is_not_offered(
    client: AsyncClient, world: World
) -> None:
    case_id, staff = await a_ready_case(world)
    # Fay, the only lead, is checked until tomorrow; the parties can come in 3 and 5 days.
    await Facilitator.update(
        {Facilitator.dbs_expires_on: london_today() + timedelta(days=1)}
    ).where(Facilitator.id == staff["lead"])
    response = await client.get(
        f"/api/v1/cases/{case_id}/slot-suggestions", headers=world.coordinator.headers
    )
    assert response.json()["options"] == []
    assert "No lead facilitator is free when the parties can come" in response.json()["reasons"]


async def test_no_time_is_offered_until_everyone_has_said_when_they_can_come(
    client: AsyncClient, world: World
) -> None:
    case_id, _ = await a_ready_case(world)
    victim = (
        await Party.select(Party.id)
        .where((Party.case == case_id) & (Party.role == "victim"))
        .first()
    )
    assert victim is not None
    await cases.set_availability(
        world.coordinator.actor, case_id, victim["id"], PartyAvailabilityIn(windows=[])
    )
    response = await client.get(
        f"/api/v1/cases/{case_id}/slot-suggestions", headers=world.coordinator.headers
    )
    assert response.json() == {
        "options": [],
        "reasons": ["Record when the person harmed can come."],
    }


async def test_booking_schedules_the_case_staggers_arrivals_and_tells_people(
    client: AsyncClient, world: World
) -> None:
    case_id, _ = await a_ready_case(world)
    panel = await book_first(client, world, case_id)
    assert panel["status"] == "booked"
    assert panel["sequence"] == 0
    start = datetime.fromisoformat(panel["start"])
    assert datetime.fromisoformat(panel["victim_arrives_at"]) == start
    assert datetime.fromisoformat(panel["harm_causer_arrives_at"]) == start - timedelta(minutes=15)
    assert panel["separate_waiting"] is True
    case = await Case.select(Case.status).where(Case.id == case_id).first()
    assert case == {"status": "scheduled"}
    notices = await PanelNotice.select(PanelNotice.kind, PanelNotice.sequence).where(
        PanelNotice.case == case_id
    )
    assert notices == [{"kind": "panel_booked", "sequence": 0}]
    holds = await ResourceHold.select().where(ResourceHold.panel == panel["id"])
    venue_hold = next(h for h in holds if h["venue"] is not None)
    assert venue_hold["ends_at"] - venue_hold["starts_at"] == timedelta(hours=2, minutes=30)
    timeline = await cases.case_timeline(world.coordinator.actor, case_id, "tests")
    assert [e["kind"] for e in timeline][-2:] == ["panel_booked", "status_changed"]


async def test_a_time_that_breaks_a_rule_is_refused_with_the_rule(
    client: AsyncClient, world: World
) -> None:
    case_id, staff = await a_ready_case(world)
    too_early = evening(3, 9)  # the parties cannot come in the morning
    response = await client.post(
        f"/api/v1/cases/{case_id}/panels",
        json={
            "start": too_early.isoformat(),
            "venue_id": str(staff["venue"]),
            "facilitator_ids": [str(staff["lead"]), str(staff["co"])],
        },
        headers=world.coordinator.headers,
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "scheduling"
    assert await Panel.count() == 0
    assert (await Case.select(Case.status).where(Case.id == case_id).first()) == {
        "status": "ready_to_schedule"
    }


async def test_the_same_facilitators_cannot_be_booked_twice_at_once(
    client: AsyncClient, world: World
) -> None:
    staff = await staff_the_scheme(world)
    windows = [(evening(4), evening(4, 21))]
    first, second = await ready_case(world, windows), await ready_case(world, windows)
    body = {
        "start": evening(4).isoformat(),
        "venue_id": str(staff["venue"]),
        "facilitator_ids": [str(staff["lead"]), str(staff["co"])],
    }
    ok = await client.post(
        f"/api/v1/cases/{first}/panels", json=body, headers=world.coordinator.headers
    )
    assert ok.status_code == 201
    clash = await client.post(
        f"/api/v1/cases/{second}/panels", json=body, headers=world.coordinator.headers
    )
    assert clash.status_code == 409
    # In words a coordinator can act on: who is taken, when, in local time; no ids.
    detail = clash.json()["detail"]
    assert "Otto Facilitator" in detail or "Fay Facilitator" in detail
    assert "another panel" in detail
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", detail)


async def test_moving_and_cancelling_keep_the_uid_and_raise_the_sequence(
    client: AsyncClient, world: World
) -> None:
    case_id, staff = await a_ready_case(world)
    panel = await book_first(client, world, case_id)
    moved = await client.patch(
        f"/api/v1/panels/{panel['id']}",
        json={
            "start": evening(5, 19).isoformat(),
            "venue_id": str(staff["venue"]),
            "facilitator_ids": [str(staff["lead"]), str(staff["co"])],
            "reason": "The person harmed asked for a later day.",
        },
        headers=world.facilitator.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1
    assert datetime.fromisoformat(moved.json()["start"]) == evening(5, 19)
    request = parse_with_icaljs(
        (
            await client.get(
                f"/api/v1/panels/{panel['id']}/invitation.ics", headers=world.facilitator.headers
            )
        ).content
    )
    assert request["method"] == "REQUEST"
    (event,) = request["events"]
    assert event["sequence"] == 1
    uid = event["uid"]

    cancelled = await client.post(
        f"/api/v1/panels/{panel['id']}/cancel",
        json={"reason": "The venue flooded."},
        headers=world.coordinator.headers,
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["sequence"] == 2
    cancel = parse_with_icaljs(
        (
            await client.get(
                f"/api/v1/panels/{panel['id']}/invitation.ics", headers=world.facilitator.headers
            )
        ).content
    )
    assert cancel["method"] == "CANCEL"
    assert cancel["events"][0]["uid"] == uid
    assert cancel["events"][0]["status"] == "CANCELLED"
    assert cancel["events"][0]["sequence"] == 2
    assert (await Case.select(Case.status).where(Case.id == case_id).first()) == {
        "status": "ready_to_schedule"
    }
    assert await ResourceHold.count().where(ResourceHold.active == True) == 0  # noqa: E712
    kinds = [n["kind"] for n in await PanelNotice.select(PanelNotice.kind).order_by(PanelNotice.id)]
    assert kinds == ["panel_booked", "panel_rescheduled", "panel_cancelled"]


async def test_the_invitation_names_no_one_in_the_case(client: AsyncClient, world: World) -> None:
    case_id, _ = await a_ready_case(world)
    panel = await book_first(client, world, case_id)
    ics = (
        await client.get(
            f"/api/v1/panels/{panel['id']}/invitation.ics", headers=world.facilitator.headers
        )
    ).content
    parties = await Party.select(Party.name, Party.phone).where(Party.case == case_id)
    text = ics.decode()
    for party in parties:
        assert party["name"] not in text
        assert party["phone"][-6:] not in text
    parsed = parse_with_icaljs(ics)
    assert parsed["events"][0]["summary"].startswith("Panel NJP-")
    assert {a["cn"] if isinstance(a, dict) else a for a in parsed["events"][0]["attendees"]}


async def test_withdrawn_consent_cancels_the_upcoming_panel(
    client: AsyncClient, world: World
) -> None:
    case_id, _ = await a_ready_case(world)
    panel = await book_first(client, world, case_id)
    victim = (
        await Party.select(Party.id)
        .where((Party.case == case_id) & (Party.role == "victim"))
        .first()
    )
    assert victim is not None
    await cases.record_consent(
        world.facilitator.actor,
        case_id,
        victim["id"],
        ConsentIn(decision=ConsentDecision.withdrawn, method=ContactMethod.phone_call),
    )
    status = await Panel.select(Panel.status, Panel.sequence).where(Panel.id == panel["id"]).first()
    assert status == {"status": "cancelled", "sequence": 1}
    assert (await Case.select(Case.status).where(Case.id == case_id).first()) == {
        "status": "contacting"
    }
    kinds = [n["kind"] for n in await PanelNotice.select(PanelNotice.kind).order_by(PanelNotice.id)]
    assert kinds == ["panel_booked", "panel_cancelled"]


async def test_facilitators_feed_carries_the_panel(client: AsyncClient, world: World) -> None:
    case_id, staff = await a_ready_case(world)
    panel = await book_first(client, world, case_id)
    link = await client.get(
        f"/api/v1/facilitators/{staff['co']}/feed", headers=world.other_facilitator.headers
    )
    feed = parse_with_icaljs((await client.get(link.json()["url"].split("8000", 1)[1])).content)
    (event,) = feed["events"]
    assert event["uid"] == f"{panel['id']}@njp"
    assert event["status"] == "CONFIRMED"
    assert "co-facilitator" in event["description"]


async def test_service_level_booking_is_refused_for_a_case_not_ready(world: World) -> None:
    staff = await staff_the_scheme(world)
    with pytest.raises(RuleBroken) as refused:
        await bookings.book(
            world.coordinator.actor,
            world.case_id,
            BookingIn(
                start=evening(3),
                venue_id=staff["venue"],
                facilitator_ids=[staff["lead"], staff["co"]],
            ),
        )
    assert refused.value.rule == "consent_gate"

"""Reparation: weekly sessions at the same London time, booking the person responsible up
to the hours agreed and no further, a supervisor's link that reaches their own session
only, hours that complete the agreement, and the breach protocol (a chase after the
first miss, a coordinator's decision after the second, an accepted reason not counted)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from notifications.tables import OutboxMessage
from notifications.templates import check_safe
from panels.cases import service as cases
from panels.cases.schemas import TransitionIn
from panels.cases.tables import CaseEvent, CaseStatus, Outcome
from panels.clock import LONDON, london_today
from panels.errors import InvalidInput, NotFound, RuleBroken
from panels.outcomes import service as outcomes
from panels.outcomes.schemas import PanelRecordIn
from panels.outcomes.tables import AgreementAction
from panels.reparation import service
from panels.reparation.schemas import AttendanceRecord, PlacementIn, ProviderIn, SessionsIn
from panels.reparation.tables import Placement
from panels.tasks.tables import Task
from tests.panels.messaging.test_webhooks import reply
from tests.panels.outcomes.test_outcomes import a_panel, actions, after, both_came
from tests.world import SENSITIVE, World


async def agreed(world: World) -> dict[str, Any]:
    """A held panel whose agreement includes ten hours at the food bank."""
    setting = await a_panel(world)
    await outcomes.record_panel(
        world.facilitator.actor,
        setting["panel_id"],
        PanelRecordIn.model_validate(
            {"result": "held", "attendance": both_came(setting), "actions": actions(setting)}
        ),
        now=after(),
    )
    hours = (
        await AgreementAction.select(AgreementAction.id)
        .where(AgreementAction.kind == "reparation_hours")
        .first()
    )
    assert hours is not None
    setting["action_id"] = hours["id"]
    return setting


async def food_bank_sessions(
    world: World, *, weeks: int = 5, capacity: int = 3
) -> list[dict[str, Any]]:
    provider = await service.add_provider(
        world.coordinator.actor,
        ProviderIn(
            name="Millbrook Food Bank", kind="food_bank", address="2 Mill Lane", area="Millbrook"
        ),
    )
    return await service.add_sessions(
        world.coordinator.actor,
        provider["id"],
        SessionsIn(
            first_day=london_today() + timedelta(days=7),
            starts=time(10),
            minutes=180,
            weeks=weeks,
            capacity=capacity,
            supervisor_name="Sam Supervisor",
        ),
    )


async def place(world: World, setting: dict[str, Any], session: dict[str, Any]) -> int:
    return await service.book(
        world.facilitator.actor,
        setting["case_id"],
        PlacementIn(session_id=session["id"], action_id=setting["action_id"]),
    )


def during(session: dict[str, Any]) -> datetime:
    return session["starts_at"] + timedelta(hours=2)


async def test_weekly_sessions_keep_their_london_time(world: World) -> None:
    starts = service.weekly_starts(london_today(), time(10), 30)
    assert {s.astimezone(LONDON).time() for s in starts} == {time(10)}
    assert {s.weekday() for s in starts} == {london_today().weekday()}


async def test_booking_up_to_the_agreed_hours_and_no_further(world: World) -> None:
    setting = await agreed(world)
    sessions = await food_bank_sessions(world)
    for session in sessions[:4]:  # 4 x 3 hours reaches the 10 agreed
        await place(world, setting, session)
    with pytest.raises(RuleBroken, match="all 10 agreed hours"):
        await place(world, setting, sessions[4])
    left = {s["id"]: s["places_left"] for s in await service.sessions()}
    assert left[sessions[0]["id"]] == 2
    events = await CaseEvent.select(CaseEvent.kind).where(CaseEvent.case == setting["case_id"])
    assert [e["kind"] for e in events].count("reparation_booked") == 4


async def test_a_session_is_booked_once_per_person_and_never_past_its_places(
    world: World,
) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1, capacity=1)
    await place(world, setting, session)
    with pytest.raises(RuleBroken, match="already booked"):
        await place(world, setting, session)
    # The one place is taken: someone from another case is refused.
    await Placement.update({Placement.party: world.victim_id}, force=True)
    with pytest.raises(RuleBroken, match="full"):
        await place(world, setting, session)


async def test_the_supervisor_sees_first_names_only_and_records_hours_that_count(
    world: World,
) -> None:
    setting = await agreed(world)
    sessions = await food_bank_sessions(world)
    for session in sessions[:4]:
        await place(world, setting, session)
    sheet = await service.supervisor_session(sessions[0]["link"])
    [person] = sheet["people"]
    assert person["greeting"].endswith(".")
    assert not [s for s in SENSITIVE if s in str(sheet)], "no full name or phone number"

    for session in sessions[:4]:
        [booked] = (await service.supervisor_session(session["link"]))["people"]
        await service.record_by_supervisor(
            session["link"],
            [AttendanceRecord(placement_id=booked["placement_id"], attended=True, minutes=150)],
            now=during(session),
        )
    action = (
        await AgreementAction.select(AgreementAction.status)
        .where(AgreementAction.id == setting["action_id"])
        .first()
    )
    assert action == {"status": "done"}  # 4 x 2.5 hours = the 10 agreed


async def test_a_supervisors_link_reaches_their_own_session_only(world: World) -> None:
    setting = await agreed(world)
    first, second = (await food_bank_sessions(world, weeks=2))[:2]
    await place(world, setting, first)
    other = await place(world, setting, second)
    with pytest.raises(InvalidInput):
        await service.record_by_supervisor(
            first["link"],
            [AttendanceRecord(placement_id=other, attended=True, minutes=60)],
            now=during(first),
        )
    with pytest.raises(NotFound):
        await service.supervisor_session(first["link"] + "x")
    with pytest.raises(NotFound):
        await service.supervisor_session(first["link"], now=first["ends_at"] + timedelta(days=8))


async def missed(
    world: World, setting: dict[str, Any], session: dict[str, Any], **extra: Any
) -> None:
    [booked] = (await service.supervisor_session(session["link"]))["people"]
    await service.record_by_staff(
        world.facilitator.actor,
        session["id"],
        [AttendanceRecord(placement_id=booked["placement_id"], attended=False, **extra)],
        now=during(session),
    )


async def test_the_breach_protocol_chases_first_then_asks_a_coordinator(world: World) -> None:
    setting = await agreed(world)
    sessions = await food_bank_sessions(world)
    for session in sessions[:3]:
        await place(world, setting, session)
    await missed(world, setting, sessions[0], absence_reason="No reason given.")
    tasks = await Task.select(Task.kind, Task.party).where(Task.case == setting["case_id"])
    assert tasks == [{"kind": "call_party", "party": setting["causer"]}]

    # An accepted reason does not count.
    await missed(world, setting, sessions[1], absence_reason="In hospital.", acceptable=True)
    assert await Task.count().where(Task.kind == "breach_decision") == 0

    await missed(world, setting, sessions[2], absence_reason="Did not answer.")
    [decision] = await Task.select(Task.summary).where(Task.kind == "breach_decision")
    assert "missed 2" in decision["summary"]


async def test_attendance_waits_for_the_session_to_start(world: World) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1)
    placement = await place(world, setting, session)
    with pytest.raises(RuleBroken):
        await service.record_by_supervisor(
            session["link"],
            [AttendanceRecord(placement_id=placement, attended=True, minutes=60)],
            now=session["starts_at"] - timedelta(hours=1),
        )


async def test_the_supervisor_page_works_without_an_account(
    client: AsyncClient, world: World
) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1)
    await place(world, setting, session)
    page = await client.get(f"/r/{session['link']}")
    assert page.status_code == 200
    assert "Millbrook Food Bank" in page.text
    assert "Exit this page" in page.text
    assert not [s for s in SENSITIVE if s in page.text]
    refused = await client.get(f"/r/{session['link']}nope")
    assert refused.status_code == 404
    assert "expired or is not valid" in refused.text


async def texts_to(party_id: Any) -> dict[str, list[dict[str, Any]]]:
    rows = await OutboxMessage.select().where(OutboxMessage.party_id == party_id)
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["kind"], []).append(row)
    return found


async def test_booking_a_session_texts_them_and_reminds_them(world: World) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1)
    await place(world, setting, session)
    sent = await texts_to(setting["causer"])
    [booked] = sent["reparation_booked"]
    assert "Millbrook Food Bank" in booked["body"]
    assert "10:00" in booked["body"]
    assert check_safe(booked["body"]) == []
    assert len(sent["reparation_reminder"]) == 2  # 48 and 2 hours before
    assert all(r["expires_at"] == session["starts_at"] for r in sent["reparation_reminder"])


async def test_a_first_missed_session_brings_a_gentle_text(world: World) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1)
    await place(world, setting, session)
    await missed(world, setting, session, absence_reason="No reason given.")
    [text] = (await texts_to(setting["causer"]))["reparation_missed"]
    assert "Millbrook Food Bank" in text["body"]
    assert check_safe(text["body"]) == []
    assert "breach" not in text["body"].lower()


async def test_no_to_a_session_gives_the_place_up_and_asks_for_another(
    client: AsyncClient, world: World
) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1)
    placement = await place(world, setting, session)
    phone = setting["parties"]["harm_causer"]["phone"]
    await reply(client, phone, "YES")
    events = await CaseEvent.select(CaseEvent.kind).where(CaseEvent.case == setting["case_id"])
    assert "reparation_confirmed" in [e["kind"] for e in events]

    answer = await reply(client, phone, "no sorry")
    assert "<Message>" in answer
    row = await Placement.select(Placement.status).where(Placement.id == placement).first()
    assert row == {"status": "cancelled"}
    reminders = (await texts_to(setting["causer"]))["reparation_reminder"]
    assert {r["status"] for r in reminders} == {"cancelled"}
    [task] = await Task.select(Task.kind).where(Task.case == setting["case_id"])
    assert task["kind"] == "rebook"
    left = {s["id"]: s["places_left"] for s in await service.sessions()}
    assert left[session["id"]] == 3


async def test_staff_cancel_a_place_and_they_are_told_they_need_not_come(
    client: AsyncClient, world: World
) -> None:
    setting = await agreed(world)
    [session] = await food_bank_sessions(world, weeks=1, capacity=1)
    placement = await place(world, setting, session)
    with pytest.raises(InvalidInput, match="reason"):
        await service.cancel_placement(world.facilitator.actor, setting["case_id"], placement, " ")

    answer = await client.post(
        f"/api/v1/cases/{setting['case_id']}/reparation/placements/{placement}/cancel",
        json={"reason": "The food bank is closed that week."},
        headers=world.facilitator.headers,
    )
    assert answer.status_code == 204, answer.text
    row = await Placement.select(Placement.status).where(Placement.id == placement).first()
    assert row == {"status": "cancelled"}
    sent = await texts_to(setting["causer"])
    assert {r["status"] for r in sent["reparation_reminder"]} == {"cancelled"}
    [told] = sent["reparation_cancelled"]
    assert "Millbrook Food Bank" in told["body"]
    assert "closed" not in told["body"], "the reason stays on the case"
    assert check_safe(told["body"]) == []
    # the place is free again for someone else
    assert {s["id"]: s["places_left"] for s in await service.sessions()}[session["id"]] == 1

    again = await client.post(
        f"/api/v1/cases/{setting['case_id']}/reparation/placements/{placement}/cancel",
        json={"reason": "Twice."},
        headers=world.facilitator.headers,
    )
    assert again.status_code == 409


async def test_a_reason_accepted_afterwards_stops_a_miss_counting(world: World) -> None:
    setting = await agreed(world)
    sessions = await food_bank_sessions(world)
    placements = [await place(world, setting, session) for session in sessions[:3]]
    await missed(world, setting, sessions[0], absence_reason="")
    await missed(world, setting, sessions[1], absence_reason="")
    assert await Task.count().where((Task.kind == "breach_decision") & Task.done_at.is_null()) == 1

    # They rang back: they were in hospital the first time.
    await service.accept_absence(
        world.facilitator.actor, setting["case_id"], placements[0], "In hospital."
    )
    assert (
        await Task.count().where((Task.kind == "breach_decision") & Task.done_at.is_null()) == 0
    ), "one miss that counts needs no coordinator"
    events = await CaseEvent.select(CaseEvent.kind).where(CaseEvent.case == setting["case_id"])
    assert "absence_accepted" in [e["kind"] for e in events]

    # the next miss is the second that counts, and a coordinator is asked again
    await missed(world, setting, sessions[2], absence_reason="")
    assert await Task.count().where((Task.kind == "breach_decision") & Task.done_at.is_null()) == 1
    booked = await place(world, setting, sessions[3])
    with pytest.raises(RuleBroken, match="missed session"):
        await service.accept_absence(
            world.facilitator.actor, setting["case_id"], booked, "Not missed yet."
        )


async def test_closing_the_case_gives_up_its_places_still_to_come(world: World) -> None:
    setting = await agreed(world)
    first, second = (await food_bank_sessions(world, weeks=2))[:2]
    worked = await place(world, setting, first)
    await service.record_by_staff(
        world.facilitator.actor,
        first["id"],
        [AttendanceRecord(placement_id=worked, attended=True, minutes=120)],
        now=during(first),
    )
    coming = await place(world, setting, second)

    await cases.transition(
        world.coordinator.actor,
        setting["case_id"],
        TransitionIn(to=CaseStatus.closed, outcome=Outcome.breached, reason="They stopped coming."),
        now=during(first) + timedelta(hours=1),
    )
    statuses = {
        row["id"]: row["status"] for row in await Placement.select(Placement.id, Placement.status)
    }
    assert statuses == {worked: "attended", coming: "cancelled"}
    sent = await texts_to(setting["causer"])
    reminders = [
        r for r in sent["reparation_reminder"] if r["dedupe_key"].startswith(f"placement:{coming}:")
    ]
    assert len(reminders) == 2  # 48 and 2 hours before
    assert {r["status"] for r in reminders} == {"cancelled"}
    assert len(sent["reparation_cancelled"]) == 1
    with pytest.raises(RuleBroken, match="closed"):
        await service.accept_absence(
            world.facilitator.actor, setting["case_id"], worked, "Too late."
        )

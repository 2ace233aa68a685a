"""Booking, moving and cancelling a panel writes the texts that tell each person, in the
booking's own transaction: each side's own arrival time, their language, reminders
that never fall in the night, nothing to a number that said STOP, and a task for a
person where a text cannot go."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from notifications import outbox
from notifications.tables import OutboxMessage, OutboxStatus
from notifications.templates import check_safe
from panels.accounts.tables import Role
from panels.bookings import service as bookings
from panels.bookings.schemas import BookingIn, RescheduleIn
from panels.cases import service as cases
from panels.cases.schemas import ConsentIn
from panels.cases.tables import CaseEvent, ConsentDecision, ContactMethod, Party
from panels.db import write_transaction
from panels.errors import RuleBroken
from panels.facilitators.tables import Facilitator
from panels.messaging import service as messaging
from panels.messaging.tables import Attendance, Invitation
from panels.settings import get_settings
from panels.tasks.tables import Task
from panels.venues.tables import Venue
from tests.twilio_fake import FakeTwilio
from tests.world import (
    SENSITIVE,
    World,
    add_member,
    free_every_evening,
    local,
    ready_case,
    staff_the_scheme,
)

FAY_MOBILE = "+447700900871"


def morning() -> datetime:
    """Ten this morning: no quiet hours in the way of the invitation. A function, not a
    constant, so a run that passes midnight still books and texts on the same day."""
    return local(0, 10)


async def scheduled(world: World) -> dict[str, Any]:
    """A case ready to schedule, with Fay (lead, who has a mobile) and Otto, and the
    parties free on the evenings three and five days ahead."""
    staff = await staff_the_scheme(world)
    await Facilitator.update({Facilitator.phone: FAY_MOBILE}).where(Facilitator.id == staff["lead"])
    SENSITIVE.add(FAY_MOBILE)
    case_id = await ready_case(world, [(local(3, 18), local(3, 21)), (local(5, 18), local(5, 21))])
    parties = {
        p["role"]: p
        for p in await Party.select(Party.id, Party.role, Party.phone).where(Party.case == case_id)
    }
    return {**staff, "case_id": case_id, "parties": parties}


async def book(world: World, setting: dict[str, Any], start: datetime, now: datetime) -> UUID:
    return await bookings.book(
        world.coordinator.actor,
        setting["case_id"],
        BookingIn(
            start=start, venue_id=setting["venue"], facilitator_ids=[setting["lead"], setting["co"]]
        ),
        now=now,
    )


async def two_days_later(world: World, setting: dict[str, Any], panel_id: UUID, co: UUID) -> None:
    """The panel moved from three evenings ahead to five, with Fay and `co`."""
    await bookings.reschedule(
        world.coordinator.actor,
        panel_id,
        RescheduleIn(
            start=local(5, 18),
            venue_id=setting["venue"],
            facilitator_ids=[setting["lead"], co],
            reason="The venue needs the hall that evening.",
        ),
        now=morning() + timedelta(minutes=5),
    )


async def texts(**where: Any) -> list[dict[str, Any]]:
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    for column, value in where.items():
        query = query.where(getattr(OutboxMessage, column) == value)
    return await query


def by_kind(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["kind"], []).append(row)
    return found


async def test_booking_invites_each_side_for_their_own_arrival_time(world: World) -> None:
    setting = await scheduled(world)
    victim, causer = setting["parties"]["victim"], setting["parties"]["harm_causer"]
    panel_id = await book(world, setting, local(3, 18), morning())

    to_victim = by_kind(await texts(party_id=victim["id"]))
    to_causer = by_kind(await texts(party_id=causer["id"]))
    [invite] = to_victim["invitation"]
    assert invite["to_number"] == victim["phone"]
    assert invite["due_at"] == morning()
    assert invite["status"] == OutboxStatus.queued
    assert invite["panel_id"] == panel_id
    # The person harmed comes at 18:00; the person responsible a quarter of an hour before.
    assert "18:00" in invite["body"]
    assert "17:45" not in invite["body"]
    assert "17:45" in to_causer["invitation"][0]["body"]
    for body in (invite["body"], to_causer["invitation"][0]["body"]):
        assert "YES" in body
        assert "NO" in body
        assert "Millbrook Community Centre" in body
        assert check_safe(body) == []
        assert not [secret for secret in SENSITIVE if secret in body]
    assert {r["due_at"] for r in to_victim["reminder"]} == {
        local(1, 18),  # 48 hours before
        local(3, 16),  # 2 hours before
    }
    assert {r["due_at"] for r in to_causer["reminder"]} == {local(1, 17, 45), local(3, 15, 45)}
    assert all(r["expires_at"] == local(3, 18) for r in to_victim["reminder"])
    invitations = await Invitation.select(Invitation.party, Invitation.status).where(
        Invitation.panel == panel_id
    )
    assert sorted((i["party"], i["status"]) for i in invitations) == sorted(
        [(victim["id"], Attendance.pending), (causer["id"], Attendance.pending)]
    )


async def test_the_lead_facilitator_gets_their_own_text_with_the_case_reference(
    world: World,
) -> None:
    setting = await scheduled(world)
    await book(world, setting, local(3, 18), morning())
    mine = by_kind(await texts(to_number=FAY_MOBILE))
    [booked] = mine["facilitator_booked"]
    assert booked["facilitator_id"] == setting["lead"]
    reference = (await cases.read_case(world.coordinator.actor, setting["case_id"], "t"))[
        "reference"
    ]
    assert reference in booked["body"]
    assert "18:00" in booked["body"]
    assert len(mine["facilitator_reminder"]) == 2
    # Otto has no mobile on his profile: nothing is written for him.
    assert await texts(facilitator_id=setting["co"]) == []


async def test_a_welsh_speaker_is_texted_in_welsh(world: World) -> None:
    setting = await scheduled(world)
    victim = setting["parties"]["victim"]
    await Party.update({Party.language: "cy"}).where(Party.id == victim["id"])
    await book(world, setting, local(3, 18), morning())
    [invite] = by_kind(await texts(party_id=victim["id"]))["invitation"]
    assert invite["language"] == "cy"
    assert "IE" in invite["body"]
    assert "Reply YES" not in invite["body"]


async def test_moving_a_panel_withdraws_what_was_not_sent_and_tells_everyone_again(
    world: World,
) -> None:
    setting = await scheduled(world)
    victim = setting["parties"]["victim"]
    panel_id = await book(world, setting, local(3, 18), morning())
    await two_days_later(world, setting, panel_id, setting["co"])
    to_victim = by_kind(await texts(party_id=victim["id"]))
    assert [r["status"] for r in to_victim["invitation"]] == [OutboxStatus.cancelled]
    assert {r["status"] for r in to_victim["reminder"] if r["due_at"] < local(3, 18)} == {
        OutboxStatus.cancelled
    }
    [moved] = to_victim["rescheduled"]
    assert moved["status"] == OutboxStatus.queued
    assert moved["body"].count("18:00") == 1
    new_reminders = [r for r in to_victim["reminder"] if r["status"] == OutboxStatus.queued]
    assert {r["due_at"] for r in new_reminders} == {local(3, 18), local(5, 16)}
    statuses = await Invitation.select(Invitation.status, Invitation.sequence).where(
        (Invitation.panel == panel_id) & (Invitation.party == victim["id"])
    )
    assert sorted((i["sequence"], i["status"]) for i in statuses) == [
        (0, Attendance.superseded),
        (1, Attendance.pending),
    ]


async def test_a_facilitator_taken_off_a_moved_panel_is_told_and_not_reminded(
    world: World,
) -> None:
    setting = await scheduled(world)
    await Facilitator.update({Facilitator.phone: "+447700900777"}).where(
        Facilitator.id == setting["co"]
    )
    cleo = await add_member(
        "Cleo Facilitator", "cleo@scheme.example", Role.facilitator, world.scheme
    )
    cleo_id = await free_every_evening(cleo, ["co_facilitator"])
    panel_id = await book(world, setting, local(3, 18), morning())
    await two_days_later(world, setting, panel_id, cleo_id)
    to_otto = by_kind(await texts(facilitator_id=setting["co"]))
    [released] = to_otto["facilitator_released"]
    assert released["status"] == OutboxStatus.queued
    assert "no longer on panel NJP-" in released["body"]
    knew = local(3, 18)
    assert f" {knew.day} {knew:%b} at 18:00" in released["body"], "the time they knew"
    assert check_safe(released["body"]) == []
    assert {r["status"] for r in to_otto["facilitator_reminder"]} == {OutboxStatus.cancelled}
    assert "facilitator_rescheduled" not in to_otto


async def test_cancelling_tells_everyone_who_was_invited_and_stops_the_reminders(
    world: World,
) -> None:
    setting = await scheduled(world)
    panel_id = await book(world, setting, local(3, 18), morning())
    await bookings.cancel(world.coordinator.actor, panel_id, "Nobody can make it.", morning())
    rows = await texts(panel_id=panel_id)
    kinds = by_kind(rows)
    assert len(kinds["cancelled"]) == 2
    assert len(kinds["facilitator_cancelled"]) == 1
    assert {r["status"] for r in kinds["reminder"] + kinds["facilitator_reminder"]} == {
        OutboxStatus.cancelled
    }
    assert all(check_safe(r["body"]) == [] for r in rows)
    left = await Invitation.select(Invitation.status).where(Invitation.panel == panel_id)
    assert {i["status"] for i in left} == {Attendance.withdrawn}


async def test_withdrawn_consent_cancels_the_panel_and_says_so(world: World) -> None:
    setting = await scheduled(world)
    victim = setting["parties"]["victim"]
    panel_id = await book(world, setting, local(3, 18), morning())
    await cases.record_consent(
        world.facilitator.actor,
        setting["case_id"],
        victim["id"],
        ConsentIn(decision=ConsentDecision.withdrawn, method=ContactMethod.phone_call),
    )
    kinds = by_kind(await texts(panel_id=panel_id))
    # The other side is told; the person who withdrew has just told us so, and is not
    # texted about a panel they no longer take part in.
    assert [r["party_id"] for r in kinds["cancelled"]] == [setting["parties"]["harm_causer"]["id"]]


async def test_a_number_that_said_stop_is_sent_nothing_when_a_panel_is_booked(
    world: World, twilio: FakeTwilio
) -> None:
    setting = await scheduled(world)
    victim = setting["parties"]["victim"]
    async with write_transaction():
        await outbox.stop(victim["phone"], morning())
    await book(world, setting, local(3, 18), morning())
    to_victim = await texts(party_id=victim["id"])
    assert to_victim
    assert {r["status"] for r in to_victim} == {OutboxStatus.opted_out}
    assert {r["status"] for r in await texts(party_id=setting["parties"]["harm_causer"]["id"])} == {
        OutboxStatus.queued
    }
    # What is due now goes out, through the service's own dispatcher: not to that number.
    sender = messaging.dispatcher(
        replace(
            get_settings(),
            sms_backend="twilio",
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token=twilio.auth_token,
            twilio_from_number="+447700900999",
            twilio_api_base_url=twilio.base_url,
            sms_rate_per_second=0,
        )
    )
    sender.clock = lambda: morning()
    await sender.run_once()
    posted = {form["To"] for form in twilio.messages()}
    assert setting["parties"]["harm_causer"]["phone"] in posted
    assert victim["phone"] not in posted


async def test_someone_who_prefers_a_call_is_not_texted_and_their_facilitator_is_asked(
    world: World,
) -> None:
    setting = await scheduled(world)
    causer = setting["parties"]["harm_causer"]
    await Party.update({Party.contact_preference: "phone_call"}).where(Party.id == causer["id"])
    await book(world, setting, local(3, 18), morning())
    assert await texts(party_id=causer["id"]) == []
    [task] = await Task.select().where(Task.party == causer["id"])
    assert task["kind"] == "tell_party"
    assert task["assignee"] == world.facilitator.actor.id
    events = await CaseEvent.select(CaseEvent.kind).where(CaseEvent.case == setting["case_id"])
    assert "task_raised" in {e["kind"] for e in events}


async def test_a_booking_that_fails_writes_no_texts(world: World) -> None:
    setting = await scheduled(world)
    with pytest.raises(RuleBroken):
        # 23:00 is after the venue closes: the booking is refused, and nothing is queued.
        await book(world, setting, local(3, 23), morning())
    assert await texts() == []


async def test_a_reminder_that_would_fall_in_the_night_goes_the_evening_before(
    world: World, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("NJP_SMS_REMINDER_HOURS", "12")
    get_settings.cache_clear()
    setting = await scheduled(world)
    victim = setting["parties"]["victim"]
    await book(world, setting, local(3, 18), morning())
    [reminder] = by_kind(await texts(party_id=victim["id"]))["reminder"]
    # 12 hours before 18:00 is 06:00, in quiet hours: 19:30 the evening before instead.
    assert reminder["due_at"] == local(2, 19, 30)


async def test_an_invitation_written_at_night_waits_for_the_morning(world: World) -> None:
    setting = await scheduled(world)
    late = local(0, 22)
    await book(world, setting, local(3, 18), late)
    [invite] = by_kind(await texts(party_id=setting["parties"]["victim"]["id"]))["invitation"]
    assert invite["due_at"] == local(1, 9)


async def test_a_text_that_would_carry_a_forbidden_word_is_held_back_and_passed_on(
    world: World,
) -> None:
    setting = await scheduled(world)
    await Venue.update({Venue.name: "Old Police Station Hall"}).where(Venue.id == setting["venue"])
    await book(world, setting, local(3, 18), morning())
    victim = setting["parties"]["victim"]["id"]
    assert await texts(party_id=victim) == []
    tasks = await Task.select(Task.kind, Task.summary).where(Task.party == victim)
    assert [t["kind"] for t in tasks] == ["tell_party"]
    assert "Tell them by phone" in tasks[0]["summary"]

"""Twilio's webhooks: only a request Twilio signed has any effect; a reply is understood
and acted on once however often it is repeated; STOP, START and HELP; a number several
parties share goes to a person; delivery reports never go backwards."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient
from twilio.request_validator import RequestValidator

from notifications.tables import InboundSms, OutboxMessage, OutboxStatus, SmsOptOut
from panels.cases.tables import CaseEvent, Party
from panels.db import write_transaction
from panels.messaging.tables import Attendance, Invitation, SurveyPrompt
from panels.tasks.tables import Task
from tests.panels.messaging.test_texts import book, local, morning, scheduled
from tests.world import World

TOKEN = "test-only-twilio-auth-token"
PUBLIC_URL = "http://127.0.0.1:8000"
SCHEME_NUMBER = "+447700900999"


def sign(path: str, fields: dict[str, str], token: str = TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(PUBLIC_URL + path, fields))


def inbound(phone: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": SCHEME_NUMBER,
        "Body": body,
        "NumMedia": "0",
    }


async def post_signed(
    client: AsyncClient, path: str, fields: dict[str, str], signature: str | None = None
) -> Any:
    headers = {"X-Twilio-Signature": signature if signature is not None else sign(path, fields)}
    return await client.post(path, data=fields, headers=headers)


async def reply(client: AsyncClient, phone: str, body: str, sid: str | None = None) -> str:
    response = await post_signed(client, "/webhooks/twilio/sms", inbound(phone, body, sid))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return str(response.text)


async def invited(world: World) -> dict[str, Any]:
    setting = await scheduled(world)
    setting["panel_id"] = await book(world, setting, local(3, 18), morning())
    return setting


async def attendance(panel_id: UUID, party_id: UUID) -> str:
    row = (
        await Invitation.select(Invitation.status)
        .where((Invitation.panel == panel_id) & (Invitation.party == party_id))
        .order_by(Invitation.id, ascending=False)
        .first()
    )
    assert row is not None
    return str(row["status"])


async def events(case_id: UUID, kind: str) -> list[dict[str, Any]]:
    return await (
        CaseEvent.select()
        .where((CaseEvent.case == case_id) & (CaseEvent.kind == kind))
        .output(load_json=True)
    )


async def test_yes_confirms_attendance_and_answers_in_twiml(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    answer = await reply(client, victim["phone"], " Yes please ")
    assert "<Response><Message>" in answer
    assert "18:00" in answer
    assert await attendance(setting["panel_id"], victim["id"]) == Attendance.confirmed
    [event] = await events(setting["case_id"], "attendance_confirmed")
    assert event["details"]["party_id"] == str(victim["id"])
    # The other side's invitation is untouched.
    causer = setting["parties"]["harm_causer"]
    assert await attendance(setting["panel_id"], causer["id"]) == Attendance.pending


async def test_welsh_ie_confirms(client: AsyncClient, world: World) -> None:
    setting = await invited(world)
    causer = setting["parties"]["harm_causer"]
    await reply(client, causer["phone"], "IE")
    assert await attendance(setting["panel_id"], causer["id"]) == Attendance.confirmed


@pytest.mark.parametrize(
    "tamper",
    ["missing", "wrong", "other_token", "changed_field", "other_url"],
)
async def test_a_request_twilio_did_not_sign_is_refused_and_changes_nothing(
    client: AsyncClient, world: World, tamper: str
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    fields = inbound(victim["phone"], "YES")
    path = "/webhooks/twilio/sms"
    headers: dict[str, str] = {}
    if tamper == "wrong":
        headers["X-Twilio-Signature"] = "bm90IGEgc2lnbmF0dXJl"
    elif tamper == "other_token":
        headers["X-Twilio-Signature"] = sign(path, fields, token="someone-elses-token")
    elif tamper == "changed_field":
        headers["X-Twilio-Signature"] = sign(path, {**fields, "Body": "NO"})
    elif tamper == "other_url":
        headers["X-Twilio-Signature"] = sign("/webhooks/twilio/status", fields)
    response = await client.post(path, data=fields, headers=headers)
    assert response.status_code == 403
    assert await attendance(setting["panel_id"], victim["id"]) == Attendance.pending
    assert await InboundSms.count() == 0
    assert await events(setting["case_id"], "attendance_confirmed") == []


async def test_a_reply_twilio_sends_five_times_has_one_effect(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    sid = "SM" + secrets.token_hex(16)
    answers = {await reply(client, victim["phone"], "NO", sid) for _ in range(5)}
    assert len(answers) == 1  # the same answer each time
    assert await InboundSms.count() == 1
    assert len(await events(setting["case_id"], "attendance_declined")) == 1
    assert await Task.count().where(Task.kind == "rebook") == 1


async def test_the_same_reply_arriving_five_times_at_once_has_one_effect(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    fields = inbound(victim["phone"], "YES")
    answers = await asyncio.gather(
        *(post_signed(client, "/webhooks/twilio/sms", fields) for _ in range(5))
    )
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert await InboundSms.count() == 1
    assert len(await events(setting["case_id"], "attendance_confirmed")) == 1


async def test_no_declines_and_asks_the_facilitator_to_rebook(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    await reply(client, victim["phone"], "can\u2019t")  # a phone's curly apostrophe
    assert await attendance(setting["panel_id"], victim["id"]) == Attendance.declined
    [task] = await Task.select().where(Task.case == setting["case_id"])
    assert (task["kind"], task["party"], task["assignee"]) == (
        "rebook",
        victim["id"],
        world.facilitator.actor.id,
    )
    # No reminder goes to someone who said they cannot come; the other side's still do.
    reminders = await OutboxMessage.select(OutboxMessage.party_id, OutboxMessage.status).where(
        OutboxMessage.kind == "reminder"
    )
    assert {r["status"] for r in reminders if r["party_id"] == victim["id"]} == {
        OutboxStatus.cancelled
    }
    assert {r["status"] for r in reminders if r["party_id"] != victim["id"]} == {
        OutboxStatus.queued
    }


async def test_change_asks_the_facilitator_to_rearrange(client: AsyncClient, world: World) -> None:
    setting = await invited(world)
    causer = setting["parties"]["harm_causer"]
    await reply(client, causer["phone"], "RESCHEDULE")
    assert await attendance(setting["panel_id"], causer["id"]) == Attendance.change_requested
    assert await Task.count().where(Task.kind == "change_time") == 1


async def test_stop_ends_texts_to_the_number_and_start_brings_them_back(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    answer = await reply(client, victim["phone"], "STOP")
    assert "START" in answer
    assert await SmsOptOut.exists().where(SmsOptOut.phone == victim["phone"])
    waiting = await OutboxMessage.select(OutboxMessage.status).where(
        OutboxMessage.party_id == victim["id"]
    )
    assert {w["status"] for w in waiting} == {OutboxStatus.opted_out}
    assert len(await events(setting["case_id"], "texts_stopped")) == 1
    await reply(client, victim["phone"], "start")
    assert not await SmsOptOut.exists().where(SmsOptOut.phone == victim["phone"])


async def test_help_gives_the_schemes_phone(client: AsyncClient, world: World) -> None:
    setting = await invited(world)
    answer = await reply(client, setting["parties"]["victim"]["phone"], "HELP")
    assert "Neighbourhood Justice Panel" in answer


async def test_a_reply_nobody_can_understand_goes_to_a_person_with_a_kind_answer(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    answer = await reply(client, victim["phone"], "who is this? what meeting?")
    assert "<Message>" in answer
    assert await attendance(setting["panel_id"], victim["id"]) == Attendance.pending
    [task] = await Task.select().where(Task.kind == "read_reply")
    assert task["case"] == setting["case_id"]
    [stored] = await InboundSms.select()
    assert (stored["intent"], stored["case_id"], stored["party_id"]) == (
        "unknown",
        setting["case_id"],
        victim["id"],
    )


async def test_a_number_two_invited_parties_share_goes_to_a_person(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim, causer = setting["parties"]["victim"], setting["parties"]["harm_causer"]
    # Two people in one household, one phone: a YES cannot say whose.
    await Party.update({Party.phone: victim["phone"]}).where(Party.id == causer["id"])
    await reply(client, victim["phone"], "YES")
    assert await attendance(setting["panel_id"], victim["id"]) == Attendance.pending
    assert await attendance(setting["panel_id"], causer["id"]) == Attendance.pending
    assert await Task.count().where(Task.kind == "read_reply") == 1


async def test_a_digit_answers_the_survey_question_waiting_for_it(
    client: AsyncClient, world: World
) -> None:
    setting = await invited(world)
    victim = setting["parties"]["victim"]
    async with write_transaction():
        await SurveyPrompt.insert(
            SurveyPrompt(case=setting["case_id"], party=victim["id"], question="felt_heard")
        )
    await reply(client, victim["phone"], "4")
    [prompt] = await SurveyPrompt.select()
    assert prompt["answer"] == 4
    # A digit with no question waiting is just a text a person reads.
    await reply(client, victim["phone"], "5")
    assert (await SurveyPrompt.select())[0]["answer"] == 4
    assert await Task.count().where(Task.kind == "read_reply") == 1


async def status(client: AsyncClient, sid: str, state: str, code: str = "") -> int:
    fields = {"MessageSid": sid, "MessageStatus": state, "AccountSid": "AC" + "0" * 32}
    if code:
        fields["ErrorCode"] = code
    response = await post_signed(client, "/webhooks/twilio/status", fields)
    return int(response.status_code)


async def a_sent_text(world: World) -> tuple[dict[str, Any], str]:
    setting = await invited(world)
    sid = "SM" + secrets.token_hex(16)
    victim = setting["parties"]["victim"]
    row = (
        await OutboxMessage.select(OutboxMessage.id)
        .where((OutboxMessage.party_id == victim["id"]) & (OutboxMessage.kind == "invitation"))
        .first()
    )
    assert row is not None
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.sent,
            OutboxMessage.provider_sid: sid,
            OutboxMessage.delivery_status: "queued",
        }
    ).where(OutboxMessage.id == row["id"])
    return setting, sid


async def delivery(sid: str) -> str | None:
    row = (
        await OutboxMessage.select(OutboxMessage.delivery_status)
        .where(OutboxMessage.provider_sid == sid)
        .first()
    )
    assert row is not None
    return row["delivery_status"]  # type: ignore[no-any-return]


async def test_delivery_reports_out_of_order_never_move_the_status_back(
    client: AsyncClient, world: World
) -> None:
    _, sid = await a_sent_text(world)
    assert await status(client, sid, "delivered") == 204
    assert await status(client, sid, "sent") == 204
    assert await status(client, sid, "sending") == 204
    assert await delivery(sid) == "delivered"
    assert await Task.count() == 0


async def test_undelivered_asks_the_facilitator_to_call(client: AsyncClient, world: World) -> None:
    setting, sid = await a_sent_text(world)
    assert await status(client, sid, "sent") == 204
    assert await status(client, sid, "undelivered", "30005") == 204
    assert await status(client, sid, "undelivered", "30005") == 204  # repeated
    assert await delivery(sid) == "undelivered"
    [task] = await Task.select().where(Task.case == setting["case_id"])
    assert (task["kind"], task["party"]) == ("call_party", setting["parties"]["victim"]["id"])
    assert len(await events(setting["case_id"], "text_not_delivered")) == 1


async def test_an_unsigned_delivery_report_changes_nothing(
    client: AsyncClient, world: World
) -> None:
    _, sid = await a_sent_text(world)
    fields = {"MessageSid": sid, "MessageStatus": "failed"}
    response = await client.post("/webhooks/twilio/status", data=fields)
    assert response.status_code == 403
    assert await delivery(sid) == "queued"

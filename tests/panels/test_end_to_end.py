"""A case from start to finish through the API, the Twilio webhooks and the token pages:
referral, consent, booking, YES by text, the panel held, an agreement with reparation,
the supervisor's hours, feedback by text, and closing as completed. The referrer sees
the status, the outcome and how the person harmed rated it, and nothing more.

Time passes twice: the panel's evening and the session's morning are moved into the
past in the database once the booking is made, since nothing can be recorded before it
happens."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from notifications.tables import OutboxMessage
from panels import follow_up
from panels.bookings.tables import Panel
from panels.clock import utc_now
from panels.feedback import service as feedback
from panels.feedback.tables import Survey
from panels.messaging import service as messaging
from panels.reparation.tables import Placement, ReparationSession
from panels.settings import get_settings
from tests.panels.cases.test_telling import mail_to
from tests.panels.messaging.test_texts import local
from tests.panels.messaging.test_webhooks import reply
from tests.smtp_fake import FakeSmtp
from tests.twilio_fake import FakeTwilio
from tests.world import SENSITIVE, World, referral, staff_the_scheme


async def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def send_what_is_due(twilio: FakeTwilio, now: datetime) -> list[dict[str, str]]:
    """The service's own dispatcher, pointed at the fake Twilio, sends what is due."""
    sender = messaging.dispatcher(
        replace(
            get_settings(),
            sms_backend="twilio",
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token=twilio.auth_token,
            twilio_from_number="+447700900999",
            twilio_api_base_url=twilio.base_url,
            sms_rate_per_second=0,
            sms_quiet_start=get_settings().sms_quiet_end,  # no quiet hours in this story
        )
    )
    sender.clock = lambda: now
    while await sender.run_once():
        pass
    return twilio.messages()


async def move_into_the_past(table: Any, row_id: Any, columns: list[Any], by: timedelta) -> None:
    row = await table.select(*columns).where(table.id == row_id).first()
    await table.update({column: row[column._meta.name] - by for column in columns}).where(
        table.id == row_id
    )


async def test_a_case_from_referral_to_completed(
    client: AsyncClient,
    world: World,
    twilio: FakeTwilio,
    smtp: FakeSmtp,
    settings_env: pytest.MonkeyPatch,
) -> None:
    coordinator, facilitator, referrer = (
        world.coordinator.headers,
        world.facilitator.headers,
        world.referrer.headers,
    )
    await staff_the_scheme(world)

    # A police officer refers the case.
    case = await ok(await client.post("/api/v1/cases", json=referral(), headers=referrer), 201)
    case_id = case["id"]
    await ok(
        await client.post(
            f"/api/v1/cases/{case_id}/transitions",
            json={"to": "accepted", "lead_facilitator_id": str(world.facilitator.actor.id)},
            headers=coordinator,
        ),
        201,
    )
    detail = await ok(await client.get(f"/api/v1/cases/{case_id}", headers=facilitator))
    people = {p["role"]: p for p in detail["parties"]}

    # The lead facilitator makes contact, gathers consent, the admission and good times.
    windows = [{"start": local(3, 18).isoformat(), "end": local(3, 21).isoformat()}]
    for person in people.values():
        base = f"/api/v1/cases/{case_id}/parties/{person['id']}"
        await ok(
            await client.post(
                f"{base}/contact-attempts",
                json={
                    "attempted_at": utc_now().isoformat(),
                    "method": "phone_call",
                    "outcome": "spoke",
                },
                headers=facilitator,
            ),
            201,
        )
        await ok(
            await client.put(f"{base}/availability", json={"windows": windows}, headers=facilitator)
        )
        await ok(
            await client.post(
                f"{base}/consent",
                json={"decision": "given", "method": "phone_call"},
                headers=facilitator,
            ),
            201,
        )
    await ok(
        await client.post(
            f"/api/v1/cases/{case_id}/parties/{people['harm_causer']['id']}/admission",
            json={"admits": True, "method": "in_person"},
            headers=facilitator,
        ),
        201,
    )
    # With every consent and the admission recorded, the case is ready to schedule.
    assert (await ok(await client.get(f"/api/v1/cases/{case_id}", headers=facilitator)))[
        "status"
    ] == "ready_to_schedule"

    # A time is suggested and booked; everyone is invited by text.
    options = await ok(
        await client.get(f"/api/v1/cases/{case_id}/slot-suggestions", headers=facilitator)
    )
    option = options["options"][0]
    panel = await ok(
        await client.post(
            f"/api/v1/cases/{case_id}/panels",
            json={
                "start": option["start"],
                "venue_id": option["venue"]["id"],
                "facilitator_ids": [f["id"] for f in option["facilitators"]],
            },
            headers=facilitator,
        ),
        201,
    )
    # Written at night, they wait for the morning: twelve hours on, they have gone.
    sent = await send_what_is_due(twilio, utc_now() + timedelta(hours=12))
    phones = {role: people[role]["phone"] for role in ("victim", "harm_causer")}
    assert {form["To"] for form in sent} >= set(phones.values())

    # Both reply YES.
    for phone in phones.values():
        assert "confirmed" in await reply(client, phone, "YES")
    assert "confirmed" in str(
        await ok(await client.get(f"/api/v1/cases/{case_id}/timeline", headers=facilitator))
    )

    # The evening comes: the panel is held and agrees an apology and three hours'
    # reparation.
    await move_into_the_past(
        Panel,
        UUID(panel["id"]),
        [Panel.starts_at, Panel.ends_at, Panel.victim_arrives_at, Panel.harm_causer_arrives_at],
        timedelta(days=4),
    )
    deadline = (utc_now() + timedelta(days=30)).date().isoformat()
    await ok(
        await client.post(
            f"/api/v1/panels/{panel['id']}/record",
            json={
                "result": "held",
                "notes": "Calm; both want the fence mended together.",
                "attendance": [
                    {"party_id": p["id"], "attended": True, "agrees": True} for p in people.values()
                ],
                "actions": [
                    {
                        "kind": "spoken_apology",
                        "owner_party_id": people["harm_causer"]["id"],
                        "description": "Said sorry at the panel, face to face.",
                        "deadline": deadline,
                    },
                    {
                        "kind": "reparation_hours",
                        "owner_party_id": people["harm_causer"]["id"],
                        "description": "Three hours at the food bank.",
                        "deadline": deadline,
                        "hours": 3,
                        "task_type": "food bank",
                    },
                ],
            },
            headers=facilitator,
        ),
        204,
    )
    agreement = await ok(
        await client.get(f"/api/v1/cases/{case_id}/agreement", headers=facilitator)
    )
    apology, hours = agreement["actions"]
    await ok(
        await client.patch(
            f"/api/v1/agreement-actions/{apology['id']}",
            json={"status": "done"},
            headers=facilitator,
        ),
        204,
    )

    # The food bank runs a session; the person responsible is booked into it.
    provider = await ok(
        await client.post(
            "/api/v1/reparation/providers",
            json={
                "name": "Millbrook Food Bank",
                "kind": "food_bank",
                "address": "2 Mill Lane",
                "area": "Millbrook",
            },
            headers=coordinator,
        ),
        201,
    )
    [session] = await ok(
        await client.post(
            f"/api/v1/reparation/providers/{provider['id']}/sessions",
            json={
                "first_day": (utc_now() + timedelta(days=2)).date().isoformat(),
                "starts": "10:00",
                "minutes": 180,
                "capacity": 4,
                "supervisor_name": "Sam Supervisor",
            },
            headers=coordinator,
        ),
        201,
    )
    await ok(
        await client.post(
            f"/api/v1/cases/{case_id}/reparation/placements",
            json={"session_id": session["id"], "action_id": hours["id"]},
            headers=facilitator,
        ),
        201,
    )

    # The session's morning comes; the supervisor records three hours on their page.
    await move_into_the_past(
        ReparationSession,
        UUID(session["id"]),
        [ReparationSession.starts_at, ReparationSession.ends_at],
        timedelta(days=3),
    )
    async with AsyncClient(
        transport=client._transport, base_url=str(client.base_url)
    ) as supervisor:
        sheet = await supervisor.get(f"/r/{session['link']}")
        assert sheet.status_code == 200
        [booked] = await Placement.select(Placement.id)
        placement = f"p{booked['id']}"
        saved = await supervisor.post(
            f"/r/{session['link']}",
            data={
                placement: "came",
                f"{placement}-hours": "3",
                "_csrf_token": supervisor.cookies["csrftoken"],
            },
        )
        assert "Attendance saved" in saved.text, saved.text[:500]
    agreement = await ok(
        await client.get(f"/api/v1/cases/{case_id}/agreement", headers=facilitator)
    )
    assert {a["status"] for a in agreement["actions"]} == {"done"}

    # The day after the panel the person harmed is asked three questions by text.
    surveys = await Survey.select().where(Survey.kind == "after_panel")
    due = max(s["due_at"] for s in surveys)
    await feedback.send_due_surveys(now=due)
    await send_what_is_due(twilio, due)
    for answer in ("5", "4", "5"):
        await reply(client, phones["victim"], answer)
    [done] = await Survey.select(Survey.completed_at).where(Survey.kind == "after_panel")
    assert done["completed_at"] is not None

    # The coordinator closes the case as completed; the scheme emails its referrers.
    mail_to(settings_env, smtp)
    await ok(
        await client.post(
            f"/api/v1/cases/{case_id}/transitions",
            json={"to": "closed", "outcome": "completed", "reason": "Everything agreed was done."},
            headers=coordinator,
        ),
        201,
    )

    # The referrer is emailed, and sees completed and how the person harmed rated it, and
    # nothing more.
    assert await follow_up.send_mail() == 1
    [told] = smtp.messages
    assert told["To"] == world.referrer.actor.email
    assert "Outcome: Completed" in told.get_content()
    seen = await client.get(f"/api/v1/cases/{case_id}", headers=referrer)
    summary = await ok(seen)
    assert (summary["status"], summary["outcome"], summary["satisfaction"]) == (
        "closed",
        "completed",
        4.7,
    )
    assert "parties" not in summary
    assert "summary" not in summary
    assert not [secret for secret in SENSITIVE if secret in seen.text]
    assert "fence mended" not in seen.text
    timeline = await ok(await client.get(f"/api/v1/cases/{case_id}/timeline", headers=referrer))
    assert all(set(entry) == {"at", "from_status", "to_status"} for entry in timeline)
    assert (
        await client.get(f"/api/v1/cases/{case_id}/agreement", headers=referrer)
    ).status_code == 403
    # Every text the story sent obeyed the rules.
    bodies = [row["body"] for row in await OutboxMessage.select(OutboxMessage.body)]
    assert bodies
    assert not [b for b in bodies for word in ("victim", "offender", "harm") if word in b.lower()]

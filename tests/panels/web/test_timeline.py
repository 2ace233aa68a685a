"""The case page's timeline in words: one case's whole life, from referral through a
moved panel, replies by text, the agreement, reparation and the breach protocol, and
feedback, puts every kind of event the service records into a plain sentence, names
people only from the case, and leaves out what staff typed as a reason."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from uuid import UUID

from httpx import AsyncClient
from markupsafe import escape

from notifications.tables import OutboxMessage, OutboxStatus
from panels.bookings import service as bookings
from panels.bookings.schemas import RescheduleIn
from panels.cases import service as cases
from panels.cases.schemas import ContactAttemptIn
from panels.cases.tables import ContactMethod, ContactOutcome, Party
from panels.clock import utc_now
from panels.feedback import service as feedback
from panels.feedback.service import QUESTIONS
from panels.feedback.tables import SurveyKind
from panels.messaging import service as messaging
from panels.outcomes import compliance
from panels.outcomes import service as outcomes
from panels.outcomes.schemas import ActionChange, PanelRecordIn
from panels.outcomes.tables import ActionStatus, AgreementAction
from panels.reparation import service as reparation
from panels.reparation.schemas import AttendanceRecord
from panels.tasks import service as tasks
from panels.tasks.tables import Task
from panels.web import timeline
from panels.web.rendering import day_and_time
from tests.panels.feedback.test_surveys import token_in
from tests.panels.messaging.test_texts import book, local, morning, scheduled
from tests.panels.outcomes.test_outcomes import actions, both_came
from tests.panels.reparation.test_reparation import during, food_bank_sessions, place
from tests.panels.web.test_page_protection import signed_in
from tests.world import World, party_in

# What staff typed as reasons: free text that may name anyone, so never on the timeline.
REASONS = [
    "The hall is flooded.",
    "Fay is unwell that evening.",
    "Spoke to Sam on Friday.",
    "Sam was in hospital with Pat.",
    "Sam starts work at Tesco that week.",
]


def sid() -> str:
    return "SM" + secrets.token_hex(16)


async def a_text_to(party_id: UUID, kind: str) -> str:
    """The newest text of this kind to them, as sent; its provider id."""
    row = (
        await OutboxMessage.select(OutboxMessage.id)
        .where((OutboxMessage.party_id == party_id) & (OutboxMessage.kind == kind))
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    assert row is not None
    sent = sid()
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.sent,
            OutboxMessage.provider_sid: sent,
            OutboxMessage.delivery_status: "queued",
        }
    ).where(OutboxMessage.id == row["id"])
    return sent


async def action_of(case_id: UUID, kind: str) -> int:
    row = (
        await AgreementAction.select(AgreementAction.id)
        .where((AgreementAction.case == case_id) & (AgreementAction.kind == kind))
        .first()
    )
    assert row is not None
    return int(row["id"])


async def a_whole_case(world: World) -> dict[str, Any]:
    """Referred, made ready and booked; the panel cancelled, booked again and moved; the
    texts answered (yes, change, no, STOP and START) and one not delivered; the panel
    held with an agreement; the feedback answered by text and online; reparation booked,
    worked once and missed twice; a task done; a coordinator's decision; an apology
    done; and, late on, a contact attempt and a supporter added."""
    coordinator, facilitator = world.coordinator.actor, world.facilitator.actor
    setting = await scheduled(world)
    case_id = setting["case_id"]
    victim, causer = setting["parties"]["victim"], setting["parties"]["harm_causer"]
    setting["victim"], setting["causer"] = victim["id"], causer["id"]

    first = await book(world, setting, local(3, 18), morning())
    await bookings.cancel(coordinator, first, REASONS[0], morning() + timedelta(minutes=1))
    panel_id = await book(world, setting, local(3, 18), morning() + timedelta(minutes=2))
    await bookings.reschedule(
        coordinator,
        panel_id,
        RescheduleIn(
            start=local(5, 18),
            venue_id=setting["venue"],
            facilitator_ids=[setting["lead"], setting["co"]],
            reason=REASONS[1],
        ),
        now=morning() + timedelta(minutes=3),
    )

    soon = morning() + timedelta(hours=1)
    for phone, words in (
        (victim["phone"], "Yes"),
        (causer["phone"], "Can we change the time"),
        (causer["phone"], "No"),
        (causer["phone"], "STOP"),
        (causer["phone"], "START"),
    ):
        await messaging.handle_reply(sid(), phone, words, soon)
    await messaging.handle_status(
        await a_text_to(victim["id"], "rescheduled"), "undelivered", 30005, soon
    )

    after = local(5, 20)
    await outcomes.record_panel(
        facilitator,
        panel_id,
        PanelRecordIn.model_validate(
            {"result": "held", "attendance": both_came(setting), "actions": actions(setting)}
        ),
        now=after,
    )

    morning_after = local(6, 10)
    await feedback.send_due_surveys(morning_after)
    link = (
        await OutboxMessage.select(OutboxMessage.body)
        .where((OutboxMessage.party_id == victim["id"]) & (OutboxMessage.kind == "survey_link"))
        .first()
    )
    assert link is not None
    await messaging.handle_reply(sid(), victim["phone"], "4", morning_after + timedelta(hours=1))
    await feedback.answer_by_link(
        token_in(link["body"]),
        {q.key: 4 for q in QUESTIONS[SurveyKind.after_panel]},
        "",
        now=morning_after + timedelta(hours=2),
    )

    setting["action_id"] = await action_of(case_id, "reparation_hours")
    later = await food_bank_sessions(world)
    sessions = later[:3]
    placements = [await place(world, setting, session) for session in sessions]
    await reparation.record_by_supervisor(
        sessions[0]["link"],
        [AttendanceRecord(placement_id=placements[0], attended=True, minutes=150)],
        now=during(sessions[0]),
    )
    for session, placement in list(zip(sessions, placements, strict=True))[1:]:
        await reparation.record_by_staff(
            facilitator,
            session["id"],
            [AttendanceRecord(placement_id=placement, attended=False, absence_reason="")],
            now=during(session),
        )
    call = await Task.select(Task.id).where(Task.kind == "call_party").first()
    assert call is not None
    await tasks.mark_done(facilitator, call["id"])
    await compliance.decide(coordinator, case_id, "carry_on", REASONS[2])
    await reparation.accept_absence(facilitator, case_id, placements[1], REASONS[3])
    # A later session: they say they will come, then staff cancel it; another they turn down.
    fourth = await place(world, setting, later[3])
    await messaging.handle_reply(sid(), causer["phone"], "Yes", utc_now())
    await reparation.cancel_placement(facilitator, case_id, fourth, REASONS[4])
    await place(world, setting, later[4])
    await messaging.handle_reply(sid(), causer["phone"], "No", utc_now())
    await outcomes.change_action(
        facilitator,
        await action_of(case_id, "written_apology"),
        ActionChange(status=ActionStatus.done),
    )

    await cases.record_contact_attempt(
        facilitator,
        case_id,
        causer["id"],
        ContactAttemptIn(
            attempted_at=utc_now(), method=ContactMethod.phone_call, outcome=ContactOutcome.spoke
        ),
    )
    await cases.add_party(coordinator, case_id, party_in("supporter"))
    names = await Party.select(Party.role, Party.name).where(Party.case == case_id)
    return {**setting, "names": {row["role"]: row["name"] for row in names}}


async def test_every_event_a_case_records_is_put_into_words_on_its_page(
    client: AsyncClient, world: World
) -> None:
    setting = await a_whole_case(world)
    case_id = setting["case_id"]
    case = await cases.read_case(world.facilitator.actor, case_id, "tests")
    events = await cases.case_timeline(world.facilitator.actor, case_id, "tests")
    said = [(str(event["kind"]), timeline.describe(event, case)) for event in events]

    recorded = {kind for kind, _ in said}
    assert sorted(recorded - set(timeline.SENTENCES)) == [], "events recorded with no words"
    assert sorted(set(timeline.SENTENCES) - recorded) == [], "words for events never recorded"
    sentences = [sentence for _, sentence in said]
    assert not [s for s in sentences if "someone" in s], "every person named from the case"
    assert not [s for s in sentences for r in REASONS if r.rstrip(".") in s]

    causer = f"{setting['names']['harm_causer']} (person responsible)"
    victim = f"{setting['names']['victim']} (person harmed)"
    for expected in [
        f"Panel booked for {day_and_time(local(3, 18))} by Cora Coordinator",
        "Panel cancelled by Cora Coordinator",
        f"Panel moved to {day_and_time(local(5, 18))} by Cora Coordinator",
        f"{victim} replied by text that they will come to the panel",
        f"{causer} asked by text to change the time of the panel",
        f"{causer} replied by text that they cannot come to the panel",
        f"{causer} replied STOP: no more texts go to their number",
        f"{causer} replied START: texts go to their number again",
        f"A text to {victim} was not delivered (the panel's new time)",
        f"A task for staff about {victim}: call them",
        f"A task for staff about {causer}: find another time with them",
        "Panel recorded by Fay Facilitator: held, 2 of 2 people came",
        f"Agreed with {causer}: a written apology. Recorded by Fay Facilitator",
        f"Agreed with {causer}: hours of work to put things right (10 hours)."
        " Recorded by Fay Facilitator",
        f"{victim} answered a feedback question by text",
        f"{victim} finished the feedback survey after the panel, online",
        "Booked into a reparation session by Fay Facilitator",
        "Came to a reparation session and worked 2.5 hours. Recorded by the session's supervisor",
        "Missed a reparation session. Recorded by Fay Facilitator",
        "Part of the agreement missed (1 so far): a call to the person responsible is due",
        "Parts of the agreement missed 2 times: a coordinator is asked to decide what happens next",
        "Task done by Fay Facilitator: call them",
        "After the missed parts of the agreement, Cora Coordinator chose to carry on with"
        " the agreement",
        "Part of the agreement marked done by Fay Facilitator",
        "Fay Facilitator accepted the reason for a missed reparation session;"
        " it no longer counts as a miss",
        f"{causer} replied by text that they will come to their reparation session",
        "A place in a reparation session was cancelled by Fay Facilitator",
        f"{causer} replied by text that they cannot come to their reparation session;"
        " the place was given up",
        f"Contact attempt with {causer} by phone call: spoke to them. Recorded by Fay Facilitator",
    ]:
        assert expected in sentences, f"{expected!r} not among {sentences}"

    await signed_in(client, "fay@scheme.example")
    page = await client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    shown = page.text.split('id="timeline"', 1)[1]
    assert not [s for s in sentences if str(escape(s)) not in shown]

"""Texting the people of a case: invitations, reminders and notices when a panel is
booked, moved or cancelled (written to the outbox in the booking's own transaction),
replies understood and acted on, delivery reports, and what each party was sent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from notifications import outbox
from notifications.dispatcher import Dispatcher, Policy
from notifications.gateway import ConsoleGateway, Gateway, TwilioGateway, masked
from notifications.outbox import NOT_DELIVERED, Text
from notifications.replies import Intent, Understood, understand
from notifications.tables import InboundSms, OutboxMessage, OutboxStatus, SmsOptOut
from notifications.templates import Details, MessageKind, render
from notifications.timing import Backoff
from panels.bookings.tables import NoticeKind, Panel, PanelFacilitator, PanelNotice, PanelStatus
from panels.cases import audit
from panels.cases.tables import Case, Consent, ConsentDecision, Party, PartyRole
from panels.clock import utc_now
from panels.db import write_transaction
from panels.facilitators.tables import Facilitator
from panels.feedback import service as feedback
from panels.messaging import texting
from panels.messaging.tables import ANSWERABLE, Attendance, Invitation, SurveyPrompt
from panels.messaging.texting import textable
from panels.outcomes.tables import PanelRecord
from panels.reparation.tables import Placement, PlacementStatus
from panels.settings import Settings, get_settings
from panels.tasks.service import raise_task
from panels.tasks.tables import TaskKind
from panels.venues.tables import Venue

log = logging.getLogger("njp.sms")

# A survey question waits this long for its answer; a digit after that is just a text.
SURVEY_ANSWER_DAYS = 14

_PARTY_KIND = {
    NoticeKind.panel_booked: MessageKind.invitation,
    NoticeKind.panel_rescheduled: MessageKind.rescheduled,
    NoticeKind.panel_cancelled: MessageKind.cancelled,
}
_FACILITATOR_KIND = {
    NoticeKind.panel_booked: MessageKind.facilitator_booked,
    NoticeKind.panel_rescheduled: MessageKind.facilitator_rescheduled,
    NoticeKind.panel_cancelled: MessageKind.facilitator_cancelled,
}


# Configuration ---------------------------------------------------------------------------


def gateway(settings: Settings) -> Gateway:
    if settings.sms_backend == "twilio":
        return TwilioGateway(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            api_base_url=settings.twilio_api_base_url,
            # Far inside a claim's lease, so a slow send is never taken over mid-flight.
            timeout_seconds=min(10.0, settings.sms_lease_seconds / 4),
        )
    return ConsoleGateway()


def dispatcher(settings: Settings | None = None, *, name: str | None = None) -> Dispatcher:
    settings = settings or get_settings()
    sender = settings.twilio_messaging_service_sid or settings.twilio_from_number or "console"
    return Dispatcher(
        gateway(settings),
        write_transaction,
        policy=Policy(
            rate_per_second=settings.sms_rate_per_second,
            quiet=texting.quiet_hours(settings),
            backoff=Backoff(),
            lease=timedelta(seconds=settings.sms_lease_seconds),
            sender=sender,
        ),
        status_callback=(
            f"{settings.public_url}/webhooks/twilio/status"
            if settings.sms_backend == "twilio"
            else None
        ),
        on_failed=_could_not_text,
        name=name,
        clock=utc_now,
    )


def _details(settings: Settings, **fields: Any) -> Details:
    return Details(scheme_name=settings.scheme_name, scheme_phone=settings.scheme_phone, **fields)


# Telling people about a panel --------------------------------------------------------------


def _arrival(panel: dict[str, Any], party: dict[str, Any], young_harm_causer: bool) -> datetime:
    """When this person should arrive: the person responsible (and a young one's guardian)
    first, everyone else at the later time, so the two sides do not meet at the door."""
    role = PartyRole(party["role"])
    early = role is PartyRole.harm_causer or (role is PartyRole.guardian and young_harm_causer)
    arrives: datetime = panel["harm_causer_arrives_at" if early else "victim_arrives_at"]
    return arrives


async def _consented_parties(case_id: UUID) -> list[dict[str, Any]]:
    parties = await Party.select(
        Party.id,
        Party.role,
        Party.phone,
        Party.language,
        Party.contact_preference,
        Party.young_person,
    ).where(Party.case == case_id)
    consents = (
        await Consent.select(Consent.party, Consent.decision)
        .where(Consent.case == case_id)
        .order_by(Consent.id)
    )
    latest = {row["party"]: row["decision"] for row in consents}
    return [p for p in parties if latest.get(p["id"]) == ConsentDecision.given]


async def _write(text: Text, settings: Settings, now: datetime) -> None:
    """The last guard on what a text says: one that would carry a forbidden word (from a
    venue's name, say) is not written, and a person is asked to pass it on instead."""

    async def pass_it_on() -> None:
        if text.case_id and text.party_id:
            await raise_task(
                text.case_id,
                TaskKind.tell_party,
                "A text about the panel was not sent because the venue's details contain "
                "words a text must not carry. Tell them by phone.",
                now,
                party_id=text.party_id,
            )

    await texting.write(text, settings, held_back=pass_it_on)


async def panel_changed(notice_kind: NoticeKind, panel_id: UUID, now: datetime) -> None:
    """Inside the transaction that booked, moved or cancelled the panel: the texts that
    tell each consenting party and each facilitator, and the reminders; texts about the
    panel's old time that have not gone are withdrawn."""
    settings = get_settings()
    panel = await Panel.select().where(Panel.id == panel_id).first()
    assert panel is not None
    case_id = panel["case"]
    sequence = panel["sequence"]
    venue = await Venue.select(Venue.name, Venue.address).where(Venue.id == panel["venue"]).first()
    case = await Case.select(Case.reference).where(Case.id == case_id).first()
    assert venue is not None
    assert case is not None
    await outbox.withdraw(now, panel_id=panel_id)
    # The invitation in force is replaced (moved) or ends (cancelled).
    earlier = await Invitation.select(Invitation.party).where(
        (Invitation.panel == panel_id) & Invitation.status.is_in(list(ANSWERABLE))
    )
    told_before = {row["party"] for row in earlier}
    await Invitation.update(
        {
            Invitation.status: Attendance.withdrawn
            if notice_kind is NoticeKind.panel_cancelled
            else Attendance.superseded
        }
    ).where((Invitation.panel == panel_id) & Invitation.status.is_in(list(ANSWERABLE)))

    parties = await _consented_parties(case_id)
    if notice_kind is NoticeKind.panel_cancelled:
        parties = [p for p in parties if p["id"] in told_before]
    young_harm_causer = any(
        p["role"] == PartyRole.harm_causer and p["young_person"] for p in parties
    )
    kind = _PARTY_KIND[notice_kind]
    for party in parties:
        arrival = _arrival(panel, party, young_harm_causer)
        if not textable(party):
            what = "about the panel" + (" being cancelled." if kind == "cancelled" else ".")
            await _tell_by_hand(case_id, party["id"], what, now)
            continue
        if notice_kind is not NoticeKind.panel_cancelled:
            await Invitation.insert(
                Invitation(
                    case=case_id,
                    panel=panel_id,
                    party=party["id"],
                    sequence=sequence,
                    created_at=now,
                )
            )
        details = _details(
            settings, when=arrival, venue_name=venue["name"], venue_address=venue["address"]
        )
        language = party["language"]
        key = f"panel:{panel_id}:{sequence}:party:{party['id']}"
        await _write(
            Text(
                to=party["phone"],
                body=render(kind, language, details),
                kind=kind.value,
                language=language,
                due_at=now,
                expires_at=arrival,
                case_id=case_id,
                party_id=party["id"],
                panel_id=panel_id,
                dedupe_key=f"{key}:{kind.value}",
            ),
            settings,
            now,
        )
        if notice_kind is not NoticeKind.panel_cancelled:
            await _reminders(
                settings,
                now,
                arrival,
                key,
                details,
                language,
                MessageKind.reminder,
                to=party["phone"],
                case_id=case_id,
                panel_id=panel_id,
                party_id=party["id"],
            )
    await _tell_facilitators(settings, notice_kind, panel, case["reference"], venue, now)
    await PanelNotice.update({PanelNotice.handled_at: now}).where(
        (PanelNotice.panel == panel_id)
        & (PanelNotice.sequence == sequence)
        & PanelNotice.handled_at.is_null()
    )


async def _tell_by_hand(case_id: UUID, party_id: UUID, what: str, now: datetime) -> None:
    """Someone who cannot be texted: a task for a person to tell them `what`."""
    await raise_task(
        case_id,
        TaskKind.tell_party,
        f"They cannot be texted (no mobile number, or they prefer another way). Tell them {what}",
        now,
        party_id=party_id,
    )


async def _reminders(
    settings: Settings,
    now: datetime,
    arrival: datetime,
    key: str,
    details: Details,
    language: str,
    kind: MessageKind,
    **who: Any,
) -> None:
    """Reminders a set number of hours before; one that would fall in quiet hours goes
    the evening before instead (earlier, never later), and one already past is skipped."""
    quiet = texting.quiet_hours(settings)
    for hours in settings.sms_reminder_hours:
        due = quiet.latest_before(arrival - timedelta(hours=hours))
        if due <= now:
            continue
        await _write(
            Text(
                to=who["to"],
                body=render(kind, language, details),
                kind=kind.value,
                language=language,
                due_at=due,
                expires_at=arrival,
                case_id=who["case_id"],
                party_id=who.get("party_id"),
                panel_id=who.get("panel_id"),
                facilitator_id=who.get("facilitator_id"),
                dedupe_key=f"{key}:{kind.value}:{hours}h",
            ),
            settings,
            now,
        )


async def tell_party(
    party_id: UUID,
    kind: MessageKind,
    now: datetime,
    *,
    key: str,
    when: datetime | None = None,
    place: str = "",
    address: str = "",
    reminder: MessageKind | None = None,
) -> bool:
    """Inside the caller's transaction: a text to one party, about something at a time
    and place (a reparation session, with reminders before it if `reminder` is given)
    or about their agreement. Someone who cannot be texted is told by their facilitator
    instead. False then."""
    settings = get_settings()
    party = (
        await Party.select(
            Party.id, Party.case, Party.phone, Party.language, Party.contact_preference
        )
        .where(Party.id == party_id)
        .first()
    )
    assert party is not None
    if not textable(party):
        await _tell_by_hand(party["case"], party_id, "what the text would have said.", now)
        return False
    details = _details(settings, when=when, venue_name=place, venue_address=address)
    language = party["language"]
    await _write(
        Text(
            to=party["phone"],
            body=render(kind, language, details),
            kind=kind.value,
            language=language,
            due_at=now,
            # About something to come: no use once it has begun. About the past: any time.
            expires_at=when if reminder is not None else None,
            case_id=party["case"],
            party_id=party_id,
            dedupe_key=f"{key}:{kind.value}",
        ),
        settings,
        now,
    )
    if reminder is not None and when is not None:
        await _reminders(
            settings,
            now,
            when,
            key,
            details,
            language,
            reminder,
            to=party["phone"],
            case_id=party["case"],
            party_id=party_id,
        )
    return True


async def _facilitators(panel_id: UUID, only: set[UUID] | None = None) -> list[dict[str, Any]]:
    """The panel's facilitators (or those of `only`, who may have left it) with a mobile."""
    if only is not None:
        query = Facilitator.select(Facilitator.id, Facilitator.phone, Facilitator.languages).where(
            Facilitator.id.is_in(list(only) or [UUID(int=0)])
        )
    else:
        query = PanelFacilitator.select(
            PanelFacilitator.facilitator.as_alias("id"),
            PanelFacilitator.facilitator._.phone.as_alias("phone"),
            PanelFacilitator.facilitator._.languages.as_alias("languages"),
        ).where(PanelFacilitator.panel == panel_id)
    rows = await query.output(load_json=True)
    return [row for row in rows if row["phone"]]


async def _tell_facilitators(
    settings: Settings,
    notice_kind: NoticeKind,
    panel: dict[str, Any],
    reference: str,
    venue: dict[str, Any],
    now: datetime,
) -> None:
    kind = _FACILITATOR_KIND[notice_kind]
    details = _details(
        settings,
        when=panel["starts_at"],
        venue_name=venue["name"],
        venue_address=venue["address"],
        reference=reference,
    )
    for person in await _facilitators(panel["id"]):
        await _text_facilitator(
            settings,
            person,
            kind,
            details,
            panel,
            now,
            reminders=notice_kind is not NoticeKind.panel_cancelled,
        )


async def facilitators_released(
    panel_id: UUID, released: set[UUID], was_at: datetime, now: datetime
) -> None:
    """Inside the transaction that moved the panel without them: a text to each
    facilitator taken off it, about the time they knew (their reminders were withdrawn
    with the panel's other waiting texts)."""
    if not released:
        return
    settings = get_settings()
    panel = await Panel.select().where(Panel.id == panel_id).first()
    assert panel is not None
    case = await Case.select(Case.reference).where(Case.id == panel["case"]).first()
    assert case is not None
    details = _details(settings, when=was_at, reference=case["reference"])
    for person in await _facilitators(panel_id, only=released):
        await _text_facilitator(
            settings,
            person,
            MessageKind.facilitator_released,
            details,
            {**panel, "starts_at": was_at},
            now,
            reminders=False,
        )


async def _text_facilitator(
    settings: Settings,
    person: dict[str, Any],
    kind: MessageKind,
    details: Details,
    panel: dict[str, Any],
    now: datetime,
    *,
    reminders: bool,
) -> None:
    language = "cy" if (person["languages"] or ["en"])[0] == "cy" else "en"
    key = f"panel:{panel['id']}:{panel['sequence']}:facilitator:{person['id']}"
    await _write(
        Text(
            to=person["phone"],
            body=render(kind, language, details),
            kind=kind.value,
            language=language,
            due_at=now,
            expires_at=panel["starts_at"],
            case_id=panel["case"],
            panel_id=panel["id"],
            facilitator_id=person["id"],
            dedupe_key=f"{key}:{kind.value}",
        ),
        settings,
        now,
    )
    if reminders:
        await _reminders(
            settings,
            now,
            panel["starts_at"],
            key,
            details,
            language,
            MessageKind.facilitator_reminder,
            to=person["phone"],
            case_id=panel["case"],
            panel_id=panel["id"],
            facilitator_id=person["id"],
        )


async def _could_not_text(row: dict[str, Any]) -> None:
    """A party's text failed for good: their lead facilitator is asked to phone them."""
    if row["case_id"] is None or row["party_id"] is None:
        return
    now = row["updated_at"]
    await raise_task(
        row["case_id"],
        TaskKind.call_party,
        "A text could not reach them. Please call.",
        now,
        party_id=row["party_id"],
    )
    await audit.record_event(
        row["case_id"],
        None,
        "text_not_delivered",
        details={"party_id": str(row["party_id"]), "kind": row["kind"], "message": row["id"]},
        at=now,
    )


# Replies ---------------------------------------------------------------------------------


async def _answerable(parties: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The invitations in force for upcoming panels of these parties (those with the
    number a text came from), with what the answer needs of the panel."""
    if not parties:
        return []
    by_id = {p["id"]: p for p in parties}
    rows = await Invitation.select(
        Invitation.id,
        Invitation.party,
        Invitation.case,
        Invitation.panel,
        Invitation.status,
        Invitation.panel._.starts_at.as_alias("starts_at"),
        Invitation.panel._.status.as_alias("panel_status"),
        Invitation.panel._.harm_causer_arrives_at.as_alias("harm_causer_arrives_at"),
        Invitation.panel._.victim_arrives_at.as_alias("victim_arrives_at"),
        Invitation.panel._.venue._.name.as_alias("venue_name"),
        Invitation.panel._.venue._.address.as_alias("venue_address"),
    ).where(Invitation.party.is_in(list(by_id)) & Invitation.status.is_in(list(ANSWERABLE)))
    upcoming = [r for r in rows if r["panel_status"] == PanelStatus.booked and r["starts_at"] > now]
    if not upcoming:
        return []
    # A panel whose outcome is recorded is over, whatever its time said.
    recorded = {
        row["panel"]
        for row in await PanelRecord.select(PanelRecord.panel).where(
            PanelRecord.panel.is_in([r["panel"] for r in upcoming])
        )
    }
    return [
        {**row, "party_row": by_id[row["party"]]}
        for row in upcoming
        if row["panel"] not in recorded
    ]


_ANSWERS = {
    Intent.confirm: (Attendance.confirmed, "attendance_confirmed", None),
    Intent.decline: (Attendance.declined, "attendance_declined", TaskKind.rebook),
    Intent.change: (Attendance.change_requested, "change_requested", TaskKind.change_time),
}
_REPLY_KIND = {
    Intent.confirm: MessageKind.reply_confirmed,
    Intent.decline: MessageKind.reply_declined,
    Intent.change: MessageKind.reply_change,
}
_TASK_WORDS = {
    TaskKind.rebook: "They replied that they cannot come. Find another time with them.",
    TaskKind.change_time: "They asked by text to change the time. Call them to rearrange.",
}


async def handle_reply(message_sid: str, phone: str, body: str, now: datetime) -> str:
    """An inbound text: understood, acted on, and the words to answer with. The same
    MessageSid again has no further effect and gets the same answer."""
    settings = get_settings()
    understood = understand(body)
    try:
        return await _handle_once(message_sid, phone, body, understood, now, settings)
    except Exception:
        # Twilio sent the same text twice at once and the other request won the race
        # (PostgreSQL refused this one's row): its answer stands, and this one undid.
        seen = await outbox.inbound_seen(message_sid)
        if seen is None:
            raise
        return str(seen["reply"])


async def _handle_once(
    message_sid: str,
    phone: str,
    body: str,
    understood: Understood,
    now: datetime,
    settings: Settings,
) -> str:
    async with write_transaction():
        seen = await outbox.inbound_seen(message_sid)
        if seen is not None:
            return str(seen["reply"])
        # Written first: a second request with this MessageSid waits on its unique index.
        rows = await InboundSms.insert(
            InboundSms(
                message_sid=message_sid,
                from_number=phone,
                body=body[:1600],
                intent=understood.intent.value,
                received_at=now,
            )
        ).returning(InboundSms.id)
        reply, case_id, party_id = await _act_on(
            understood.intent, understood.score, phone, now, settings
        )
        await InboundSms.update(
            {InboundSms.reply: reply, InboundSms.case_id: case_id, InboundSms.party_id: party_id}
        ).where(InboundSms.id == rows[0]["id"])
    return reply


async def _act_on(
    intent: Intent, score: int | None, phone: str, now: datetime, settings: Settings
) -> tuple[str, UUID | None, UUID | None]:
    plain = _details(settings)
    parties = await Party.select(
        Party.id, Party.case, Party.language, Party.role, Party.young_person
    ).where(Party.phone == phone)
    language = parties[0]["language"] if len({p["language"] for p in parties}) == 1 else "en"
    if intent in (Intent.stop, Intent.start):
        stopping = intent is Intent.stop
        if await (outbox.stop(phone, now) if stopping else outbox.start(phone)):
            for party in parties:
                await audit.record_event(
                    party["case"],
                    None,
                    "texts_stopped" if stopping else "texts_started",
                    details={"party_id": str(party["id"])},
                    at=now,
                )
        kind = MessageKind.reply_stopped if stopping else MessageKind.reply_started
        return render(kind, language, plain), None, None
    if intent is Intent.help:
        return render(MessageKind.reply_help, language, plain), None, None
    if intent is Intent.score and score is not None:
        answered = await _answer_survey(phone, score, now)
        if answered is not None:
            return render(MessageKind.reply_survey_thanks, language, plain), *answered
    if intent in _ANSWERS:
        matches = await _answerable(parties, now)
        if len(matches) == 1:
            return await _answer_invitation(matches[0], intent, now, settings)
        if not matches and intent in {Intent.confirm, Intent.decline}:
            places = await _next_sessions(parties, now)
            if len(places) == 1:
                return await _answer_session(places[0], intent, now, settings)
    # Not understood, nothing it could answer, or a number several people share: a person
    # reads it. One task per case the number belongs to.
    for case_id in {p["case"] for p in parties}:
        party_ids = [p["id"] for p in parties if p["case"] == case_id]
        await raise_task(
            case_id,
            TaskKind.read_reply,
            "A text came in that needs a person to read it (see the case's texts).",
            now,
            party_id=party_ids[0] if len(party_ids) == 1 else None,
        )
    case_id = parties[0]["case"] if len(parties) == 1 else None
    party_id = parties[0]["id"] if len(parties) == 1 else None
    return render(MessageKind.reply_holding, language, plain), case_id, party_id


async def _answer_invitation(
    invitation: dict[str, Any], intent: Intent, now: datetime, settings: Settings
) -> tuple[str, UUID, UUID]:
    status, event, task = _ANSWERS[intent]
    await Invitation.update({Invitation.status: status, Invitation.answered_at: now}).where(
        Invitation.id == invitation["id"]
    )
    await audit.record_event(
        invitation["case"],
        None,
        event,
        details={"party_id": str(invitation["party"]), "panel_id": str(invitation["panel"])},
        at=now,
    )
    if status is Attendance.declined:
        # No "see you tomorrow" to someone who said they cannot come.
        await outbox.withdraw(now, panel_id=invitation["panel"], party_id=invitation["party"])
    if task is not None:
        await raise_task(
            invitation["case"], task, _TASK_WORDS[task], now, party_id=invitation["party"]
        )
    party = invitation["party_row"]
    young = party["role"] == PartyRole.harm_causer and party["young_person"]
    if party["role"] == PartyRole.guardian:
        young = await Party.exists().where(
            (Party.case == invitation["case"])
            & (Party.role == PartyRole.harm_causer)
            & (Party.young_person == True)  # noqa: E712
        )
    details = _details(
        settings,
        when=_arrival(invitation, party, young),
        venue_name=invitation["venue_name"],
        venue_address=invitation["venue_address"],
    )
    reply = render(_REPLY_KIND[intent], party["language"], details)
    return reply, invitation["case"], invitation["party"]


async def _next_sessions(parties: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Each party's next reparation session they are booked into (its texts ask them to
    reply YES or NO too)."""
    if not parties:
        return []
    rows = (
        await Placement.select(
            Placement.id,
            Placement.case,
            Placement.party,
            Placement.session._.starts_at.as_alias("starts_at"),
        )
        .where(
            Placement.party.is_in([p["id"] for p in parties])
            & (Placement.status == PlacementStatus.booked)
            & (Placement.session._.starts_at > now)
            & Placement.session._.cancelled_at.is_null()
        )
        .order_by(Placement.session._.starts_at)
    )
    language = {p["id"]: p["language"] for p in parties}
    first: dict[UUID, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["party"], {**row, "language": language[row["party"]]})
    return list(first.values())


async def _answer_session(
    place: dict[str, Any], intent: Intent, now: datetime, settings: Settings
) -> tuple[str, UUID, UUID]:
    """YES to a reparation session is noted; NO gives the place up, withdraws its
    reminders, and asks the facilitator to book another."""
    if intent is Intent.decline:
        await Placement.update({Placement.status: PlacementStatus.cancelled}).where(
            Placement.id == place["id"]
        )
        await outbox.withdraw(now, about=f"placement:{place['id']}:")
        await raise_task(
            place["case"],
            TaskKind.rebook,
            "They replied that they cannot come to their reparation session. Book another.",
            now,
            party_id=place["party"],
        )
    await audit.record_event(
        place["case"],
        None,
        "reparation_confirmed" if intent is Intent.confirm else "reparation_declined",
        details={"placement_id": place["id"], "party_id": str(place["party"])},
        at=now,
    )
    kind = (
        MessageKind.reply_survey_thanks if intent is Intent.confirm else MessageKind.reply_declined
    )
    return render(kind, place["language"], _details(settings)), place["case"], place["party"]


async def _answer_survey(phone: str, score: int, now: datetime) -> tuple[UUID, UUID] | None:
    """The one survey question waiting for this number's answer, answered."""
    parties = await Party.select(Party.id).where(Party.phone == phone)
    if not parties:
        return None
    waiting = await SurveyPrompt.select(
        SurveyPrompt.id, SurveyPrompt.case, SurveyPrompt.party
    ).where(
        SurveyPrompt.party.is_in([p["id"] for p in parties])
        & SurveyPrompt.answer.is_null()
        & (SurveyPrompt.asked_at > now - timedelta(days=SURVEY_ANSWER_DAYS))
    )
    if len(waiting) != 1:
        return None
    prompt = waiting[0]
    await SurveyPrompt.update({SurveyPrompt.answer: score, SurveyPrompt.answered_at: now}).where(
        SurveyPrompt.id == prompt["id"]
    )
    await audit.record_event(
        prompt["case"],
        None,
        "survey_answered",
        details={"party_id": str(prompt["party"]), "prompt_id": prompt["id"]},
        at=now,
    )
    await feedback.next_question(prompt["id"], now)
    return prompt["case"], prompt["party"]


# Delivery reports --------------------------------------------------------------------------


async def handle_status(sid: str, status: str, error_code: int | None, now: datetime) -> None:
    async with write_transaction():
        row = await outbox.record_delivery(sid, status, error_code, now)
        if row is not None and status in NOT_DELIVERED:
            await _could_not_text({**row, "updated_at": now})


# What people were sent -------------------------------------------------------------------


async def texts_of_case(case_id: UUID) -> list[dict[str, Any]]:
    """Every text to and from the case's parties, newest first, for its facilitators."""
    sent = await OutboxMessage.select(
        OutboxMessage.id,
        OutboxMessage.party_id,
        OutboxMessage.kind,
        OutboxMessage.body,
        OutboxMessage.status,
        OutboxMessage.delivery_status,
        OutboxMessage.due_at,
        OutboxMessage.sent_at,
        OutboxMessage.created_at,
    ).where((OutboxMessage.case_id == case_id) & OutboxMessage.party_id.is_not_null())
    parties = await Party.select(Party.id, Party.phone).where(Party.case == case_id)
    phones = [p["phone"] for p in parties if p["phone"]]
    mine: Any = InboundSms.case_id == case_id
    if phones:
        # Also a text from a number the case knows that matched no single party.
        mine = mine | (InboundSms.case_id.is_null() & InboundSms.from_number.is_in(phones))
    received = await InboundSms.select(
        InboundSms.id,
        InboundSms.party_id,
        InboundSms.body,
        InboundSms.intent,
        InboundSms.received_at,
        InboundSms.reply,
    ).where(mine)
    items = [{"direction": "out", "at": row["sent_at"] or row["due_at"], **row} for row in sent] + [
        {"direction": "in", "at": row["received_at"], **row} for row in received
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)


async def recent_texts(limit: int = 100) -> list[dict[str, Any]]:
    """The newest texts of the whole scheme, numbers masked, for coordinators."""
    rows = (
        await OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.to_number,
            OutboxMessage.kind,
            OutboxMessage.body,
            OutboxMessage.status,
            OutboxMessage.delivery_status,
            OutboxMessage.provider,
            OutboxMessage.due_at,
            OutboxMessage.sent_at,
            OutboxMessage.case_id,
        )
        .order_by(OutboxMessage.id, ascending=False)
        .limit(limit)
    )
    for row in rows:
        row["to"] = masked(row.pop("to_number"))
    return rows


async def opted_out(phones: list[str]) -> set[str]:
    if not phones:
        return set()
    rows = await SmsOptOut.select(SmsOptOut.phone).where(SmsOptOut.phone.is_in(phones))
    return {row["phone"] for row in rows}


def outbox_status_words(status: str) -> str:
    return {
        OutboxStatus.queued: "waiting to send",
        OutboxStatus.sending: "sending",
        OutboxStatus.sent: "sent",
        OutboxStatus.failed: "could not be sent",
        OutboxStatus.cancelled: "withdrawn",
        OutboxStatus.expired: "too late to send",
        OutboxStatus.opted_out: "not sent: they replied STOP",
    }.get(OutboxStatus(status), status)


async def attendance_of_case(case_id: UUID) -> dict[UUID, str]:
    """Each party's answer to the invitation in force for the case's booked panel:
    pending, confirmed, declined or change_requested. Parties not invited are absent."""
    rows = await Invitation.select(
        Invitation.party, Invitation.status, Invitation.panel._.status.as_alias("panel_status")
    ).where((Invitation.case == case_id) & Invitation.status.is_in(list(ANSWERABLE)))
    return {
        row["party"]: str(row["status"])
        for row in rows
        if row["panel_status"] == PanelStatus.booked
    }

"""Writing texts to the outbox (inside the caller's transaction), withdrawing ones that
are no longer true, STOP and START, and delivery reports that never go backwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from notifications.tables import InboundSms, OutboxMessage, OutboxStatus, SmsOptOut
from notifications.timing import QuietHours

# Twilio's message statuses in the order they happen. A report ranked no higher than
# what is recorded is late or repeated, and changes nothing (a `sent` arriving after
# `delivered` must not make a delivered text look undelivered).
DELIVERY_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
NOT_DELIVERED = frozenset({"undelivered", "failed"})


@dataclass(frozen=True)
class Text:
    """A text to write: to whom, what, and when it may go."""

    to: str
    body: str
    kind: str
    due_at: datetime
    language: str = "en"
    expires_at: datetime | None = None
    case_id: UUID | None = None
    party_id: UUID | None = None
    panel_id: UUID | None = None
    facilitator_id: UUID | None = None
    dedupe_key: str | None = None


async def is_opted_out(phone: str) -> bool:
    return bool(await SmsOptOut.exists().where(SmsOptOut.phone == phone))


async def enqueue(text: Text, quiet: QuietHours, now: datetime) -> OutboxStatus | None:
    """Call inside the write transaction of the change the text is about, at `now`.
    Nothing is due in quiet hours; a number that said STOP gets nothing (the row stays,
    marked, so people can see why). None when this text was already written."""
    if text.dedupe_key and await OutboxMessage.exists().where(
        OutboxMessage.dedupe_key == text.dedupe_key
    ):
        return None
    due = quiet.next_allowed(text.due_at.astimezone(UTC))
    status = OutboxStatus.opted_out if await is_opted_out(text.to) else OutboxStatus.queued
    if text.expires_at is not None and due >= text.expires_at:
        status = OutboxStatus.expired
    await OutboxMessage.insert(
        OutboxMessage(
            to_number=text.to,
            body=text.body,
            kind=text.kind,
            language=text.language,
            status=status,
            due_at=due,
            next_attempt_at=due,
            expires_at=text.expires_at,
            case_id=text.case_id,
            party_id=text.party_id,
            panel_id=text.panel_id,
            facilitator_id=text.facilitator_id,
            dedupe_key=text.dedupe_key,
            created_at=now,
            updated_at=now,
        )
    )
    return status


async def withdraw(
    now: datetime,
    *,
    panel_id: UUID | None = None,
    party_id: UUID | None = None,
    about: str | None = None,
) -> int:
    """Texts not sent yet that are no longer true are cancelled: a panel's when it moves
    or is cancelled (or only one party's, when they will not come), or those whose
    reason (dedupe key) starts with `about` (a reparation place given up); how many."""
    if panel_id is None and about is None:
        raise ValueError("say which texts: a panel's, or those about something")
    which: Any = OutboxMessage.status == OutboxStatus.queued
    if panel_id is not None:
        which &= OutboxMessage.panel_id == panel_id
    if party_id is not None:
        which &= OutboxMessage.party_id == party_id
    if about is not None:
        which &= OutboxMessage.dedupe_key.like(f"{about}%")
    withdrawn = (
        await OutboxMessage.update(
            {OutboxMessage.status: OutboxStatus.cancelled, OutboxMessage.updated_at: now}
        )
        .where(which)
        .returning(OutboxMessage.id)
    )
    return len(withdrawn)


async def stop(phone: str, now: datetime) -> bool:
    """STOP: no more texts to this number, those waiting included. True if it is new."""
    if await is_opted_out(phone):
        return False
    await SmsOptOut.insert(SmsOptOut(phone=phone, opted_out_at=now))
    await OutboxMessage.update(
        {OutboxMessage.status: OutboxStatus.opted_out, OutboxMessage.updated_at: now}
    ).where((OutboxMessage.to_number == phone) & (OutboxMessage.status == OutboxStatus.queued))
    return True


async def start(phone: str) -> bool:
    """START / UNSTOP: texts may go to this number again. True if it had stopped."""
    if not await is_opted_out(phone):
        return False
    await SmsOptOut.delete().where(SmsOptOut.phone == phone)
    return True


async def record_delivery(
    sid: str, status: str, error_code: int | None, now: datetime
) -> dict[str, Any] | None:
    """A delivery report from the provider. The message's row once the report changed
    it; None when the report is unknown, late or repeated."""
    rank = DELIVERY_RANK.get(status)
    if rank is None:
        return None
    row = await OutboxMessage.select().where(OutboxMessage.provider_sid == sid).first()
    if row is None or DELIVERY_RANK.get(row["delivery_status"] or "", 0) >= rank:
        return None
    changes: dict[Any, Any] = {OutboxMessage.delivery_status: status, OutboxMessage.updated_at: now}
    if error_code is not None:
        changes[OutboxMessage.error_code] = error_code
    await OutboxMessage.update(changes).where(OutboxMessage.id == row["id"])
    return {**row, "delivery_status": status, "error_code": error_code or row["error_code"]}


async def inbound_seen(message_sid: str) -> dict[str, Any] | None:
    """The text with this MessageSid if it was handled already (a repeated webhook)."""
    return await InboundSms.select().where(InboundSms.message_sid == message_sid).first()

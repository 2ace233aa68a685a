"""The SMS outbox, the numbers that said STOP, and the texts that came in. Cases are
referred to by id only: this package knows what a message needs, not what a case is."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import UUID, BigSerial, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxStatus(StrEnum):
    queued = "queued"  # waiting for its time (and, after a transient failure, its retry)
    sending = "sending"  # claimed by a dispatcher; back to queued if its lease runs out
    sent = "sent"  # the provider accepted it; delivery_status says what happened next
    failed = "failed"  # could not be sent and never will be (bad number, gave up retrying)
    cancelled = "cancelled"  # no longer true (the panel moved or was cancelled) before it went
    expired = "expired"  # its moment passed (a reminder after the panel began)
    opted_out = "opted_out"  # the number had replied STOP


WAITING = (OutboxStatus.queued, OutboxStatus.sending)


class OutboxMessage(Table, tablename="sms_outbox"):
    """One text to one number, written in the transaction of the change that causes it."""

    id = BigSerial(primary_key=True)
    to_number = Varchar(length=20, secret=True)
    body = Text()
    kind = Varchar(length=40)
    language = Varchar(length=2, default="en")
    status = Varchar(length=20, choices=OutboxStatus, default=OutboxStatus.queued, index=True)
    # When it may first go (quiet hours already applied), and when it is no use any more.
    due_at = Timestamptz(index=True)
    expires_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_by = Varchar(length=100, null=True, default=None)
    claimed_until = Timestamptz(null=True, default=None)
    provider = Varchar(length=20, null=True, default=None)
    provider_sid = Varchar(length=64, null=True, default=None, unique=True, index=True)
    delivery_status = Varchar(length=20, null=True, default=None)
    error_code = Integer(null=True, default=None)
    error = Text(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # Whose message this is, for the service that wrote it; never read here.
    case_id = UUID(null=True, default=None, index=True)
    party_id = UUID(null=True, default=None, index=True)
    panel_id = UUID(null=True, default=None, index=True)
    facilitator_id = UUID(null=True, default=None)
    # One row per reason to write: writing the same reason twice changes nothing.
    dedupe_key = Varchar(length=200, null=True, default=None, unique=True)


class SmsOptOut(Table, tablename="sms_opt_outs"):
    """A number that replied STOP: nothing is sent to it until it replies START."""

    phone = Varchar(length=20, primary_key=True, secret=True)
    opted_out_at = Timestamptz(default=TimestamptzNow())


class InboundSms(Table, tablename="sms_inbound"):
    """A text someone sent us, with what we understood and answered. The MessageSid is
    unique, so a webhook Twilio repeats has one effect and gets the same answer."""

    id = BigSerial(primary_key=True)
    message_sid = Varchar(length=64, unique=True, index=True)
    from_number = Varchar(length=20, secret=True, index=True)
    body = Text()
    intent = Varchar(length=20)
    reply = Text(default="")
    received_at = Timestamptz(default=TimestamptzNow())
    case_id = UUID(null=True, default=None, index=True)
    party_id = UUID(null=True, default=None, index=True)


class SmsSenderPace(Table, tablename="sms_sender_pace"):
    """The next moment a sender may send, shared by every dispatcher, so that together
    they keep to the configured rate."""

    sender = Varchar(length=100, primary_key=True)
    next_slot_at = Timestamptz()


class MailStatus(StrEnum):
    queued = "queued"  # waiting to go (after a transient failure, for its retry)
    sending = "sending"  # claimed by a sender; back to queued when its lease runs out
    sent = "sent"  # the mail server accepted it
    failed = "failed"  # refused for good, or given up after retrying


class MailMessage(Table, tablename="mail_outbox"):
    """One email to one address (a referrer told their referral closed), written in the
    transaction of the change it is about and sent afterwards, like a text."""

    id = BigSerial(primary_key=True)
    to_address = Varchar(length=254, secret=True)
    subject = Varchar(length=200)
    body = Text()
    kind = Varchar(length=40)
    status = Varchar(length=20, choices=MailStatus, default=MailStatus.queued, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_until = Timestamptz(null=True, default=None)
    error = Text(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    case_id = UUID(null=True, default=None, index=True)
    dedupe_key = Varchar(length=200, null=True, default=None, unique=True)

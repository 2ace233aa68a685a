"""Email, for the few messages that go to staff rather than to the people in a case (a
referrer told that their referral has closed). Written to an outbox in the transaction
of the change it is about, then sent through an SMTP server by `send_due`, which runs in
the follow-up loop (inside `./scripts/serve`, and in `njp worker`).

What a crash can do: as with texts, each mail is sent and then recorded in its own
transaction; killed between the two, that one mail goes again once its lease runs out.
On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers never hold
one mail at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol
from uuid import UUID

from notifications.tables import MailMessage, MailStatus
from notifications.timing import Backoff

log = logging.getLogger("njp.mail")

Transaction = Callable[[], contextlib.AbstractAsyncContextManager[Any]]
LEASE = timedelta(minutes=2)


class MailFailed(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    async def send(self, to: str, subject: str, body: str) -> None:
        """Hand one mail to the server, or raise MailFailed."""


@dataclass(frozen=True)
class SmtpMailer:
    """Python's smtplib, in a thread so the event loop keeps going. STARTTLS unless
    turned off (a server on the same machine); a login when a username is given."""

    host: str
    port: int
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = True
    timeout: float = 15.0

    async def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.starttls:
                    server.starttls(context=ssl.create_default_context())
                if self.username:
                    server.login(self.username, self.password)
                server.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            raise MailFailed(
                f"the server refused the address ({codes})",
                permanent=all(500 <= c < 600 for c in codes),
            ) from None
        except smtplib.SMTPResponseException as answer:
            raise MailFailed(
                f"the server answered {answer.smtp_code}", permanent=500 <= answer.smtp_code < 600
            ) from None
        except (OSError, smtplib.SMTPException) as problem:
            # Could not reach the server, or it hung up: try again later.
            raise MailFailed(type(problem).__name__, permanent=False) from None


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str
    due_at: datetime
    case_id: UUID | None = None
    dedupe_key: str | None = None


async def enqueue(mail: Mail, now: datetime) -> bool:
    """Call inside the write transaction of the change the mail is about, at `now`.
    False when this mail was written already."""
    if mail.dedupe_key and await MailMessage.exists().where(
        MailMessage.dedupe_key == mail.dedupe_key
    ):
        return False
    await MailMessage.insert(
        MailMessage(
            to_address=mail.to,
            subject=mail.subject,
            body=mail.body,
            kind=mail.kind,
            next_attempt_at=mail.due_at,
            case_id=mail.case_id,
            dedupe_key=mail.dedupe_key,
            created_at=now,
        )
    )
    return True


async def send_due(
    mailer: Mailer,
    transaction: Transaction,
    now: datetime,
    *,
    backoff: Backoff | None = None,
    batch: int = 20,
) -> int:
    """Claim due mails and send them, one transaction per record; how many were sent."""
    backoff = backoff or Backoff()
    due = ((MailMessage.status == MailStatus.queued) & (MailMessage.next_attempt_at <= now)) | (
        (MailMessage.status == MailStatus.sending) & (MailMessage.claimed_until < now)
    )
    async with transaction():
        query = MailMessage.select().where(due).order_by(MailMessage.id).limit(batch)
        if MailMessage._meta.db.engine_type == "postgres":
            query = query.lock_rows(skip_locked=True)
        claimed = await query
        if not claimed:
            return 0
        await MailMessage.update(
            {
                MailMessage.status: MailStatus.sending,
                MailMessage.claimed_until: now + LEASE,
                MailMessage.attempts: MailMessage.attempts + 1,
            }
        ).where(MailMessage.id.is_in([row["id"] for row in claimed]))
    sent = 0
    for row in claimed:
        attempts = row["attempts"] + 1
        changes: dict[Any, Any]
        try:
            await mailer.send(row["to_address"], row["subject"], row["body"])
        except MailFailed as failure:
            # The reason, never the address: logs carry no personal data.
            log.warning("Mail %s not sent (attempt %s): %s", row["id"], attempts, failure)
            if failure.permanent or backoff.gives_up(attempts):
                changes = {MailMessage.status: MailStatus.failed, MailMessage.error: str(failure)}
            else:
                changes = {
                    MailMessage.status: MailStatus.queued,
                    MailMessage.next_attempt_at: now + backoff.wait(attempts),
                    MailMessage.error: str(failure),
                }
        else:
            sent += 1
            changes = {MailMessage.status: MailStatus.sent, MailMessage.sent_at: now}
        async with transaction():
            await MailMessage.update({**changes, MailMessage.claimed_until: None}).where(
                MailMessage.id == row["id"]
            )
    return sent

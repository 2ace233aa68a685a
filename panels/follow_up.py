"""The day-to-day follow-up that runs beside the texts: surveys that have fallen due are
texted, agreement actions past their deadline are marked missed (the breach protocol's
next step), and emails waiting in the mail outbox are sent (when an SMTP server is
configured). Safe to run in several processes at once: surveys and mails are claimed
before they are sent, and a deadline is marked missed once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from notifications import mail
from panels.clock import utc_now
from panels.db import write_transaction
from panels.feedback import service as feedback
from panels.outcomes import compliance
from panels.settings import get_settings

log = logging.getLogger("njp.follow_up")

# Often enough that a survey due at 10:00 goes within minutes; rarely enough to cost
# nothing.
EVERY_SECONDS = 300.0


def mailer() -> mail.Mailer | None:
    """The SMTP server the settings name, or None when mail is not configured."""
    settings = get_settings()
    if not settings.mail_configured:
        return None
    return mail.SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


async def send_mail(now: datetime | None = None) -> int:
    """Emails that are due, sent; how many."""
    sender = mailer()
    if sender is None:
        return 0
    return await mail.send_due(sender, write_transaction, now or utc_now())


async def once(now: datetime | None = None) -> tuple[int, int, int]:
    """(surveys texted, actions newly missed, emails sent)."""
    return (
        await feedback.send_due_surveys(now),
        await compliance.missed_deadlines(now),
        await send_mail(now),
    )


async def run(stop: asyncio.Event, *, every_seconds: float = EVERY_SECONDS) -> None:
    while not stop.is_set():
        try:
            await once()
        except Exception as problem:  # the next round tries again
            log.error("The follow-up round failed: %s", type(problem).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)

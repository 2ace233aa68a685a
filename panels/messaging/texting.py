"""What every part of the service that texts people shares: who can be texted, the quiet
hours, and the last guard on what a text says before it joins the outbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from notifications import outbox
from notifications.outbox import Text
from notifications.tables import OutboxStatus
from notifications.templates import check_safe
from notifications.timing import QuietHours
from panels.cases.tables import ContactPreference
from panels.clock import LONDON, utc_now
from panels.phones import can_receive_sms
from panels.settings import Settings

log = logging.getLogger("njp.sms")


def quiet_hours(settings: Settings) -> QuietHours:
    return QuietHours(start=settings.sms_quiet_start, end=settings.sms_quiet_end, timezone=LONDON)


def textable(party: dict[str, Any]) -> bool:
    """A party who prefers texts and has a number that can take them."""
    return (
        party["contact_preference"] == ContactPreference.sms
        and bool(party["phone"])
        and can_receive_sms(party["phone"])
    )


async def write(
    text: Text,
    settings: Settings,
    *,
    held_back: Callable[[], Awaitable[None]] | None = None,
) -> OutboxStatus | None:
    """Inside the caller's transaction: the text into the outbox, unless it would carry a
    forbidden word (from a venue's name, say): then nothing is written and `held_back`
    is awaited, so the caller can have a person pass the message on. None then, and for
    a text already written."""
    if check_safe(text.body):
        log.warning("A %s text was held back: it would say what a text must not.", text.kind)
        if held_back is not None:
            await held_back()
        return None
    return await outbox.enqueue(text, quiet_hours(settings), utc_now())

"""The day-to-day follow-up that runs beside the texts: surveys that have fallen due are
texted, and agreement actions past their deadline are marked missed (the breach
protocol's next step). Safe to run in several processes at once: surveys are claimed
before they are sent, and a deadline is marked missed once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from panels.feedback import service as feedback
from panels.outcomes import compliance

log = logging.getLogger("njp.follow_up")

# Often enough that a survey due at 10:00 goes within minutes; rarely enough to cost
# nothing.
EVERY_SECONDS = 300.0


async def once(now: datetime | None = None) -> tuple[int, int]:
    """(surveys texted, actions newly missed)."""
    return await feedback.send_due_surveys(now), await compliance.missed_deadlines(now)


async def run(stop: asyncio.Event, *, every_seconds: float = EVERY_SECONDS) -> None:
    while not stop.is_set():
        try:
            await once()
        except Exception as problem:  # the next round tries again
            log.error("The follow-up round failed: %s", type(problem).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)

"""Time as the service uses it: stored in UTC, shown and reasoned about in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    return datetime.now(UTC)


def london_today(now: datetime | None = None) -> date:
    return (now or utc_now()).astimezone(LONDON).date()

"""Time as the service uses it: stored in UTC, shown and reasoned about in Europe/London.

Everything reads the time here, so a caller can move it for what it runs: the demo
loader fills a scheme as of a given moment, and tests run the service on any date.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from piccolo.columns.defaults.timestamptz import TimestamptzNow

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


_clock: contextvars.ContextVar[Clock] = contextvars.ContextVar("njp_clock", default=_wall_clock)


def utc_now() -> datetime:
    return _clock.get()()


def london_today(now: datetime | None = None) -> date:
    return (now or utc_now()).astimezone(LONDON).date()


@contextlib.contextmanager
def running_from(moment: datetime) -> Iterator[None]:
    """Inside this block (and the tasks and threads it starts) the time is `moment` at
    its start and runs on at the real rate from there."""
    if moment.tzinfo is None:
        raise ValueError("the moment must carry its offset from UTC")
    start = moment.astimezone(UTC)
    began = time.monotonic()

    def moved() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    token = _clock.set(moved)
    try:
        yield
    finally:
        _clock.reset(token)


class Now(TimestamptzNow):
    """A column default of "now" that asks this clock, not the machine's."""

    def python(self) -> datetime:
        return utc_now()

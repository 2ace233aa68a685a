"""When a text may go: quiet hours (no texts late at night), reminders moved earlier
rather than later, and how long to wait before trying a failed send again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# A reminder moved out of quiet hours goes this long before they begin, so a queue of
# rate-limited sends still drains before the hour.
EVENING_MARGIN = timedelta(minutes=30)


@dataclass(frozen=True)
class QuietHours:
    """No sends from `start` to `end`, local time; `start == end` means never quiet."""

    start: time = time(20, 0)
    end: time = time(9, 0)
    timezone: ZoneInfo = LONDON

    @property
    def never(self) -> bool:
        return self.start == self.end

    def contains(self, moment: datetime) -> bool:
        if self.never:
            return False
        local = moment.astimezone(self.timezone).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def _local(self, day: datetime, at: time) -> datetime:
        # Wall-clock times in the zone: on a clock-change day 09:00 is still 09:00.
        return datetime.combine(day.date(), at, tzinfo=self.timezone).astimezone(UTC)

    def next_allowed(self, moment: datetime) -> datetime:
        """`moment`, or the end of the quiet hours it falls in."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(self.timezone)
        end = self._local(local, self.end)
        if end <= moment:
            end = self._local(local + timedelta(days=1), self.end)
        return end

    def latest_before(self, moment: datetime) -> datetime:
        """`moment`, or a little before the quiet hours it falls in began: for a reminder,
        earlier is kind and later is useless."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(self.timezone)
        start = self._local(local, self.start)
        if start > moment:
            start = self._local(local - timedelta(days=1), self.start)
        earlier = start - EVENING_MARGIN
        return earlier if not self.contains(earlier) else start - timedelta(minutes=1)


@dataclass(frozen=True)
class Backoff:
    """Exponential: first wait `first`, doubling each attempt, never more than `cap`;
    after `attempts` sends in all the message is given up as failed."""

    first: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    attempts: int = 8

    def wait(self, attempts_made: int) -> timedelta:
        if attempts_made < 1:
            return timedelta(0)
        doubling: int = 2 ** min(attempts_made - 1, 30)
        return min(self.cap, self.first * doubling)

    def gives_up(self, attempts_made: int) -> bool:
        return attempts_made >= self.attempts

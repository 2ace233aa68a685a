"""The hard dates CI runs the suite at, in turn: the next Friday 23:30 of a Christmas week,
Saturday 23:30 before the March clock change, 01:30 (the first one, BST) on the Sunday
the clocks go back in October, and 07:55 on 29 February. Each is the next one to come,
so the service is tried at moments it will meet.

    python3 scripts/hard_date.py          # today's turn, as ISO 8601 with its offset
    python3 scripts/hard_date.py --all    # all four, one per line
    python3 scripts/hard_date.py 2        # the third

Standard library only: .ci/run calls it before anything is installed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def christmas_friday(year: int) -> datetime:
    """Friday of the Monday-to-Sunday week that holds Christmas Day."""
    christmas = date(year, 12, 25)
    friday = christmas - timedelta(days=christmas.weekday()) + timedelta(days=4)
    return datetime.combine(friday, time(23, 30), tzinfo=LONDON)


def before_spring_change(year: int) -> datetime:
    saturday = _last_sunday(year, 3) - timedelta(days=1)
    return datetime.combine(saturday, time(23, 30), tzinfo=LONDON)


def autumn_change(year: int) -> datetime:
    # 01:30 happens twice that night; fold=0 is the first, still in summer time.
    return datetime.combine(_last_sunday(year, 10), time(1, 30), tzinfo=LONDON)


def leap_day(year: int) -> datetime:
    while year % 4 or (year % 100 == 0 and year % 400):
        year += 1
    return datetime.combine(date(year, 2, 29), time(7, 55), tzinfo=LONDON)


KINDS: tuple[Callable[[int], datetime], ...] = (
    christmas_friday,
    before_spring_change,
    autumn_change,
    leap_day,
)


def next_one(kind: Callable[[int], datetime], now: datetime) -> datetime:
    year = now.astimezone(LONDON).year
    while (moment := kind(year)) <= now:
        year += 1
    return moment


def main(argv: list[str]) -> int:
    now = datetime.now(UTC)
    moments = [next_one(kind, now) for kind in KINDS]
    if argv == ["--all"]:
        print("\n".join(moment.isoformat() for moment in moments))
        return 0
    if argv and not (argv[0].isdigit() and int(argv[0]) < len(KINDS)):
        print(f"usage: hard_date.py [--all | 0..{len(KINDS) - 1}]", file=sys.stderr)
        return 2
    turn = int(argv[0]) if argv else now.toordinal() % len(KINDS)
    print(moments[turn].isoformat())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""When a facilitator is free: weekly pattern, one-off windows, bank holidays, time away and
busy times together."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from scheduling.availability import Availability, free_between
from scheduling.icalendar_in import busy_times
from scheduling.intervals import Interval
from scheduling.recurrence import LONDON, WeeklyWindow

FIXTURES = Path(__file__).parent / "fixtures"

MONDAY_EVENINGS = WeeklyWindow("FREQ=WEEKLY;BYDAY=MO", time(18), time(20), date(2027, 1, 4))


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


def london(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=LONDON)


def mondays(free: list[Interval]) -> list[date]:
    return [window.start.astimezone(LONDON).date() for window in free]


def test_bank_holidays_take_out_the_weekly_window() -> None:
    spring = Interval(london(3, 22), london(6, 8))

    free = free_between(Availability(weekly=(MONDAY_EVENINGS,)), spring)

    assert date(2027, 3, 29) not in mondays(free)  # Easter Monday
    assert date(2027, 5, 3) not in mondays(free)  # Early May bank holiday
    assert date(2027, 5, 31) not in mondays(free)  # Spring bank holiday
    assert date(2027, 3, 22) in mondays(free)
    assert date(2027, 4, 5) in mondays(free)
    assert len(free) == 12 - 3  # twelve Mondays from 22 March to 7 June


def test_someone_who_works_bank_holidays_keeps_them() -> None:
    spring = Interval(london(3, 22), london(6, 8))
    availability = Availability(weekly=(MONDAY_EVENINGS,), works_bank_holidays=True)

    free = free_between(availability, spring)

    assert len(free) == 12
    assert Interval(utc(3, 29, 17), utc(3, 29, 19)) in free
    assert Interval(utc(5, 31, 17), utc(5, 31, 19)) in free


def test_a_given_set_of_holidays_replaces_the_bank_holidays() -> None:
    two_weeks = Interval(london(3, 22), london(4, 5))
    availability = Availability(weekly=(MONDAY_EVENINGS,))

    assert mondays(free_between(availability, two_weeks, holidays=frozenset())) == [
        date(2027, 3, 22),
        date(2027, 3, 29),
    ]
    only_the_22nd = frozenset({date(2027, 3, 22)})
    assert mondays(free_between(availability, two_weeks, holidays=only_the_22nd)) == [
        date(2027, 3, 29)
    ]


def test_an_extra_window_counts_even_on_a_bank_holiday() -> None:
    easter_monday_morning = Interval(london(3, 29, 10), london(3, 29, 12))
    availability = Availability(weekly=(MONDAY_EVENINGS,), extra=(easter_monday_morning,))

    assert free_between(availability, Interval(london(3, 29), london(3, 30))) == [
        easter_monday_morning
    ]


def test_time_away_beats_the_pattern_and_extra_windows() -> None:
    away = Interval(london(3, 1), london(3, 8))
    extra = Interval(london(3, 6, 10), london(3, 6, 12))
    availability = Availability(weekly=(MONDAY_EVENINGS,), extra=(extra,), exceptions=(away,))

    assert free_between(availability, Interval(london(3, 1), london(3, 15))) == [
        Interval(utc(3, 8, 18), utc(3, 8, 20))
    ]


def test_a_busy_buffer_widens_busy_times_on_both_sides() -> None:
    dentist = Interval(london(3, 22, 18, 45), london(3, 22, 19))
    availability = Availability(weekly=(MONDAY_EVENINGS,), busy=(dentist,))
    one_monday = Interval(london(3, 22), london(3, 23))

    assert free_between(availability, one_monday, busy_buffer=timedelta(minutes=15)) == [
        Interval(utc(3, 22, 18), utc(3, 22, 18, 30)),
        Interval(utc(3, 22, 19, 15), utc(3, 22, 20)),
    ]
    assert free_between(availability, one_monday) == [
        Interval(utc(3, 22, 18), utc(3, 22, 18, 45)),
        Interval(utc(3, 22, 19), utc(3, 22, 20)),
    ]


def test_a_negative_busy_buffer_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        free_between(
            Availability(),
            Interval(london(3, 22), london(3, 23)),
            busy_buffer=timedelta(minutes=-5),
        )


def test_free_time_is_cut_to_the_question() -> None:
    availability = Availability(weekly=(MONDAY_EVENINGS,))

    assert free_between(availability, Interval(london(3, 22, 19), london(3, 22, 23))) == [
        Interval(utc(3, 22, 19), utc(3, 22, 20))
    ]


def test_nobody_is_free_without_any_availability() -> None:
    assert free_between(Availability(), Interval(london(3, 22), london(4, 5))) == []


def test_a_fortnight_across_the_clock_change_with_a_google_calendar() -> None:
    fortnight = Interval(london(3, 22), london(4, 5))
    evenings = WeeklyWindow("FREQ=WEEKLY;BYDAY=MO,TU,WE", time(18), time(21), date(2027, 3, 1))
    availability = Availability(
        weekly=(evenings,),
        # Easter Monday morning offered specially, and a Saturday morning that turns out
        # to clash with a shift in their calendar.
        extra=(
            Interval(london(3, 29, 10), london(3, 29, 12)),
            Interval(london(4, 3, 10), london(4, 3, 12)),
        ),
        # Away on Wednesday 31 March.
        exceptions=(Interval(london(3, 31), london(4, 1)),),
        busy=tuple(busy_times((FIXTURES / "google.ics").read_bytes(), fortnight)),
    )

    free = free_between(availability, fortnight, busy_buffer=timedelta(minutes=15))

    assert free == [
        # Monday 22nd: choir 19:00-20:30, kept clear from 18:45 to 20:45.
        Interval(utc(3, 22, 18), utc(3, 22, 18, 45)),
        Interval(utc(3, 22, 20, 45), utc(3, 22, 21)),
        # Tuesday 23rd: the work shift ends at 17:00, well before.
        Interval(utc(3, 23, 18), utc(3, 23, 21)),
        # Wednesday 24th: the dentist 18:30-20:00.
        Interval(utc(3, 24, 18), utc(3, 24, 18, 15)),
        Interval(utc(3, 24, 20, 15), utc(3, 24, 21)),
        # Easter Monday: only the extra morning (10:00-12:00 BST).
        Interval(utc(3, 29, 9), utc(3, 29, 11)),
        # Tuesday 30th, now BST: the late shift runs to 20:00, so free from 20:15 BST.
        Interval(utc(3, 30, 19, 15), utc(3, 30, 20)),
        # Wednesday 31st away; Saturday's extra morning lost to the shift.
    ]

"""Bank holidays come from the bundled GOV.UK list and take out whole local days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scheduling.holidays import bank_holidays, holiday_intervals
from scheduling.intervals import Interval
from scheduling.recurrence import LONDON


def test_england_and_wales_2027_bank_holidays_are_known() -> None:
    in_2027 = sorted(day for day in bank_holidays() if day.year == 2027)

    assert in_2027 == [
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),  # Spring bank holiday
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day, substitute
        date(2027, 12, 28),  # Boxing Day, substitute
    ]


def test_scotland_has_its_own_list() -> None:
    scotland = bank_holidays("scotland")

    assert date(2027, 11, 30) in scotland  # St Andrew's Day
    assert date(2027, 3, 29) not in scotland  # no Easter Monday
    assert date(2027, 11, 30) not in bank_holidays()


def test_an_unknown_division_is_refused() -> None:
    with pytest.raises(ValueError, match="wales"):
        bank_holidays("wales")


def test_the_list_is_read_once() -> None:
    assert bank_holidays() is bank_holidays()


def test_a_holiday_is_the_whole_local_day() -> None:
    spring = Interval(datetime(2027, 5, 1, tzinfo=UTC), datetime(2027, 6, 30, tzinfo=UTC))

    # Midnight to midnight in BST, which is 23:00 to 23:00 UTC.
    assert holiday_intervals([date(2027, 5, 31)], spring) == [
        Interval(datetime(2027, 5, 30, 23, tzinfo=UTC), datetime(2027, 5, 31, 23, tzinfo=UTC))
    ]


def test_days_the_clocks_change_are_23_and_25_hours_long() -> None:
    # Neither is a bank holiday in 2027, so the days are given here directly.
    year = Interval(datetime(2027, 1, 1, tzinfo=LONDON), datetime(2028, 1, 1, tzinfo=LONDON))

    forward, back = holiday_intervals([date(2027, 10, 31), date(2027, 3, 28)], year)

    assert forward == Interval(
        datetime(2027, 3, 28, 0, tzinfo=UTC), datetime(2027, 3, 28, 23, tzinfo=UTC)
    )
    assert forward.duration == timedelta(hours=23)
    assert back == Interval(
        datetime(2027, 10, 30, 23, tzinfo=UTC), datetime(2027, 11, 1, 0, tzinfo=UTC)
    )
    assert back.duration == timedelta(hours=25)


def test_holidays_are_cut_to_the_question_and_outside_ones_left_out() -> None:
    easter_monday_afternoon = Interval(
        datetime(2027, 3, 29, 12, tzinfo=LONDON), datetime(2027, 3, 30, 12, tzinfo=LONDON)
    )

    assert holiday_intervals(bank_holidays(), easter_monday_afternoon) == [
        Interval(datetime(2027, 3, 29, 12, tzinfo=LONDON), datetime(2027, 3, 30, tzinfo=LONDON))
    ]

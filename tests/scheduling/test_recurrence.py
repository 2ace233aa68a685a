"""Weekly availability stays on the local clock across both 2027 clock changes (28 March
and 31 October), and the repeat rule is read as RFC 5545 says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.intervals import Interval
from scheduling.recurrence import LONDON, WeeklyWindow, expand, local_instant


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def tuesday_evenings(
    rule: str = "FREQ=WEEKLY;BYDAY=TU", first: date = date(2027, 3, 2)
) -> WeeklyWindow:
    return WeeklyWindow(rule, time(18), time(20), first)


MARCH_TO_NOVEMBER = Interval(london(2027, 3, 1), london(2027, 12, 1))


def test_a_tuesday_evening_stays_18_to_20_by_the_clock_all_year() -> None:
    evenings = expand([tuesday_evenings()], MARCH_TO_NOVEMBER)

    assert len(evenings) == 40  # every Tuesday from 2 March to 30 November
    for evening in evenings:
        local_start, local_end = evening.start.astimezone(LONDON), evening.end.astimezone(LONDON)
        assert local_start.weekday() == 1
        assert (local_start.time(), local_end.time()) == (time(18), time(20))


def test_a_tuesday_evening_moves_in_utc_when_the_clocks_change() -> None:
    evenings = expand([tuesday_evenings()], MARCH_TO_NOVEMBER)
    by_day = {evening.start.astimezone(LONDON).date(): evening for evening in evenings}

    # Last Tuesday before the clocks go forward, and the first after: GMT then BST.
    assert by_day[date(2027, 3, 23)] == Interval(utc(2027, 3, 23, 18), utc(2027, 3, 23, 20))
    assert by_day[date(2027, 3, 30)] == Interval(utc(2027, 3, 30, 17), utc(2027, 3, 30, 19))
    # Last Tuesday before they go back, and the first after: BST then GMT.
    assert by_day[date(2027, 10, 26)] == Interval(utc(2027, 10, 26, 17), utc(2027, 10, 26, 19))
    assert by_day[date(2027, 11, 2)] == Interval(utc(2027, 11, 2, 18), utc(2027, 11, 2, 20))


SUNDAY_SMALL_HOURS = WeeklyWindow("FREQ=WEEKLY;BYDAY=SU", time(0, 30), time(3), date(2027, 3, 1))


def test_a_night_window_is_shorter_on_the_night_the_clocks_go_forward() -> None:
    night = Interval(london(2027, 3, 28), london(2027, 3, 28, 12))

    # 00:30 GMT to 03:00 BST: the clock skips 01:00 to 02:00, so an hour and a half.
    assert expand([SUNDAY_SMALL_HOURS], night) == [
        Interval(utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 2))
    ]


def test_a_night_window_is_longer_on_the_night_the_clocks_go_back() -> None:
    night = Interval(london(2027, 10, 31), london(2027, 10, 31, 12))

    # 00:30 BST to 03:00 GMT: the clock shows 01:00 to 02:00 twice, so three and a half hours.
    [window] = expand([SUNDAY_SMALL_HOURS], night)
    assert window == Interval(utc(2027, 10, 30, 23, 30), utc(2027, 10, 31, 3))
    assert window.duration == timedelta(hours=3, minutes=30)


def test_a_window_starting_in_the_skipped_hour_starts_when_the_clocks_jump() -> None:
    window = WeeklyWindow("FREQ=WEEKLY;BYDAY=SU", time(1, 30), time(2, 30), date(2027, 3, 1))
    night = Interval(london(2027, 3, 28), london(2027, 3, 28, 12))

    # The clock never shows 01:30; it reads 02:00 BST (01:00 UTC) at the jump.
    assert expand([window], night) == [Interval(utc(2027, 3, 28, 1), utc(2027, 3, 28, 1, 30))]
    assert local_instant(date(2027, 3, 28), time(1, 30)) == utc(2027, 3, 28, 1)


def test_a_window_wholly_inside_the_skipped_hour_does_not_happen_that_week() -> None:
    window = WeeklyWindow("FREQ=WEEKLY;BYDAY=SU", time(1, 15), time(1, 45), date(2027, 3, 1))
    fortnight = Interval(london(2027, 3, 21), london(2027, 4, 5))

    assert expand([window], fortnight) == [
        Interval(utc(2027, 3, 21, 1, 15), utc(2027, 3, 21, 1, 45)),
        Interval(utc(2027, 4, 4, 0, 15), utc(2027, 4, 4, 0, 45)),
    ]


def test_a_window_in_the_repeated_hour_uses_its_first_showing() -> None:
    window = WeeklyWindow("FREQ=WEEKLY;BYDAY=SU", time(1, 30), time(2, 30), date(2027, 3, 1))
    night = Interval(london(2027, 10, 31), london(2027, 10, 31, 12))

    # 01:30 is shown first in BST (00:30 UTC); 02:30 is shown once, in GMT.
    assert expand([window], night) == [Interval(utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 2, 30))]


def test_every_other_tuesday() -> None:
    fortnightly = tuesday_evenings("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    march_and_april = Interval(london(2027, 3, 1), london(2027, 5, 1))

    days = [e.start.astimezone(LONDON).date() for e in expand([fortnightly], march_and_april)]
    assert days == [
        date(2027, 3, 2),
        date(2027, 3, 16),
        date(2027, 3, 30),
        date(2027, 4, 13),
        date(2027, 4, 27),
    ]


def test_an_until_date_includes_that_day_and_nothing_after() -> None:
    until = tuesday_evenings("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270316")

    days = [e.start.astimezone(LONDON).date() for e in expand([until], MARCH_TO_NOVEMBER)]
    assert days == [date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 16)]


def test_an_until_in_utc_is_compared_as_the_same_instant() -> None:
    # 17:00 UTC on 30 March is 18:00 BST: the start of that Tuesday's window, so included.
    until = tuesday_evenings("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T170000Z")
    just_before = tuesday_evenings("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T165959Z")

    assert expand([until], MARCH_TO_NOVEMBER)[-1].start == utc(2027, 3, 30, 17)
    assert expand([just_before], MARCH_TO_NOVEMBER)[-1].start == utc(2027, 3, 23, 18)


def test_a_count_stops_after_that_many_evenings() -> None:
    three = tuesday_evenings("FREQ=WEEKLY;BYDAY=TU;COUNT=3")

    assert len(expand([three], MARCH_TO_NOVEMBER)) == 3
    # Counted from the first day, so a later question sees none of them.
    assert expand([three], Interval(london(2027, 4, 1), london(2027, 5, 1))) == []


def test_nothing_before_the_first_day() -> None:
    from_mid_march = tuesday_evenings(first=date(2027, 3, 10))  # a Wednesday

    evenings = expand([from_mid_march], Interval(london(2027, 3, 1), london(2027, 4, 1)))
    assert [e.start.astimezone(LONDON).date() for e in evenings] == [
        date(2027, 3, 16),
        date(2027, 3, 23),
        date(2027, 3, 30),
    ]


def test_a_window_partly_inside_the_question_comes_back_whole() -> None:
    from_19 = Interval(london(2027, 3, 2, 19), london(2027, 3, 3))

    assert expand([tuesday_evenings()], from_19) == [
        Interval(utc(2027, 3, 2, 18), utc(2027, 3, 2, 20))
    ]


def test_a_window_ending_as_the_question_starts_is_not_included() -> None:
    from_20 = Interval(london(2027, 3, 2, 20), london(2027, 3, 3))

    assert expand([tuesday_evenings()], from_20) == []


def test_overlapping_patterns_are_merged() -> None:
    early = WeeklyWindow("FREQ=WEEKLY;BYDAY=TU", time(17), time(19), date(2027, 3, 1))
    one_tuesday = Interval(london(2027, 3, 2), london(2027, 3, 3))

    assert expand([early, tuesday_evenings()], one_tuesday) == [
        Interval(utc(2027, 3, 2, 17), utc(2027, 3, 2, 20))
    ]


def test_the_same_pattern_in_another_zone_follows_that_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    one_tuesday = Interval(utc(2027, 3, 2, 12), utc(2027, 3, 3, 12))

    assert expand([tuesday_evenings()], one_tuesday, tz=new_york) == [
        Interval(utc(2027, 3, 2, 23), utc(2027, 3, 3, 1))
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "not a repeat rule we understand"),
        ("every tuesday", "not a repeat rule we understand"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a repeat rule we understand"),
        ("FREQ=FORTNIGHTLY", "not a repeat rule we understand"),
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=WEEKLY;BYHOUR=9", "its times come from starts and ends"),
        ("DTSTART:20270302T180000\nRRULE:FREQ=WEEKLY", "its times come from starts and ends"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270401", "not both"),
    ],
)
def test_a_rule_we_cannot_follow_is_refused_plainly(rule: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tuesday_evenings(rule)


def test_the_rrule_prefix_is_accepted() -> None:
    assert tuesday_evenings("RRULE:FREQ=WEEKLY;BYDAY=TU") is not None


@pytest.mark.parametrize(
    ("starts", "ends"), [(time(20), time(18)), (time(18), time(18)), (time(22), time(0))]
)
def test_a_window_must_end_later_the_same_day(starts: time, ends: time) -> None:
    with pytest.raises(ValueError, match="same day"):
        WeeklyWindow("FREQ=WEEKLY;BYDAY=TU", starts, ends, date(2027, 3, 2))


def test_window_times_are_local_clock_times_without_a_zone() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        WeeklyWindow(
            "FREQ=WEEKLY;BYDAY=TU", time(18, tzinfo=UTC), time(20, tzinfo=UTC), date(2027, 3, 2)
        )

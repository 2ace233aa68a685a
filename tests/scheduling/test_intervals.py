"""Interval algebra: the half-open windows that every free/busy answer is built from."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.intervals import Interval, clip, intersection, normalise, subtract, union

LONDON = ZoneInfo("Europe/London")
DAY = datetime(2027, 3, 2, tzinfo=UTC)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


def hours(start: float, end: float) -> Interval:
    return Interval(at(start), at(end))


def test_a_window_needs_time_zones_on_both_ends() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2027, 3, 2, 18), at(20))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(at(18), datetime(2027, 3, 2, 20))  # noqa: DTZ001


@pytest.mark.parametrize(("start", "end"), [(18, 18), (20, 18)])
def test_a_window_must_end_after_it_starts(start: float, end: float) -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        hours(start, end)


def test_a_day_when_the_clocks_go_back_lasts_25_hours_even_given_in_london_time() -> None:
    day = Interval(datetime(2027, 10, 31, tzinfo=LONDON), datetime(2027, 11, 1, tzinfo=LONDON))

    assert day.duration == timedelta(hours=25)
    assert day.start == datetime(2027, 10, 30, 23, tzinfo=UTC)


def test_windows_are_half_open() -> None:
    evening = hours(18, 20)

    assert evening.contains(at(18))
    assert evening.contains(at(19.99))
    assert not evening.contains(at(20))
    assert evening.duration == timedelta(hours=2)


def test_a_window_ending_at_18_does_not_overlap_one_starting_at_18() -> None:
    assert not hours(16, 18).overlaps(hours(18, 20))
    assert not hours(18, 20).overlaps(hours(16, 18))
    assert hours(16, 18.5).overlaps(hours(18, 20))


def test_a_window_ending_at_18_and_one_starting_at_18_merge_in_a_union() -> None:
    assert union([hours(16, 18)], [hours(18, 20)]) == [hours(16, 20)]


def test_normalise_sorts_and_merges_overlapping_nested_and_duplicate_windows() -> None:
    messy = [hours(19, 21), hours(9, 12), hours(10, 11), hours(11.5, 13), hours(19, 21)]

    assert normalise(messy) == [hours(9, 13), hours(19, 21)]


def test_normalise_of_nothing_is_nothing() -> None:
    assert normalise([]) == []


def test_union_keeps_separate_windows_apart() -> None:
    assert union([hours(9, 10)], [hours(11, 12)]) == [hours(9, 10), hours(11, 12)]
    assert union([], [hours(11, 12)]) == [hours(11, 12)]


def test_intersection_is_the_time_in_both() -> None:
    free = [hours(9, 12), hours(14, 18)]
    venue_open = [hours(10, 15)]

    assert intersection(free, venue_open) == [hours(10, 12), hours(14, 15)]


def test_intersection_of_touching_windows_is_empty() -> None:
    assert intersection([hours(16, 18)], [hours(18, 20)]) == []


def test_intersection_with_a_nested_window_is_the_nested_window() -> None:
    assert intersection([hours(8, 22)], [hours(18, 20)]) == [hours(18, 20)]
    assert intersection([hours(18, 20)], [hours(8, 22)]) == [hours(18, 20)]


def test_intersection_with_nothing_is_nothing() -> None:
    assert intersection([hours(8, 22)], []) == []
    assert intersection([], [hours(8, 22)]) == []


def test_subtracting_a_busy_hour_from_the_middle_leaves_two_pieces() -> None:
    assert subtract([hours(9, 17)], [hours(12, 13)]) == [hours(9, 12), hours(13, 17)]


def test_subtracting_several_busy_times_leaves_many_pieces() -> None:
    free = [hours(9, 17), hours(18, 21)]
    busy = [hours(10, 11), hours(12, 12.5), hours(16.5, 18.5), hours(20, 20.25)]

    assert subtract(free, busy) == [
        hours(9, 10),
        hours(11, 12),
        hours(12.5, 16.5),
        hours(18.5, 20),
        hours(20.25, 21),
    ]


def test_subtracting_a_touching_window_takes_nothing_away() -> None:
    assert subtract([hours(18, 20)], [hours(16, 18), hours(20, 22)]) == [hours(18, 20)]


def test_subtracting_a_covering_window_leaves_nothing() -> None:
    assert subtract([hours(18, 20), hours(20.5, 21)], [hours(8, 22)]) == []


def test_subtracting_nothing_leaves_the_windows_normalised() -> None:
    assert subtract([hours(19, 20), hours(18, 19)], []) == [hours(18, 20)]
    assert subtract([], [hours(18, 19)]) == []


def test_one_long_busy_time_cuts_every_window_it_spans() -> None:
    free = [hours(9, 10), hours(11, 12), hours(13, 14), hours(15, 16)]

    assert subtract(free, [hours(9.5, 15.5)]) == [hours(9, 9.5), hours(15.5, 16)]


def test_clip_keeps_only_what_falls_inside_the_window() -> None:
    free = [hours(6, 9), hours(10, 11), hours(20, 26)]

    assert clip(free, hours(8, 24)) == [hours(8, 9), hours(10, 11), hours(20, 24)]


def test_results_compare_equal_whatever_zone_the_inputs_were_in() -> None:
    in_london = Interval(
        datetime(2027, 7, 6, 18, tzinfo=LONDON), datetime(2027, 7, 6, 20, tzinfo=LONDON)
    )

    assert in_london == Interval(
        datetime(2027, 7, 6, 17, tzinfo=UTC), datetime(2027, 7, 6, 19, tzinfo=UTC)
    )
    assert union([in_london], [hours(0, 1)]) == [hours(0, 1), in_london]


# The sweeps are checked against a slow model that is obviously right: sets of the
# quarter-hours each list covers.


def _quarters(intervals: list[Interval]) -> set[int]:
    covered: set[int] = set()
    for interval in intervals:
        first = (interval.start - DAY) // timedelta(minutes=15)
        last = (interval.end - DAY) // timedelta(minutes=15)
        covered.update(range(first, last))
    return covered


def _from_quarters(covered: set[int]) -> list[Interval]:
    return normalise(hours(q / 4, (q + 1) / 4) for q in covered)


def _random_windows(chance: random.Random) -> list[Interval]:
    windows = []
    for _ in range(chance.randint(0, 12)):
        start = chance.randint(0, 90)
        windows.append(hours(start / 4, (start + chance.randint(1, 16)) / 4))
    return windows


@pytest.mark.parametrize("seed", range(200))
def test_the_sweeps_agree_with_counting_quarter_hours(seed: int) -> None:
    chance = random.Random(seed)
    a, b = _random_windows(chance), _random_windows(chance)

    assert normalise(a) == _from_quarters(_quarters(a))
    assert union(a, b) == _from_quarters(_quarters(a) | _quarters(b))
    assert intersection(a, b) == _from_quarters(_quarters(a) & _quarters(b))
    assert subtract(a, b) == _from_quarters(_quarters(a) - _quarters(b))
    for result in (normalise(a), union(a, b), intersection(a, b), subtract(a, b)):
        assert all(one.end < two.start for one, two in itertools.pairwise(result))

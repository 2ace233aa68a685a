"""Time windows as half-open intervals [start, end) and the algebra on lists of them.
Every list a function here returns is normalised: sorted, with no two windows overlapping
or touching."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, order=True, slots=True)
class Interval:
    """A window of time from `start` up to, but not including, `end`.

    Both ends are kept in UTC whatever zone they were given in: Python compares and
    subtracts two datetimes that share one tzinfo by their wall clocks, which is wrong
    across a clock change (a London day of 25 hours would measure 24).
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("an interval needs timezone-aware start and end times")
        start = self.start.astimezone(UTC)
        end = self.end.astimezone(UTC)
        if end <= start:
            raise ValueError(f"an interval must end after it starts ({start} to {end})")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        """True when the two share some time; windows that only touch do not overlap."""
        return self.start < other.end and other.start < self.end

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, and merge windows that overlap or touch (18:00-19:00 and 19:00-20:00 become
    18:00-20:00: to the person they are one stretch of free time)."""
    merged: list[Interval] = []
    start: datetime | None = None
    end: datetime | None = None
    for interval in sorted(intervals):
        if start is None or end is None:
            start, end = interval.start, interval.end
        elif interval.start <= end:
            end = max(end, interval.end)
        else:
            merged.append(Interval(start, end))
            start, end = interval.start, interval.end
    if start is not None and end is not None:
        merged.append(Interval(start, end))
    return merged


def union(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    return normalise([*a, *b])


def intersection(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The time that lies in both `a` and `b`."""
    left, right = normalise(a), normalise(b)
    result: list[Interval] = []
    i = j = 0
    # Both lists are sorted and disjoint, so one pass that always advances whichever
    # window ends first meets every overlapping pair.
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Interval(start, end))
        if left[i].end <= right[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The time in `a` that is not in `b`."""
    keep, remove = normalise(a), normalise(b)
    result: list[Interval] = []
    j = 0
    for interval in keep:
        start = interval.start
        # Windows of `remove` that end before this one starts cannot touch it or any
        # later one, so the pointer only moves forward.
        while j < len(remove) and remove[j].end <= start:
            j += 1
        k = j
        while k < len(remove) and remove[k].start < interval.end:
            if start < remove[k].start:
                result.append(Interval(start, remove[k].start))
            start = max(start, remove[k].end)
            k += 1
        if start < interval.end:
            result.append(Interval(start, interval.end))
    return result


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """The parts of `intervals` that fall inside `window`."""
    return intersection(intervals, [window])

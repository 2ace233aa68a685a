"""Quiet hours keep texts out of the night, reminders move earlier rather than later, and
failed sends wait longer each time, all in London's wall-clock time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from notifications.timing import LONDON, Backoff, QuietHours

QUIET = QuietHours()  # 20:00-09:00 Europe/London


def london(day: str, at: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "at", "quiet"),
    [
        ("2027-03-01", "19:59", False),
        ("2027-03-01", "20:00", True),
        ("2027-03-01", "23:30", True),
        ("2027-03-02", "03:00", True),
        ("2027-03-02", "08:59", True),
        ("2027-03-02", "09:00", False),
        ("2027-07-01", "20:30", True),  # summer time: still 20:30 on the wall
        ("2027-07-01", "12:00", False),
    ],
)
def test_quiet_hours_are_london_evenings_and_nights(day: str, at: str, quiet: bool) -> None:
    assert QUIET.contains(london(day, at)) is quiet


def test_a_text_written_at_night_waits_for_nine_in_the_morning() -> None:
    assert QUIET.next_allowed(london("2027-03-01", "22:10")) == london("2027-03-02", "09:00")
    assert QUIET.next_allowed(london("2027-03-02", "06:00")) == london("2027-03-02", "09:00")
    daytime = london("2027-03-02", "11:00")
    assert QUIET.next_allowed(daytime) == daytime


@pytest.mark.parametrize(
    ("night", "morning"),
    [
        # The nights of both 2027 clock changes: 09:00 on the wall, whatever the offset.
        (london("2027-03-27", "23:00"), london("2027-03-28", "09:00")),
        (london("2027-10-30", "23:00"), london("2027-10-31", "09:00")),
    ],
)
def test_the_morning_after_a_clock_change_is_still_nine(night: datetime, morning: datetime) -> None:
    allowed = QUIET.next_allowed(night)
    assert allowed == morning
    assert allowed.astimezone(LONDON).time() == time(9, 0)


def test_a_reminder_due_at_night_goes_the_evening_before_not_the_morning_after() -> None:
    # Two hours before a 09:30 panel is 07:30: too early to text, so the evening before.
    moved = QUIET.latest_before(london("2027-03-02", "07:30"))
    assert moved == london("2027-03-01", "19:30")
    assert not QUIET.contains(moved)
    # Late evening: earlier the same evening.
    assert QUIET.latest_before(london("2027-03-01", "21:45")) == london("2027-03-01", "19:30")
    daytime = london("2027-03-02", "15:00")
    assert QUIET.latest_before(daytime) == daytime


def test_no_quiet_hours_when_start_and_end_are_the_same() -> None:
    never = QuietHours(start=time(0), end=time(0))
    night = london("2027-03-01", "03:00")
    assert not never.contains(night)
    assert never.next_allowed(night) == night


def test_daytime_quiet_hours_are_supported() -> None:
    lunch = QuietHours(start=time(12), end=time(14))
    assert lunch.contains(london("2027-03-01", "13:00"))
    assert not lunch.contains(london("2027-03-01", "21:00"))
    assert lunch.next_allowed(london("2027-03-01", "13:00")) == london("2027-03-01", "14:00")


def test_retries_wait_longer_each_time_up_to_a_cap_then_give_up() -> None:
    backoff = Backoff(first=timedelta(seconds=30), cap=timedelta(minutes=10), attempts=6)
    waits = [backoff.wait(n) for n in range(1, 7)]
    assert waits == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
        timedelta(seconds=480),
        timedelta(minutes=10),
    ]
    assert not backoff.gives_up(5)
    assert backoff.gives_up(6)

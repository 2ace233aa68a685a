"""Busy times from people's own calendar exports, read across the March 2027 clock change.

The fixtures follow the shape of real exports: google.ics of a Google Calendar export,
outlook.ics of an Outlook 16 / Exchange one (Windows zone name, Microsoft busy status)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduling.icalendar_in import CalendarUnreadable, busy_times
from scheduling.intervals import Interval
from scheduling.recurrence import LONDON

FIXTURES = Path(__file__).parent / "fixtures"

# Monday 22 March to Monday 5 April 2027 in London; the clocks go forward on the 28th.
FORTNIGHT = Interval(datetime(2027, 3, 22, tzinfo=LONDON), datetime(2027, 4, 5, tzinfo=LONDON))


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


def calendar(*event_lines: str) -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//njp tests//EN",
            "BEGIN:VEVENT",
            "UID:one@example.org",
            "DTSTAMP:20270301T000000Z",
            *event_lines,
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def test_a_google_calendar_export() -> None:
    busy = busy_times((FIXTURES / "google.ics").read_bytes(), FORTNIGHT)

    assert busy == [
        # Choir, Mondays 19:00-20:30 London; the Easter Monday one was cancelled.
        Interval(utc(3, 22, 19), utc(3, 22, 20, 30)),
        # Work shift, Tuesdays and Thursdays 09:00-17:00 London, GMT this week.
        Interval(utc(3, 23, 9), utc(3, 23, 17)),
        # Dentist, given in UTC.
        Interval(utc(3, 24, 18, 30), utc(3, 24, 20)),
        # Thursday 25th's shift is excluded (EXDATE). The weekend away, an all-day event on
        # the 27th and 28th: midnight GMT to midnight BST, 47 hours.
        Interval(utc(3, 27, 0), utc(3, 28, 23)),
        # Tuesday 30th's shift moved to 12:00-20:00 BST (RECURRENCE-ID).
        Interval(utc(3, 30, 11), utc(3, 30, 19)),
        # Parents' evening, in UTC. Putting the bins out that morning is marked free, and
        # so is the all-day birthday on 1 April.
        Interval(utc(3, 31, 17), utc(3, 31, 18, 30)),
        # Thursday's shift, now in BST.
        Interval(utc(4, 1, 8), utc(4, 1, 16)),
        # An extra Saturday shift added with RDATE. Friday's book club was cancelled.
        Interval(utc(4, 3, 8), utc(4, 3, 16)),
    ]


def test_an_outlook_export() -> None:
    busy = busy_times((FIXTURES / "outlook.ics").read_bytes(), FORTNIGHT)

    assert busy == [
        # Food bank shift, Mondays, Wednesdays and Fridays 10:00-13:00 "GMT Standard Time".
        Interval(utc(3, 22, 10), utc(3, 22, 13)),
        # School governors, shown as tentative: it still blocks.
        Interval(utc(3, 23, 18), utc(3, 23, 19, 30)),
        Interval(utc(3, 24, 10), utc(3, 24, 13)),
        # Good Friday's shift is excluded (EXDATE). Night shelter cover, 00:30 to 03:00 on
        # the night the clocks go forward: an hour and a half.
        Interval(utc(3, 28, 0, 30), utc(3, 28, 2)),
        # The shift now in BST.
        Interval(utc(3, 29, 9), utc(3, 29, 12)),
        # Tuesday's lunch is shown as free (X-MICROSOFT-CDO-BUSYSTATUS:FREE, no TRANSP) and
        # the parking permit reminder is a moment with no end: neither blocks.
        Interval(utc(3, 31, 9), utc(3, 31, 12)),
        # Annual leave on 1 April, an all-day out-of-office event: the BST day.
        Interval(utc(3, 31, 23), utc(4, 1, 23)),
        Interval(utc(4, 2, 9), utc(4, 2, 12)),
    ]


def test_busy_times_are_cut_to_the_question() -> None:
    tuesday_afternoon = Interval(utc(3, 23, 12), utc(3, 23, 19))

    assert busy_times((FIXTURES / "outlook.ics").read_bytes(), tuesday_afternoon) == [
        Interval(utc(3, 23, 18), utc(3, 23, 19))
    ]
    assert busy_times((FIXTURES / "google.ics").read_bytes(), tuesday_afternoon) == [
        Interval(utc(3, 23, 12), utc(3, 23, 17))
    ]


def test_text_is_read_as_well_as_bytes() -> None:
    text = (FIXTURES / "google.ics").read_text(encoding="utf-8")

    assert busy_times(text, FORTNIGHT) == busy_times(text.encode(), FORTNIGHT)


def test_a_floating_time_is_read_as_london_time() -> None:
    ics = calendar("DTSTART:20270401T180000", "DTEND:20270401T200000")

    assert busy_times(ics, FORTNIGHT) == [Interval(utc(4, 1, 17), utc(4, 1, 19))]


def test_a_duration_gives_the_end() -> None:
    ics = calendar("DTSTART;TZID=Europe/London:20270323T180000", "DURATION:PT90M")

    assert busy_times(ics, FORTNIGHT) == [Interval(utc(3, 23, 18), utc(3, 23, 19, 30))]


def test_an_all_day_event_with_no_end_is_one_day() -> None:
    ics = calendar("DTSTART;VALUE=DATE:20270328")

    assert busy_times(ics, FORTNIGHT) == [Interval(utc(3, 28, 0), utc(3, 28, 23))]


def test_a_timed_event_with_no_end_blocks_nothing() -> None:
    ics = calendar("DTSTART;TZID=Europe/London:20270323T180000")

    assert busy_times(ics, FORTNIGHT) == []


@pytest.mark.parametrize(
    "marking",
    ["STATUS:CANCELLED", "TRANSP:TRANSPARENT", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"],
)
def test_cancelled_or_free_events_do_not_block(marking: str) -> None:
    ics = calendar("DTSTART:20270323T180000Z", "DTEND:20270323T200000Z", marking)

    assert busy_times(ics, FORTNIGHT) == []


@pytest.mark.parametrize(
    "marking",
    [
        "STATUS:TENTATIVE",
        "TRANSP:OPAQUE",
        "X-MICROSOFT-CDO-BUSYSTATUS:OOF",
        "X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE",
    ],
)
def test_other_statuses_block(marking: str) -> None:
    ics = calendar("DTSTART:20270323T180000Z", "DTEND:20270323T200000Z", marking)

    assert busy_times(ics, FORTNIGHT) == [Interval(utc(3, 23, 18), utc(3, 23, 20))]


@pytest.mark.parametrize(
    "ics",
    [
        b"",
        b"hello",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Name,Start,End\nDentist,2027-03-24 18:30,2027-03-24 20:00\n",
        # A lone event is not a calendar file.
        b"BEGIN:VEVENT\r\nDTSTART:20270323T180000Z\r\nEND:VEVENT\r\n",
        # A calendar with an event whose start is not a time.
        calendar("DTSTART:next tuesday").encode(),
        # ... or with no start at all.
        calendar("DTEND:20270323T200000Z").encode(),
        # ... or with a start that is a period of time.
        calendar("DTSTART;VALUE=PERIOD:20270323T180000Z/PT1H").encode(),
        # ... or with a repeat rule that cannot be followed.
        calendar("DTSTART:20270323T180000Z", "RRULE:FREQ=SOMETIMES").encode(),
        calendar("DTSTART:20270323T180000Z", "RRULE:FREQ=WEEKLY;INTERVAL=often").encode(),
    ],
)
def test_something_that_is_not_a_calendar_is_refused_in_plain_words(ics: bytes) -> None:
    with pytest.raises(CalendarUnreadable, match=r"not a calendar file \(\.ics\) we can read"):
        busy_times(ics, FORTNIGHT)


def test_a_file_over_5_mb_is_refused_before_it_is_read() -> None:
    padding = "X-PADDING:" + "x" * 60
    huge = calendar(*([padding] * 90_000))
    assert len(huge.encode()) > 5 * 1024 * 1024

    with pytest.raises(CalendarUnreadable, match="larger than 5 MB"):
        busy_times(huge, FORTNIGHT)


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=MINUTELY",
        "RRULE:FREQ=HOURLY",
        "RRULE:FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14,15,16,17;BYMINUTE=0,10,20,30,40,50",
    ],
)
def test_a_few_lines_repeating_for_ever_are_refused_at_once(rule: str) -> None:
    # Expanding these would walk every minute or hour since 1900: minutes of work and
    # gigabytes of memory for a file of a few hundred bytes.
    ics = calendar("DTSTART:19000101T090000Z", "DURATION:PT5M", rule)

    with pytest.raises(CalendarUnreadable, match="repeat too often"):
        busy_times(ics, FORTNIGHT)


def test_long_running_everyday_repeats_are_still_read() -> None:
    daily_since_2000 = calendar("DTSTART:20000103T080000Z", "DURATION:PT15M", "RRULE:FREQ=DAILY")
    yearly_since_1950 = calendar(
        "DTSTART;VALUE=DATE:19500401", "RRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=1"
    )

    assert len(busy_times(daily_since_2000, FORTNIGHT)) == 14
    assert busy_times(yearly_since_1950, FORTNIGHT) == [Interval(utc(3, 31, 23), utc(4, 1, 23))]

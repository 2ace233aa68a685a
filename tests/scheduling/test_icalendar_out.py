"""The .ics documents njp writes, read back by ical.js (Thunderbird's parser): feeds and
invitations land at the right times across both clock changes, updates and cancellations
replace the event a facilitator already has, and text survives the trip."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from scheduling.icalendar_out import LONDON, Attendee, CalendarEntry, feed, invitation
from tests.icaljs import parse_with_icaljs

STAMP = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
ORGANISER = Attendee('Hughes, Bethan "Beth"; coordinator', "panels@njp.example", role="CHAIR")
ALED = Attendee("Aled Jones", "aled.jones@volunteers.example")
SIAN = Attendee(
    "Siân Roberts", "sian.roberts@volunteers.example", role="OPT-PARTICIPANT", needs_reply=False
)


def panel(
    day: date,
    *,
    uid: str = "panel-1@njp.example",
    sequence: int = 0,
    status: Any = "CONFIRMED",
    summary: str = "Neighbourhood Justice Panel",
    location: str = "Community Centre, Mill Street",
    description: str = "",
) -> CalendarEntry:
    """A panel from 18:00 to 20:00 London time on the day."""
    return CalendarEntry(
        uid=uid,
        sequence=sequence,
        start=datetime(day.year, day.month, day.day, 18, tzinfo=LONDON),
        end=datetime(day.year, day.month, day.day, 20, tzinfo=LONDON),
        summary=summary,
        location=location,
        description=description,
        status=status,
        organiser=ORGANISER,
        attendees=(ALED, SIAN),
        stamp=STAMP,
    )


# 18:00-20:00 London time is 18:00Z-20:00Z in GMT and 17:00Z-19:00Z in BST. The clocks
# go forward on 28 March 2027 and back on 31 October 2027; the summers either side make
# the feed span three years, so the VTIMEZONE has to hold more than one year's rules.
AROUND_THE_CLOCK_CHANGES = {
    date(2026, 7, 1): ("2026-07-01T17:00:00Z", "2026-07-01T19:00:00Z"),
    date(2027, 3, 23): ("2027-03-23T18:00:00Z", "2027-03-23T20:00:00Z"),
    date(2027, 3, 30): ("2027-03-30T17:00:00Z", "2027-03-30T19:00:00Z"),
    date(2027, 10, 26): ("2027-10-26T17:00:00Z", "2027-10-26T19:00:00Z"),
    date(2027, 11, 2): ("2027-11-02T18:00:00Z", "2027-11-02T20:00:00Z"),
    date(2028, 7, 1): ("2028-07-01T17:00:00Z", "2028-07-01T19:00:00Z"),
}


def unfolded(ics: bytes) -> list[str]:
    """The content lines of a document, folding undone."""
    return ics.replace(b"\r\n ", b"").decode().split("\r\n")


def in_events(lines: list[str]) -> list[str]:
    """The lines inside VEVENTs (leaving out the VTIMEZONE's own DTSTARTs)."""
    inside, kept = False, []
    for line in lines:
        inside = (inside or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        if inside:
            kept.append(line)
    return kept


def by_uid(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {event["uid"]: event for event in parsed["events"]}


def test_a_feed_puts_panels_at_the_right_times_either_side_of_both_clock_changes() -> None:
    entries = [panel(day, uid=f"{day}@njp.example") for day in AROUND_THE_CLOCK_CHANGES]

    parsed = parse_with_icaljs(feed("North panels", entries))

    assert parsed["method"] == "PUBLISH"
    assert parsed["calendar_name"] == "North panels"
    times = {uid: (e["start_utc"], e["end_utc"]) for uid, e in by_uid(parsed).items()}
    assert times == {f"{day}@njp.example": utc for day, utc in AROUND_THE_CLOCK_CHANGES.items()}


@pytest.mark.parametrize(
    ("day", "start_utc", "end_utc"),
    [(day, *utc) for day, utc in AROUND_THE_CLOCK_CHANGES.items()],
    ids=str,
)
def test_an_invitation_puts_the_panel_at_the_right_time(
    day: date, start_utc: str, end_utc: str
) -> None:
    for method in ("REQUEST", "CANCEL"):
        (event,) = parse_with_icaljs(invitation(panel(day), method=method))["events"]
        assert (event["start_utc"], event["end_utc"]) == (start_utc, end_utc)


@pytest.mark.parametrize(
    "start",
    [
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),  # 01:30 BST, the first 01:30
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # 01:30 GMT, the second
    ],
    ids=["first", "second"],
)
def test_a_time_in_the_hour_repeated_when_the_clocks_go_back_keeps_its_instant(
    start: datetime,
) -> None:
    entry = CalendarEntry(
        uid="handover@njp.example",
        sequence=0,
        start=start,
        end=datetime(2027, 10, 31, 3, 0, tzinfo=UTC),
        summary="Night shift handover",
    )

    (event,) = parse_with_icaljs(feed("Handovers", [entry]))["events"]

    assert event["start_utc"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert event["end_utc"] == "2027-10-31T03:00:00Z"


def documents() -> dict[str, bytes]:
    entries = [panel(day, uid=f"{day}@njp.example") for day in AROUND_THE_CLOCK_CHANGES]
    return {
        "feed": feed("North panels", entries),
        "request": invitation(panel(date(2027, 3, 30)), method="REQUEST"),
        "cancel": invitation(panel(date(2027, 10, 26)), method="CANCEL"),
        "empty feed": feed("North panels", []),
    }


@pytest.mark.parametrize("kind", list(documents()))
def test_the_london_time_zone_is_embedded_once_and_every_time_uses_it(kind: str) -> None:
    ics = documents()[kind]
    lines = unfolded(ics)

    assert lines.count("BEGIN:VTIMEZONE") == 1
    assert "TZID:Europe/London" in lines
    event_times = [line for line in in_events(lines) if re.match(r"(DTSTART|DTEND)[;:]", line)]
    assert all(
        line.startswith(("DTSTART;TZID=Europe/London:", "DTEND;TZID=Europe/London:"))
        for line in event_times
    )
    parsed = parse_with_icaljs(ics)
    assert parsed["timezones"] == ["Europe/London"]
    assert len(event_times) == 2 * len(parsed["events"])
    for event in parsed["events"]:
        assert (event["start_tzid"], event["end_tzid"]) == ("Europe/London", "Europe/London")


def test_an_invitation_names_the_organiser_and_asks_each_facilitator() -> None:
    parsed = parse_with_icaljs(invitation(panel(date(2027, 3, 30), sequence=3), method="REQUEST"))

    assert parsed["method"] == "REQUEST"
    assert parsed["timezones"] == ["Europe/London"]
    (event,) = parsed["events"]
    assert (event["uid"], event["sequence"], event["status"]) == (
        "panel-1@njp.example",
        3,
        "CONFIRMED",
    )
    assert event["organizer"]["email"] == "mailto:panels@njp.example"
    assert event["organizer"]["cn"] == 'Hughes, Bethan "Beth"; coordinator'
    assert [
        (a["email"], a["cn"], a["role"], a["partstat"], a["rsvp"]) for a in event["attendees"]
    ] == [
        (
            "mailto:aled.jones@volunteers.example",
            "Aled Jones",
            "REQ-PARTICIPANT",
            "NEEDS-ACTION",
            "TRUE",
        ),
        (
            "mailto:sian.roberts@volunteers.example",
            "Siân Roberts",
            "OPT-PARTICIPANT",
            "NEEDS-ACTION",
            "FALSE",
        ),
    ]


def test_a_moved_panel_is_sent_again_under_the_same_uid_with_a_higher_sequence() -> None:
    booked = parse_with_icaljs(invitation(panel(date(2027, 3, 23)), method="REQUEST"))
    moved = parse_with_icaljs(invitation(panel(date(2027, 3, 30), sequence=1), method="REQUEST"))

    (before,), (after,) = booked["events"], moved["events"]
    assert after["uid"] == before["uid"] == "panel-1@njp.example"
    assert (before["sequence"], after["sequence"]) == (0, 1)
    assert (after["start_utc"], after["end_utc"]) == (
        "2027-03-30T17:00:00Z",
        "2027-03-30T19:00:00Z",
    )


def test_a_cancellation_cancels_the_same_event_and_asks_for_no_reply() -> None:
    # The entry still says CONFIRMED: the method decides, so a caller cannot forget.
    parsed = parse_with_icaljs(invitation(panel(date(2027, 10, 26), sequence=2), method="CANCEL"))

    assert parsed["method"] == "CANCEL"
    (event,) = parsed["events"]
    assert (event["uid"], event["sequence"], event["status"]) == (
        "panel-1@njp.example",
        2,
        "CANCELLED",
    )
    assert event["organizer"]["email"] == "mailto:panels@njp.example"
    assert [(a["cn"], a["rsvp"]) for a in event["attendees"]] == [
        ("Aled Jones", "FALSE"),
        ("Siân Roberts", "FALSE"),
    ]


def test_a_feed_keeps_a_cancelled_panel_so_subscribers_drop_it() -> None:
    entries = [
        panel(date(2027, 3, 23), uid="kept@njp.example"),
        panel(date(2027, 3, 30), uid="called-off@njp.example", sequence=1, status="CANCELLED"),
        panel(date(2027, 4, 6), uid="pencilled@njp.example", status="TENTATIVE"),
    ]

    events = by_uid(parse_with_icaljs(feed("North panels", entries)))

    assert {uid: (e["status"], e["sequence"]) for uid, e in events.items()} == {
        "kept@njp.example": ("CONFIRMED", 0),
        "called-off@njp.example": ("CANCELLED", 1),
        "pencilled@njp.example": ("TENTATIVE", 0),
    }


def test_a_feed_carries_no_one_s_email_address() -> None:
    ics = feed("North panels", [panel(date(2027, 3, 23))])

    assert b"@volunteers.example" not in ics
    assert b"panels@njp.example" not in ics
    (event,) = parse_with_icaljs(ics)["events"]
    assert (event["organizer"], event["attendees"]) == (None, [])


def test_an_empty_feed_is_a_calendar_ical_js_reads() -> None:
    parsed = parse_with_icaljs(feed("Nothing booked yet", []))

    assert (parsed["method"], parsed["calendar_name"], parsed["events"]) == (
        "PUBLISH",
        "Nothing booked yet",
        [],
    )


def test_a_feed_tells_clients_how_often_to_refresh_and_who_wrote_it() -> None:
    lines = unfolded(
        feed("North panels", [panel(date(2027, 3, 23))], refresh=timedelta(minutes=30))
    )

    for line in (
        "VERSION:2.0",
        "PRODID:-//njp//Neighbourhood Justice Panels//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME;VALUE=TEXT:North panels",
        "REFRESH-INTERVAL;VALUE=DURATION:PT30M",
        "X-PUBLISHED-TTL:PT30M",
        "DTSTAMP:20270104T093000Z",
    ):
        assert line in lines


WELSH_SUMMARY = "Panel: Tŷ Gwyn, Stryd Fawr; adolygiad\nRhan 2 — ŵyn ac ŷd"
WELSH_LOCATION = "Neuadd y Pentref, Llanfair; Ystafell 2 (mynediad di-ris)"
WELSH_DESCRIPTION = (
    "Dewch â'ch nodiadau; bydd paned a bisgedi.\n"
    "Parcio: y tu ôl i'r neuadd, ger yr ysgol.\n\n"
    "Cyswllt: 01234 567890 — gofynnwch am Siân, neu'r swyddog ar ddyletswydd; diolch!\n"
    + "ŵŷâêîôû, "
    * 12
)


@pytest.mark.parametrize("kind", ["feed", "request", "cancel"])
def test_text_with_commas_semicolons_newlines_and_welsh_arrives_unchanged(kind: str) -> None:
    entry = panel(
        date(2027, 3, 30),
        summary=WELSH_SUMMARY,
        location=WELSH_LOCATION,
        description=WELSH_DESCRIPTION,
    )
    ics = {
        "feed": lambda: feed("Paneli: y Gogledd, Llanfair", [entry]),
        "request": lambda: invitation(entry, method="REQUEST"),
        "cancel": lambda: invitation(entry, method="CANCEL"),
    }[kind]()

    parsed = parse_with_icaljs(ics)

    (event,) = parsed["events"]
    assert (event["summary"], event["location"], event["description"]) == (
        WELSH_SUMMARY,
        WELSH_LOCATION,
        WELSH_DESCRIPTION,
    )
    if kind == "feed":
        assert parsed["calendar_name"] == "Paneli: y Gogledd, Llanfair"


def test_lines_end_in_crlf_and_are_folded_at_75_octets() -> None:
    entry = panel(date(2027, 3, 30), location=WELSH_LOCATION, description=WELSH_DESCRIPTION)
    ics = invitation(entry, method="REQUEST")

    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    assert b"\r" not in ics.replace(b"\r\n", b"")
    lines = ics.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    continuations = [line for line in lines if line.startswith(b" ")]
    assert len(continuations) >= 3  # the description is long enough to need folding
    # A fold never splits a multi-byte character.
    for line in lines:
        line.decode("utf-8")


def test_an_invitation_without_an_organiser_is_refused() -> None:
    entry = CalendarEntry(
        uid="panel-1@njp.example",
        sequence=0,
        start=datetime(2027, 3, 30, 18, tzinfo=LONDON),
        end=datetime(2027, 3, 30, 20, tzinfo=LONDON),
        summary="Neighbourhood Justice Panel",
        attendees=(ALED,),
    )

    with pytest.raises(ValueError, match="organiser"):
        invitation(entry, method="REQUEST")


def test_a_cancelled_panel_is_not_sent_as_a_request() -> None:
    with pytest.raises(ValueError, match="CANCEL"):
        invitation(panel(date(2027, 3, 30), status="CANCELLED"), method="REQUEST")


def test_two_entries_with_one_uid_are_refused_in_a_feed() -> None:
    with pytest.raises(ValueError, match=r"panel-1@njp\.example"):
        feed("North panels", [panel(date(2027, 3, 23)), panel(date(2027, 3, 30))])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2027, 3, 30, 18)}, "timezone-aware"),  # noqa: DTZ001
        ({"stamp": datetime(2027, 1, 4, 9)}, "timezone-aware"),  # noqa: DTZ001
        ({"end": datetime(2027, 3, 30, 18, tzinfo=LONDON)}, "not after"),
        ({"end": datetime(2027, 3, 30, 17, tzinfo=LONDON)}, "not after"),
        ({"sequence": -1}, "sequence"),
        ({"uid": " "}, "uid"),
        ({"status": "MAYBE"}, "status"),
    ],
)
def test_an_entry_that_no_calendar_could_show_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {
        "uid": "panel-1@njp.example",
        "sequence": 0,
        "start": datetime(2027, 3, 30, 18, tzinfo=LONDON),
        "end": datetime(2027, 3, 30, 20, tzinfo=LONDON),
        "summary": "Neighbourhood Justice Panel",
    }
    with pytest.raises(ValueError, match=message):
        CalendarEntry(**(fields | changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"email": "not an address"}, "email"), ({"role": "FACILITATOR"}, "role")],
)
def test_an_attendee_calendars_would_not_understand_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Attendee(**({"name": "Aled Jones", "email": "aled@volunteers.example"} | changes))


def test_the_check_fails_on_a_document_ical_js_cannot_read() -> None:
    with pytest.raises(AssertionError, match="cannot parse"):
        parse_with_icaljs(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nnot a content line\r\n")


def test_the_check_fails_on_a_time_zone_the_document_does_not_define() -> None:
    # Without this, ical.js would read the time as floating and the check would pass
    # whatever the document said about the zone.
    ics = unfolded(feed("North panels", [panel(date(2027, 3, 30))]))
    start = ics.index("BEGIN:VTIMEZONE")
    without_zone = ics[:start] + ics[ics.index("END:VTIMEZONE") + 1 :]

    with pytest.raises(AssertionError, match="no embedded VTIMEZONE"):
        parse_with_icaljs("\r\n".join(without_zone).encode())

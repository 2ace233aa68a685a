"""The texts people get: only the time, the place, the scheme and the reply words; kind,
short, in English or Welsh, and right about the local time across clock changes."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from notifications.segments import count_segments
from notifications.templates import (
    FORBIDDEN_WORDS,
    LANGUAGES,
    WITH_LINK,
    WITH_PHONE,
    WITH_QUESTION,
    WITH_REFERENCE,
    WITH_VENUE,
    WITH_WHEN,
    Details,
    MessageKind,
    check_safe,
    needs_when,
    render,
)
from panels.cases.tables import OffenceCategory

K = MessageKind

# Tuesday 2 March 2027, 18:00 in London (GMT).
TUESDAY_EVENING = datetime(2027, 3, 2, 18, tzinfo=UTC)

REALISTIC = Details(
    scheme_name="Northshire Neighbourhood Justice Panel",
    scheme_phone="01632 960123",
    when=TUESDAY_EVENING,
    venue_name="Millbrook Community Centre",
    venue_address="12 High Street, Millbrook",
    reference="NJP-2027-000123",
    question="How much did you feel listened to?",
    # A survey's token link as the scheme's public address builds it (43 characters).
    link="https://njp.northshire.example/s/" + "Tq9-dX_" * 6 + "z",
)

EVERY_MESSAGE = list(itertools.product(MessageKind, LANGUAGES))

FACILITATOR_KINDS = {
    K.facilitator_booked,
    K.facilitator_reminder,
    K.facilitator_rescheduled,
    K.facilitator_cancelled,
    K.facilitator_released,
}
ABOUT_A_MEETING = {K.invitation, K.reminder, K.rescheduled, K.cancelled, K.reply_confirmed}
REPARATION_KINDS = {
    K.reparation_booked,
    K.reparation_reminder,
    K.reparation_missed,
    K.reparation_cancelled,
}


def every_shape_of(details: Details) -> list[Details]:
    """The details with each optional field present or left out, in every combination."""
    return [
        Details(details.scheme_name, phone, when, venue, address, reference, question, link)
        for phone, when, venue, address, reference, question, link in itertools.product(
            (details.scheme_phone, ""),
            (details.when, None),
            (details.venue_name, ""),
            (details.venue_address, ""),
            (details.reference, ""),
            (details.question, ""),
            (details.link, ""),
        )
    ]


@pytest.mark.parametrize(("kind", "language"), EVERY_MESSAGE)
def test_no_message_names_the_offence_or_what_people_are(kind: MessageKind, language: str) -> None:
    # Every branch of every template: with each detail given and left out.
    for details in every_shape_of(REALISTIC):
        text = render(kind, language, details)

        assert check_safe(text) == [], text


@pytest.mark.parametrize(("kind", "language"), EVERY_MESSAGE)
def test_a_message_carries_only_the_details_its_kind_needs(
    kind: MessageKind, language: str
) -> None:
    text = render(kind, language, REALISTIC)

    assert REALISTIC.scheme_name in text
    assert ("NJP-2027-000123" in text) == (kind in FACILITATOR_KINDS)
    assert ("01632 960123" in text) == (kind in WITH_PHONE)
    assert ("18:00" in text) == (kind in WITH_WHEN)
    assert ("Millbrook Community Centre" in text) == (kind in WITH_VENUE)
    assert ("12 High Street, Millbrook" in text) == (kind in WITH_VENUE)
    assert (REALISTIC.question in text) == (kind in WITH_QUESTION)
    assert (REALISTIC.link in text) == (kind in WITH_LINK)


def test_the_kind_sets_say_what_each_kind_shows() -> None:
    assert WITH_REFERENCE == FACILITATOR_KINDS
    assert {K.cancelled, K.reply_help, K.reparation_missed, K.agreement_chase} == WITH_PHONE
    assert FACILITATOR_KINDS | ABOUT_A_MEETING | REPARATION_KINDS == WITH_WHEN
    assert {K.survey_question} == WITH_QUESTION
    assert {K.survey_link} == WITH_LINK
    assert WITH_WHEN - {K.cancelled, K.facilitator_cancelled, K.facilitator_released} == WITH_VENUE
    assert [kind for kind in MessageKind if needs_when(kind)] == [
        kind for kind in MessageKind if kind in WITH_WHEN
    ]


@pytest.mark.parametrize(("kind", "language"), EVERY_MESSAGE)
def test_a_missing_detail_leaves_no_gap_in_the_words(kind: MessageKind, language: str) -> None:
    for details in every_shape_of(REALISTIC):
        text = render(kind, language, details)

        assert "  " not in text, text
        for gap in (" .", " ,", " ?", ",.", "on .", "at .", " yn .", "None", "{", "}"):
            assert gap not in text, text
        assert text.startswith("Northshire Neighbourhood Justice Panel: ")
        assert text.endswith((".", "?")), text


def test_the_english_invitation() -> None:
    assert render(K.invitation, "en", REALISTIC) == (
        "Northshire Neighbourhood Justice Panel: Can you meet us on Tue 2 Mar at 18:00 at"
        " Millbrook Community Centre, 12 High Street, Millbrook? Reply YES or NO."
    )


def test_the_welsh_invitation() -> None:
    assert render(K.invitation, "cy", REALISTIC) == (
        "Northshire Neighbourhood Justice Panel: Hoffem eich gwahodd i gyfarfod ddydd Mawrth"
        " 2 Mawrth am 18:00 yn Millbrook Community Centre, 12 High Street, Millbrook."
        " Atebwch IE i gadarnhau, neu NA os na allwch ddod."
    )


@pytest.mark.parametrize("kind", [K.invitation, K.rescheduled])
def test_an_invitation_says_how_to_answer(kind: MessageKind) -> None:
    english = render(kind, "en", REALISTIC)
    welsh = render(kind, "cy", REALISTIC)

    assert "Reply YES or NO" in english
    assert "IE" in welsh
    assert "NA" in welsh


def test_a_reminder_says_how_to_say_you_cannot_come() -> None:
    assert render(K.reminder, "en", REALISTIC).endswith("Can't come? Reply NO.")
    assert render(K.reminder, "cy", REALISTIC).endswith("Os na allwch ddod, atebwch NA.")


# Segments billed for each message with the realistic details above; all GSM-7. English
# to parties fits one segment; the longer Welsh ones take two.
SEGMENTS = {
    K.invitation: (1, 2),
    K.reminder: (1, 2),
    K.rescheduled: (2, 2),
    K.cancelled: (1, 2),
    K.facilitator_booked: (2, 2),
    K.facilitator_reminder: (2, 2),
    K.facilitator_rescheduled: (2, 2),
    K.facilitator_cancelled: (1, 1),
    K.facilitator_released: (1, 1),
    K.reply_confirmed: (1, 1),
    K.reply_declined: (1, 1),
    K.reply_change: (1, 1),
    K.reply_help: (1, 1),
    K.reply_holding: (1, 1),
    K.reply_stopped: (1, 1),
    K.reply_started: (1, 1),
    K.reply_survey_thanks: (1, 1),
    K.survey_question: (1, 1),
    K.survey_link: (2, 2),
    K.reparation_booked: (2, 2),
    K.reparation_reminder: (1, 2),
    K.reparation_missed: (2, 2),
    K.reparation_cancelled: (1, 2),
    K.agreement_chase: (1, 1),
}


@pytest.mark.parametrize(("kind", "language"), EVERY_MESSAGE)
def test_messages_are_short_and_in_the_cheap_alphabet(kind: MessageKind, language: str) -> None:
    english, welsh = SEGMENTS[kind]

    segments = count_segments(render(kind, language, REALISTIC))

    assert segments.encoding == "GSM-7"
    assert segments.count == (english if language == "en" else welsh)


def test_a_reply_to_a_text_is_always_one_segment() -> None:
    replies = [kind for kind in MessageKind if kind.startswith("reply_")]
    for kind, language, details in itertools.product(replies, LANGUAGES, every_shape_of(REALISTIC)):
        assert count_segments(render(kind, language, details)).count == 1


@pytest.mark.parametrize(
    ("when", "english", "welsh"),
    [
        (TUESDAY_EVENING, "Tue 2 Mar at 18:00", "ddydd Mawrth 2 Mawrth am 18:00"),
        # The Mondays after the 2027 clock changes: British Summer Time from 28 March,
        # Greenwich Mean Time again from 31 October.
        (
            datetime(2027, 3, 29, 17, tzinfo=UTC),
            "Mon 29 Mar at 18:00",
            "ddydd Llun 29 Mawrth am 18:00",
        ),
        (
            datetime(2027, 11, 1, 18, tzinfo=UTC),
            "Mon 1 Nov at 18:00",
            "ddydd Llun 1 Tachwedd am 18:00",
        ),
        # Any offset is shown as London time.
        (
            datetime(2027, 7, 30, 19, 30, tzinfo=timezone(timedelta(hours=2))),
            "Fri 30 Jul at 18:30",
            "ddydd Gwener 30 Gorffennaf am 18:30",
        ),
        (
            datetime(2027, 12, 31, 23, 45, tzinfo=timezone(timedelta(hours=-5))),
            "Sat 1 Jan at 04:45",
            "ddydd Sadwrn 1 Ionawr am 04:45",
        ),
    ],
)
def test_times_are_shown_as_london_local_time(when: datetime, english: str, welsh: str) -> None:
    details = replace(REALISTIC, when=when)

    for kind in WITH_WHEN:
        assert english in render(kind, "en", details)
        assert welsh in render(kind, "cy", details)


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render(K.invitation, "en", replace(REALISTIC, when=datetime(2027, 3, 2, 18)))  # noqa: DTZ001


def test_without_a_scheme_phone_the_texts_still_read_well() -> None:
    details = replace(REALISTIC, scheme_phone="")

    assert render(K.reply_help, "en", details) == (
        "Northshire Neighbourhood Justice Panel: We will call you to help."
        " Reply YES to confirm, NO if you can't come, STOP to stop texts."
    )
    assert render(K.reply_help, "cy", details) == (
        "Northshire Neighbourhood Justice Panel: Byddwn yn eich ffonio i helpu."
        " Atebwch IE i gadarnhau, NA os na allwch ddod, neu STOP i atal negeseuon."
    )
    assert render(K.cancelled, "en", details) == (
        "Northshire Neighbourhood Justice Panel: Sorry, the meeting on Tue 2 Mar at 18:00 is"
        " cancelled. We will be in touch soon."
    )
    assert render(K.cancelled, "cy", details).endswith("Byddwn mewn cysylltiad cyn bo hir.")


def test_with_a_scheme_phone_help_gives_it() -> None:
    assert render(K.reply_help, "en", REALISTIC).startswith(
        "Northshire Neighbourhood Justice Panel: For help, call us on 01632 960123."
    )
    assert "ffoniwch ni ar 01632 960123." in render(K.reply_help, "cy", REALISTIC)


def test_an_address_kept_on_several_lines_reads_as_one() -> None:
    details = replace(REALISTIC, venue_address="12 High Street,\n  Millbrook\n\nNorthshire  ")

    text = render(K.invitation, "en", details)

    assert "Millbrook Community Centre, 12 High Street, Millbrook, Northshire?" in text


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("cy", "Hoffem"),
        ("CY", "Hoffem"),
        ("cy-GB", "Hoffem"),
        ("en", "Can you"),
        ("fr", "Can you"),
        ("", "Can you"),
    ],
)
def test_welsh_for_welsh_speakers_and_english_for_everyone_else(language: str, start: str) -> None:
    text = render(K.invitation, language, REALISTIC)

    assert text.startswith(f"Northshire Neighbourhood Justice Panel: {start}")


@pytest.mark.parametrize(
    "text",
    [
        "Victim",
        "VICTIMS",
        "the victim's brother",
        "HARM",
        "harmed",
        "Harm-causer",
        "harm_causer",
        "offender",
        "OffEnDer",
        "youth offending team",
        "the offence",
        "a crime",
        "Police",
        "dioddefwr",
        "troseddwr",
        "niwed",
        "heddlu",
    ],
)
def test_the_guard_catches_forbidden_words_in_any_case(text: str) -> None:
    assert check_safe(text) != []


@pytest.mark.parametrize("category", [c for c in OffenceCategory if c != OffenceCategory.other])
def test_the_guard_catches_every_offence_category(category: OffenceCategory) -> None:
    assert check_safe(category.value) != []
    assert check_safe(category.value.replace("_", " ").capitalize()) != []
    assert check_safe(f"about the {category.value.replace('_', '-')} last week") != []


def test_the_guard_names_what_it_found() -> None:
    assert check_safe("The Victim and the offender; the victim again") == [
        "Victim",
        "offender",
        "victim",
    ]


@pytest.mark.parametrize(
    "text",
    [
        REALISTIC.scheme_name,
        "Harmony Hall, Pharmacy Road, Harmondsworth",
        "Charmouth Village Hall",  # "harm" inside a word
        "St Mary's Church Hall, Elm Court",
        "Cyfarfod yn y Ganolfan Gymunedol",
    ],
)
def test_the_guard_lets_innocent_names_through(text: str) -> None:
    assert check_safe(text) == []


def test_forbidden_words_are_lower_case_stems() -> None:
    assert all(word == word.casefold().strip() and word for word in FORBIDDEN_WORDS)
    assert len(set(FORBIDDEN_WORDS)) == len(FORBIDDEN_WORDS)


def test_the_guard_catches_a_forbidden_word_that_came_in_with_the_details() -> None:
    # Templates show the venue as given, so the service checks the finished text.
    details = replace(REALISTIC, venue_name="Millbrook Police Station")

    assert check_safe(render(K.invitation, "en", details)) == ["Police"]


def test_a_survey_question_says_how_to_answer() -> None:
    assert render(K.survey_question, "en", REALISTIC) == (
        "Northshire Neighbourhood Justice Panel: How much did you feel listened to?"
        " Reply with a number from 1 (lowest) to 5 (highest)."
    )
    assert render(K.survey_question, "cy", replace(REALISTIC, question="Pa mor fodlon?")) == (
        "Northshire Neighbourhood Justice Panel: Pa mor fodlon?"
        " Atebwch gyda rhif o 1 (isaf) i 5 (uchaf)."
    )


def test_a_survey_link_offers_the_page_or_the_next_text() -> None:
    english = render(K.survey_link, "en", REALISTIC)
    welsh = render(K.survey_link, "cy", REALISTIC)

    assert english == (
        f"Northshire Neighbourhood Justice Panel: Please tell us how the meeting went at"
        f" {REALISTIC.link} or by replying to our next text."
    )
    assert f" ar {REALISTIC.link} neu drwy ateb ein neges nesaf." in welsh
    # The address stands apart from the words around it, so a phone links all of it.
    assert f" {REALISTIC.link} " in english
    assert render(K.survey_link, "en", replace(REALISTIC, link="")) == (
        "Northshire Neighbourhood Justice Panel: Please tell us how the meeting went"
        " by replying to our next text."
    )


def test_reparation_texts_say_where_and_when_to_help_and_nothing_more() -> None:
    assert render(K.reparation_booked, "en", REALISTIC) == (
        "Northshire Neighbourhood Justice Panel: You are booked to help at Millbrook Community"
        " Centre, 12 High Street, Millbrook on Tue 2 Mar at 18:00. Reply YES to confirm, NO if"
        " you can't come."
    )
    assert render(K.reparation_reminder, "en", REALISTIC).endswith(
        "on Tue 2 Mar at 18:00. Can't come? Reply NO."
    )
    assert render(K.reparation_missed, "en", REALISTIC) == (
        "Northshire Neighbourhood Justice Panel: We missed you at Millbrook Community Centre,"
        " 12 High Street, Millbrook on Tue 2 Mar at 18:00. Please call 01632 960123 to"
        " rearrange."
    )
    assert render(K.reparation_booked, "cy", REALISTIC).endswith(
        "Atebwch IE i gadarnhau, neu NA os na allwch ddod."
    )
    assert "Ffoniwch ni ar 01632 960123" in render(K.reparation_missed, "cy", REALISTIC)


def test_a_missed_session_without_a_scheme_phone_still_says_what_happens_next() -> None:
    details = replace(REALISTIC, scheme_phone="")

    assert render(K.reparation_missed, "en", details).endswith("We will be in touch to rearrange.")
    assert render(K.reparation_missed, "cy", details).endswith(
        "Byddwn mewn cysylltiad i drefnu amser arall."
    )

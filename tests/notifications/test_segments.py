"""What a text costs to send: its encoding and the segments a carrier bills."""

from __future__ import annotations

import pytest

from notifications.segments import GSM7_BASIC, GSM7_EXTENSION, Segments, count_segments, is_gsm7


def test_the_alphabets_are_the_whole_gsm_03_38_tables() -> None:
    # 128 codes less the escape; ten two-septet characters.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("length", "count"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_plain_text_fills_160_then_153_a_segment(length: int, count: int) -> None:
    assert count_segments("a" * length) == Segments("GSM-7", length, count)


@pytest.mark.parametrize(
    ("length", "count"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3)],
)
def test_unicode_text_fills_70_then_67_a_segment(length: int, count: int) -> None:
    assert count_segments("ŵ" * length) == Segments("UCS-2", length, count)


def test_an_empty_text_is_still_one_message() -> None:
    assert count_segments("") == Segments("GSM-7", 0, 1)


@pytest.mark.parametrize("char", ["€", "^", "{", "}", "\\", "[", "~", "]", "|", "\f"])
def test_extension_characters_cost_two_septets(char: str) -> None:
    assert count_segments(char) == Segments("GSM-7", 2, 1)


def test_the_extension_counts_towards_the_single_segment_limit() -> None:
    assert count_segments("a" * 158 + "€") == Segments("GSM-7", 160, 1)
    assert count_segments("a" * 159 + "€") == Segments("GSM-7", 161, 2)


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # 306 septets would be two full segments, but the euro's two septets cannot be
    # divided between them, so it starts the second and pushes the rest into a third.
    text = "a" * 152 + "€" + "a" * 152

    assert count_segments(text) == Segments("GSM-7", 306, 3)


def test_an_escape_pair_that_fits_leaves_the_count_alone() -> None:
    assert count_segments("a" * 151 + "€" + "a" * 153) == Segments("GSM-7", 306, 2)


def test_an_emoji_is_two_code_units_and_is_never_split() -> None:
    assert count_segments("🙂") == Segments("UCS-2", 2, 1)
    assert count_segments("a" * 68 + "🙂") == Segments("UCS-2", 70, 1)
    assert count_segments("a" * 66 + "🙂" + "a" * 66) == Segments("UCS-2", 134, 3)


@pytest.mark.parametrize(
    "text",
    [
        "We\u2019ll see you then",  # a curly apostrophe, as phones type them
        "Croeso i\u2019r cyfarfod",
        "Caffi Dŵr",
        "Tŷ Hapus",
        "Neuadd â lle",
        "Meet at 18:00 \u2013 20:00",  # an en dash
        "¿Sí?",  # GSM has ì but not í
    ],
)
def test_one_character_outside_the_alphabet_makes_the_whole_text_unicode(text: str) -> None:
    assert not is_gsm7(text)
    assert count_segments(text) == Segments("UCS-2", len(text), 1)


@pytest.mark.parametrize(
    "text",
    [
        "Reply YES to confirm, NO if you can't come.",
        "Atebwch IE i gadarnhau, neu NA os na allwch ddod.",
        "Café £5 @ 18:00 (Ça va? ¿Qué? ¡Olé!) Ü ß Ø Δ",
        "line one\nline two\r\n",
    ],
)
def test_plain_english_and_welsh_without_circumflexes_are_gsm7(text: str) -> None:
    assert is_gsm7(text)
    assert count_segments(text).encoding == "GSM-7"

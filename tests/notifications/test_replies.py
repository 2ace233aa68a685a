"""Reading a text someone sent back: a clear yes, no, change, stop, start, help or score
is acted on; anything unclear is left for a person to read."""

from __future__ import annotations

import pytest

from notifications.replies import Intent, Understood, understand


@pytest.mark.parametrize(
    "body",
    [
        "YES",
        "yes",
        "Yes.",
        "Yes!!",
        "  yes \n",
        "\nYES\n\n",
        "Y",
        "y",
        "Yep",
        "yeah",
        "OK",
        "ok.",
        "Okay",
        "Confirm",
        "CONFIRMED",
        "Yes please",
        "yes thanks",
        "Yes, thank you!",
        "yes I'll be there",
        "Yes I\u2019ll be there",
        "YES I WILL BE THERE",
        "yes  I can   make it",
        "ok see you then x",
        "Thanks, yes",
        "Yes \U0001f44d",
        # Welsh
        "IE",
        "ie",
        "Ie diolch",
        "Ie, diolch yn fawr",
        "OES",
        "Gallaf",
        "gallaf ddod",
        "ie, bydda i yna",
    ],
    ids=repr,
)
def test_a_clear_yes_confirms(body: str) -> None:
    assert understand(body) == Understood(Intent.confirm)


@pytest.mark.parametrize(
    "body",
    [
        "NO",
        "no",
        "No.",
        "N",
        "nope",
        "No sorry",
        "no thanks",
        "No, thank you",
        "CAN'T",
        "cant",
        "can\u2019t",
        "Can\u2019t make it",
        "cannot attend",
        "I can't come",
        "Sorry, I can't make it",
        "No sorry I can't make it",
        "I'm afraid I can't come",
        "\n  no  \n",
        # Welsh
        "NA",
        "na",
        "Na, diolch",
        "NAGE",
        "Nac oes",
        "Na allaf",
        "na allaf ddod",
        "Methu dod",
        "sori, methu dod",
    ],
    ids=repr,
)
def test_a_clear_no_declines(body: str) -> None:
    assert understand(body) == Understood(Intent.decline)


@pytest.mark.parametrize(
    "body",
    [
        "CHANGE",
        "change",
        "Change please",
        "reschedule",
        "Can we change the time?",
        "yes but can we change the time",
        "Can't make it, can we rearrange?",
        "Could we postpone it a week",
        "NEWID",
        "Newid yr amser os gwelwch yn dda",
    ],
    ids=repr,
)
def test_asking_to_move_the_meeting_is_a_change(body: str) -> None:
    assert understand(body) == Understood(Intent.change)


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "stop",
        "Stop.",
        " STOP \n",
        "STOPALL",
        "unsubscribe",
        "CANCEL",
        "End",
        "quit",
        "stopio",
    ],
    ids=repr,
)
def test_stop_on_its_own_stops_texts(body: str) -> None:
    assert understand(body) == Understood(Intent.stop)


@pytest.mark.parametrize(
    "body",
    [
        "please don't stop the meeting",
        "stop please",
        "Stop texting my mum",
        "cancel my meeting",
        "I want to end this",
        "help me stop",
    ],
    ids=repr,
)
def test_stop_words_inside_a_sentence_are_not_an_opt_out(body: str) -> None:
    assert understand(body).intent is Intent.unknown


@pytest.mark.parametrize("body", ["START", "start", "Start!", "UNSTOP", "dechrau"], ids=repr)
def test_start_on_its_own_starts_texts_again(body: str) -> None:
    assert understand(body) == Understood(Intent.start)


@pytest.mark.parametrize("body", ["HELP", "help", "Help?", "INFO", "info", "Cymorth"], ids=repr)
def test_help_on_its_own_asks_for_help(body: str) -> None:
    assert understand(body) == Understood(Intent.help)


@pytest.mark.parametrize("body", ["can you help", "I need help", "more info please"], ids=repr)
def test_help_inside_a_sentence_is_for_a_person(body: str) -> None:
    assert understand(body).intent is Intent.unknown


@pytest.mark.parametrize(
    ("body", "score"),
    [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5), (" 5.", 5), ("4!", 4), ("\n3\n", 3)],
    ids=repr,
)
def test_a_single_digit_from_one_to_five_is_a_score(body: str, score: int) -> None:
    assert understand(body) == Understood(Intent.score, score)


@pytest.mark.parametrize("body", ["0", "6", "9", "10", "45", "4.5", "4/5", "3 4", "-"], ids=repr)
def test_other_numbers_are_not_a_score(body: str) -> None:
    assert understand(body) == Understood(Intent.unknown)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "\n\n",
        "...",
        "\U0001f44d",
        "yes no",
        "Yes, no, maybe",
        "no yes",
        "not sure",
        "maybe",
        "Yes but I might be late",
        "ok I will see",
        "no, I can come",
        "No problem",
        "no worries, see you then",
        "yes if I can",
        "ie os gallaf",
        "no change",
        "please don't change it",
        "no need to change",
        "I can't wait",
        "Who is this?",
        "Is my son going to be there",
        "Y not",
    ],
    ids=repr,
)
def test_anything_unclear_is_left_for_a_person(body: str) -> None:
    assert understand(body) == Understood(Intent.unknown)

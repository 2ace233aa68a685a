"""What a person meant by a text they sent back: yes, no, change the time, stop or start
texts, help, or a survey score. Anything unclear is `unknown`, and a person reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    confirm = "confirm"
    decline = "decline"
    change = "change"
    stop = "stop"
    start = "start"
    help = "help"
    score = "score"
    unknown = "unknown"


@dataclass(frozen=True)
class Understood:
    intent: Intent
    score: int | None = None  # 1 to 5, for Intent.score only


_Phrase = tuple[str, ...]


def _phrases(listed: str) -> frozenset[_Phrase]:
    return frozenset(tuple(text.split()) for text in listed.split(","))


# Only when they are the whole message, as carriers treat them: "stop" opts out, "please
# don't stop the meeting" does not. CANCEL is an opt-out word to carriers too, so it
# cannot mean "cancel my meeting" here.
_WHOLE_MESSAGE: dict[_Phrase, Intent] = {
    **dict.fromkeys(_phrases("stop, stopall, unsubscribe, cancel, end, quit, stopio"), Intent.stop),
    **dict.fromkeys(_phrases("start, unstop, dechrau"), Intent.start),
    **dict.fromkeys(_phrases("help, info, cymorth"), Intent.help),
}

# Welsh answers a question with its verb, so "oes" and "gallaf" say yes as well as "ie".
_KEYWORDS: dict[_Phrase, Intent] = {
    **dict.fromkeys(
        _phrases("yes, y, yep, yeah, yup, ok, okay, confirm, confirmed, ie, oes, gallaf"),
        Intent.confirm,
    ),
    **dict.fromkeys(
        _phrases("no, n, nope, can't, cant, cannot, na, nage, nac oes, na allaf, methu"),
        Intent.decline,
    ),
}

# Words that may sit around a keyword without changing what it means, kept per intent
# and as whole phrases: "yes I'll be there" confirms, but "ok I will see" and "no, I can
# come" are left for a person.
_FILLER: dict[Intent, frozenset[_Phrase]] = {
    Intent.confirm: _phrases(
        "please, thanks, thank you, thankyou, many thanks, cheers, ta, great, lovely, fine,"
        " good, perfect, that's fine, thats fine, sounds good, i'll be there, ill be there,"
        " i will be there, i'll come, i will come, i can come, i can make it, will do,"
        " see you then, see you there, x, xx, xxx, diolch, diolch yn fawr, plis,"
        " os gwelwch yn dda, ddod, bydda i yna, mi fydda i yna, fe fydda i yna"
    ),
    Intent.decline: _phrases(
        "sorry, so sorry, i'm sorry, im sorry, i, i'm, im, afraid, make it, come, attend,"
        " thanks, thank you, x, diolch, sori, mae'n ddrwg gen i, dod, ddod"
    ),
}

# The wish to move the meeting counts anywhere in a message ("yes but can we change the
# time"), unless something denies it ("no need to change").
_CHANGE = frozenset({"change", "reschedule", "rearrange", "postpone", "newid"})
_NEGATIONS = frozenset({"no", "not", "don't", "dont", "never", "na", "nid", "ddim", "peidiwch"})
_SCORES = {"1", "2", "3", "4", "5"}

_LONGEST = max(map(len, [*_KEYWORDS, *_FILLER[Intent.confirm], *_FILLER[Intent.decline]]))
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _words(body: str) -> list[str]:
    """The words of a text, case-folded; punctuation and emoji between them dropped."""
    return _WORD.findall(body.casefold().translate(_APOSTROPHES))


def understand(body: str) -> Understood:
    tokens = _words(body)
    if not tokens:
        return Understood(Intent.unknown)
    whole = _WHOLE_MESSAGE.get(tuple(tokens))
    if whole is not None:
        return Understood(whole)
    if len(tokens) == 1 and tokens[0] in _SCORES:
        return Understood(Intent.score, int(tokens[0]))
    if _CHANGE & set(tokens):
        return Understood(Intent.unknown if _NEGATIONS & set(tokens) else Intent.change)
    return Understood(_answer(tokens))


def _answer(tokens: list[str]) -> Intent:
    """Confirm or decline when the message is one keyword's intent plus its filler."""
    intents: set[Intent] = set()
    fillers: list[_Phrase] = []
    position = 0
    while position < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - position), 0, -1):
            phrase = tuple(tokens[position : position + size])
            if phrase in _KEYWORDS:
                intents.add(_KEYWORDS[phrase])
                break
            if any(phrase in filler for filler in _FILLER.values()):
                fillers.append(phrase)
                break
        else:
            return Intent.unknown
        position += size
    if len(intents) != 1:
        return Intent.unknown
    (intent,) = intents
    if all(phrase in _FILLER[intent] for phrase in fillers):
        return intent
    return Intent.unknown

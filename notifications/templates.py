"""The words of every SMS we send, in English and Welsh, and the guard that no message
names the offence, the people in it or what they are to each other."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
LANGUAGES = ("en", "cy")


class MessageKind(StrEnum):
    invitation = "invitation"
    reminder = "reminder"
    rescheduled = "rescheduled"
    cancelled = "cancelled"
    facilitator_booked = "facilitator_booked"
    facilitator_reminder = "facilitator_reminder"
    facilitator_rescheduled = "facilitator_rescheduled"
    facilitator_cancelled = "facilitator_cancelled"
    # Taken off a panel that moved: about the time they knew.
    facilitator_released = "facilitator_released"
    # Answers to an inbound text, sent back as TwiML.
    reply_confirmed = "reply_confirmed"
    reply_declined = "reply_declined"
    reply_change = "reply_change"
    reply_help = "reply_help"
    reply_holding = "reply_holding"
    reply_stopped = "reply_stopped"
    reply_started = "reply_started"
    reply_survey_thanks = "reply_survey_thanks"
    # Feedback after a panel: one question at a time, and the link to answer online.
    survey_question = "survey_question"
    survey_link = "survey_link"
    # Reparation work with a partner provider (its name and the session's address as the
    # venue).
    reparation_booked = "reparation_booked"
    reparation_reminder = "reparation_reminder"
    reparation_missed = "reparation_missed"
    reparation_cancelled = "reparation_cancelled"
    # A deadline in their agreement passed: a gentle ask to call, nothing more.
    agreement_chase = "agreement_chase"


@dataclass(frozen=True)
class Details:
    """Everything a message may carry. Leave out what a kind does not use; what is
    passed is shown as given, so never put a person's name or the offence here."""

    scheme_name: str
    scheme_phone: str = ""
    when: datetime | None = None  # timezone-aware; shown in Europe/London time
    venue_name: str = ""
    venue_address: str = ""
    reference: str = ""  # the case reference, shown to facilitators only
    question: str = ""  # a survey question, already in the person's language
    link: str = ""  # a page to open, like a survey's token link


WITH_WHEN = frozenset(
    {
        MessageKind.invitation,
        MessageKind.reminder,
        MessageKind.rescheduled,
        MessageKind.cancelled,
        MessageKind.facilitator_booked,
        MessageKind.facilitator_reminder,
        MessageKind.facilitator_rescheduled,
        MessageKind.facilitator_cancelled,
        MessageKind.facilitator_released,
        MessageKind.reply_confirmed,
        MessageKind.reparation_booked,
        MessageKind.reparation_reminder,
        MessageKind.reparation_missed,
        MessageKind.reparation_cancelled,
    }
)
WITH_VENUE = WITH_WHEN - {
    MessageKind.cancelled,
    MessageKind.facilitator_cancelled,
    MessageKind.facilitator_released,
}
WITH_REFERENCE = frozenset(
    {
        MessageKind.facilitator_booked,
        MessageKind.facilitator_reminder,
        MessageKind.facilitator_rescheduled,
        MessageKind.facilitator_cancelled,
        MessageKind.facilitator_released,
    }
)
WITH_PHONE = frozenset(
    {
        MessageKind.cancelled,
        MessageKind.reply_help,
        MessageKind.reparation_missed,
        MessageKind.agreement_chase,
    }
)
WITH_QUESTION = frozenset({MessageKind.survey_question})
WITH_LINK = frozenset({MessageKind.survey_link})


def needs_when(kind: MessageKind) -> bool:
    return kind in WITH_WHEN


# A word starting with any of these is refused, in any case, so one stem catches its
# forms (harm: harmed, harmful, harm-causer). The offence categories a referral can
# carry are all here; Welsh stems include their mutated forms.
FORBIDDEN_WORDS: tuple[str, ...] = (
    # who people are to each other
    "victim",
    "offend",
    "offence",
    "offense",
    "harm",
    "perpetrator",
    "culprit",
    "suspect",
    "accused",
    "guilty",
    # the justice system
    "crime",
    "criminal",
    "police",
    "arrest",
    "caution",
    "prosecut",
    "convict",
    "magistrate",
    "probation",
    "prison",
    # offence categories and what they are made of
    "anti-social",
    "damage",
    "vandal",
    "graffiti",
    "harass",
    "public order",
    "theft",
    "thief",
    "shoplift",
    "steal",
    "stole",
    "dispute",
    "assault",
    "abuse",
    "violen",
    "threat",
    "intimidat",
    # Welsh
    "dioddefw",
    "ddioddefw",
    "nioddefw",
    "trosedd",
    "drosedd",
    "throsedd",
    "nhrosedd",
    "niwed",
    "niweid",
    "heddlu",
    "heddwas",
    "difrod",
    "ddifrod",
    "lladrad",
    "ladrad",
    "aflonyddu",
    "gwrthgymdeithasol",
    "wrthgymdeithasol",
    "anghydfod",
    "ymosod",
)
# Innocent words that share a stem; refusing them would stop every text for, say, a
# venue called Harmony Hall.
_ALLOWED_PREFIXES = ("harmon",)

_FORBIDDEN = re.compile(
    # Not preceded by a letter, so "criminal_damage" and "shop-theft" are caught too.
    r"(?<![^\W\d_])(?:"
    + "|".join(
        r"[\s_-]*".join(re.escape(part) for part in re.split(r"[\s-]+", stem))
        for stem in FORBIDDEN_WORDS
    )
    + r")[^\W\d_]*",
    re.IGNORECASE,
)


def check_safe(text: str) -> list[str]:
    """The forbidden words in `text` as written, first seen first; empty when safe."""
    found: list[str] = []
    for match in _FORBIDDEN.finditer(text):
        word = match.group()
        if word.casefold().startswith(_ALLOWED_PREFIXES) or word in found:
            continue
        found.append(word)
    return found


def render(kind: MessageKind, language: str, details: Details) -> str:
    """The text of one message; any language other than Welsh gets English."""
    if language.strip().lower().replace("_", "-").split("-")[0] == "cy":
        return _WELSH[kind](_fields(details, _welsh_when, on=" ", at=" yn "))
    return _ENGLISH[kind](_fields(details, _english_when, on=" on ", at=" at "))


@dataclass(frozen=True)
class _Fields:
    scheme: str
    phone: str
    reference: str
    when: str  # " on Tue 2 Mar at 18:00" with its leading space, or ""
    place: str  # " at Millbrook Community Centre, 12 High Street" likewise
    question: str = ""
    link: str = ""

    @property
    def occasion(self) -> str:
        return self.when + self.place


def _fields(
    details: Details, format_when: Callable[[datetime], str], *, on: str, at: str
) -> _Fields:
    when = f"{on}{format_when(details.when)}" if details.when is not None else ""
    place = ", ".join(
        filter(None, (_one_line(details.venue_name), _one_line(details.venue_address)))
    )
    return _Fields(
        scheme=_one_line(details.scheme_name),
        phone=_one_line(details.scheme_phone),
        reference=_one_line(details.reference),
        when=when,
        place=f"{at}{place}" if place else "",
        question=_one_line(details.question),
        link=details.link.strip(),
    )


def _one_line(value: str) -> str:
    # Addresses are often stored one part per line; a text reads better with commas.
    lines = (" ".join(line.split()).strip(" ,;") for line in value.splitlines())
    return ", ".join(line for line in lines if line)


def _local(when: datetime) -> datetime:
    if when.utcoffset() is None:
        raise ValueError("a message time must be timezone-aware")
    return when.astimezone(LONDON)


_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CY_DAYS = ("Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul")
_CY_MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)


def _english_when(when: datetime) -> str:
    local = _local(when)
    return f"{_EN_DAYS[local.weekday()]} {local.day} {_EN_MONTHS[local.month - 1]} at {local:%H:%M}"


def _welsh_when(when: datetime) -> str:
    # Soft-mutated "ddydd", as a time phrase is in running Welsh ("Welwn ni chi ddydd
    # Llun"); full month names, because "Maw" would be both Tuesday and March.
    local = _local(when)
    return (
        f"ddydd {_CY_DAYS[local.weekday()]} {local.day} {_CY_MONTHS[local.month - 1]}"
        f" am {local:%H:%M}"
    )


def _en_panel(f: _Fields) -> str:
    return f"panel {f.reference}" if f.reference else "a panel"


def _en_the_panel(f: _Fields) -> str:
    return f"Panel {f.reference}" if f.reference else "The panel"


def _cy_panel_is(f: _Fields) -> str:
    return f"Mae panel {f.reference}" if f.reference else "Mae'r panel"


def _cy_on_panel(f: _Fields) -> str:
    # "ar" softens "panel" to "banel" too.
    return f"ar banel {f.reference}" if f.reference else "ar y panel"


def _cy_about_panel(f: _Fields) -> str:
    # "am" softens "panel" to "banel".
    return f"am banel {f.reference}" if f.reference else "am y panel"


_Template = Callable[[_Fields], str]

# English must stay in the GSM-7 alphabet (straight apostrophes, no dashes) and, with a
# typical venue, in one segment.
_ENGLISH: dict[MessageKind, _Template] = {
    MessageKind.invitation: lambda f: f"{f.scheme}: Can you meet us{f.occasion}? Reply YES or NO.",
    MessageKind.reminder: lambda f: (
        f"{f.scheme}: See you{f.occasion or ' soon'}. Can't come? Reply NO."
    ),
    MessageKind.rescheduled: lambda f: (
        f"{f.scheme}: Your meeting has moved. Can you meet us{f.occasion}? Reply YES or NO."
    ),
    MessageKind.cancelled: lambda f: (
        f"{f.scheme}: Sorry, the meeting{f.when} is cancelled. We will be in touch soon"
        + (f", or call us on {f.phone}." if f.phone else ".")
    ),
    MessageKind.facilitator_booked: lambda f: (
        f"{f.scheme}: You're booked to facilitate {_en_panel(f)}{f.occasion}. Thank you."
    ),
    MessageKind.facilitator_reminder: lambda f: (
        f"{f.scheme}: Reminder, you're facilitating {_en_panel(f)}{f.occasion}."
    ),
    MessageKind.facilitator_rescheduled: lambda f: (
        f"{f.scheme}: {_en_the_panel(f)} has moved."
        + (f" It is now{f.occasion}." if f.occasion else "")
    ),
    MessageKind.facilitator_cancelled: lambda f: (
        f"{f.scheme}: {_en_the_panel(f)}{f.when} is cancelled. Thank you."
    ),
    MessageKind.facilitator_released: lambda f: (
        f"{f.scheme}: You are no longer on "
        + (f"panel {f.reference}" if f.reference else "the panel")
        + f"{f.when}. Please take it out of your diary. Thank you."
    ),
    MessageKind.reply_confirmed: lambda f: (
        f"{f.scheme}: Thank you, you're confirmed."
        + (f" See you{f.occasion}." if f.occasion else "")
    ),
    MessageKind.reply_declined: lambda f: (
        f"{f.scheme}: Thank you for letting us know. Someone will contact you to find another time."
    ),
    MessageKind.reply_change: lambda f: (
        f"{f.scheme}: Thank you. Someone will contact you to change the time."
    ),
    MessageKind.reply_help: lambda f: (
        f"{f.scheme}: "
        + (f"For help, call us on {f.phone}." if f.phone else "We will call you to help.")
        + " Reply YES to confirm, NO if you can't come, STOP to stop texts."
    ),
    MessageKind.reply_holding: lambda f: (
        f"{f.scheme}: Thank you for your message. Someone will be in touch soon."
    ),
    MessageKind.reply_stopped: lambda f: (
        f"{f.scheme}: You will get no more texts from us. Reply START to get them again."
    ),
    MessageKind.reply_started: lambda f: (
        f"{f.scheme}: You will get our texts again. Reply STOP to stop them."
    ),
    MessageKind.reply_survey_thanks: lambda f: f"{f.scheme}: Thank you for your answer.",
    MessageKind.survey_question: lambda f: (
        f"{f.scheme}: "
        + (f"{f.question} " if f.question else "")
        + "Reply with a number from 1 (lowest) to 5 (highest)."
    ),
    MessageKind.survey_link: lambda f: (
        f"{f.scheme}: Please tell us how the meeting went"
        + (f" at {f.link} or" if f.link else "")
        + " by replying to our next text."
    ),
    MessageKind.reparation_booked: lambda f: (
        f"{f.scheme}: You are booked to help{f.place}{f.when}."
        " Reply YES to confirm, NO if you can't come."
    ),
    MessageKind.reparation_reminder: lambda f: (
        f"{f.scheme}: You're helping{f.place}{f.when or ' soon'}. Can't come? Reply NO."
    ),
    MessageKind.reparation_missed: lambda f: (
        f"{f.scheme}: We missed you{f.place}{f.when}. "
        + (
            f"Please call {f.phone} to rearrange."
            if f.phone
            else "We will be in touch to rearrange."
        )
    ),
    MessageKind.reparation_cancelled: lambda f: (
        f"{f.scheme}: Your session{f.place}{f.when} is off. We'll be in touch."
    ),
    MessageKind.agreement_chase: lambda f: (
        f"{f.scheme}: "
        + (
            f"Please call us on {f.phone} about what you agreed to do."
            if f.phone
            else "We will be in touch soon about what you agreed to do."
        )
    ),
}

# Welsh avoids the circumflex letters (one of them makes the whole text UCS-2, more than
# doubling its cost), so "byddwn mewn cysylltiad" rather than "cysylltu â chi". Venue
# names are shown as given after "yn", without mutation.
_WELSH: dict[MessageKind, _Template] = {
    MessageKind.invitation: lambda f: (
        f"{f.scheme}: Hoffem eich gwahodd i gyfarfod{f.occasion}."
        " Atebwch IE i gadarnhau, neu NA os na allwch ddod."
    ),
    MessageKind.reminder: lambda f: (
        f"{f.scheme}: Nodyn i'ch atgoffa am eich cyfarfod{f.occasion}."
        " Os na allwch ddod, atebwch NA."
    ),
    MessageKind.rescheduled: lambda f: (
        f"{f.scheme}: Mae eich cyfarfod wedi symud. Allwch chi ddod{f.occasion}? Atebwch IE neu NA."
    ),
    MessageKind.cancelled: lambda f: (
        f"{f.scheme}: Mae'n ddrwg gennym, mae'r cyfarfod{f.when} wedi ei ganslo."
        " Byddwn mewn cysylltiad cyn bo hir"
        + (f", neu ffoniwch ni ar {f.phone}." if f.phone else ".")
    ),
    MessageKind.facilitator_booked: lambda f: (
        f"{f.scheme}: Rydych yn hwyluso panel"
        + (f" {f.reference}" if f.reference else "")
        + f"{f.occasion}. Diolch."
    ),
    MessageKind.facilitator_reminder: lambda f: (
        f"{f.scheme}: Nodyn i'ch atgoffa {_cy_about_panel(f)}{f.occasion}."
    ),
    MessageKind.facilitator_rescheduled: lambda f: (
        f"{f.scheme}: {_cy_panel_is(f)} wedi symud."
        + (f" Bydd yn cael ei gynnal{f.occasion}." if f.occasion else "")
    ),
    MessageKind.facilitator_cancelled: lambda f: (
        f"{f.scheme}: {_cy_panel_is(f)}{f.when} wedi ei ganslo. Diolch."
    ),
    MessageKind.facilitator_released: lambda f: (
        f"{f.scheme}: Nid ydych {_cy_on_panel(f)}{f.when} mwyach."
        " Tynnwch ef o'ch dyddiadur. Diolch."
    ),
    MessageKind.reply_confirmed: lambda f: (
        f"{f.scheme}: "
        + (f"Diolch. Welwn ni chi{f.occasion}." if f.occasion else "Diolch am gadarnhau.")
    ),
    MessageKind.reply_declined: lambda f: (
        f"{f.scheme}: Diolch am roi gwybod i ni. Byddwn mewn cysylltiad i drefnu amser arall."
    ),
    MessageKind.reply_change: lambda f: (
        f"{f.scheme}: Diolch. Byddwn mewn cysylltiad i newid yr amser."
    ),
    MessageKind.reply_help: lambda f: (
        f"{f.scheme}: "
        + (
            f"Am gymorth, ffoniwch ni ar {f.phone}."
            if f.phone
            else "Byddwn yn eich ffonio i helpu."
        )
        + " Atebwch IE i gadarnhau, NA os na allwch ddod, neu STOP i atal negeseuon."
    ),
    MessageKind.reply_holding: lambda f: (
        f"{f.scheme}: Diolch am eich neges. Byddwn mewn cysylltiad cyn bo hir."
    ),
    MessageKind.reply_stopped: lambda f: (
        f"{f.scheme}: Ni fyddwch yn cael rhagor o negeseuon testun gennym."
        " Atebwch START i'w cael eto."
    ),
    MessageKind.reply_started: lambda f: (
        f"{f.scheme}: Byddwch yn cael ein negeseuon testun eto. Atebwch STOP i'w hatal."
    ),
    MessageKind.reply_survey_thanks: lambda f: f"{f.scheme}: Diolch am eich ateb.",
    MessageKind.survey_question: lambda f: (
        f"{f.scheme}: "
        + (f"{f.question} " if f.question else "")
        + "Atebwch gyda rhif o 1 (isaf) i 5 (uchaf)."
    ),
    MessageKind.survey_link: lambda f: (
        f"{f.scheme}: Dywedwch wrthym sut aeth y cyfarfod"
        + (f" ar {f.link} neu" if f.link else "")
        + " drwy ateb ein neges nesaf."
    ),
    MessageKind.reparation_booked: lambda f: (
        f"{f.scheme}: Rydych wedi eich trefnu i helpu{f.place}{f.when}."
        " Atebwch IE i gadarnhau, neu NA os na allwch ddod."
    ),
    MessageKind.reparation_reminder: lambda f: (
        f"{f.scheme}: Nodyn i'ch atgoffa eich bod yn helpu{f.place}{f.when}."
        " Os na allwch ddod, atebwch NA."
    ),
    MessageKind.reparation_missed: lambda f: (
        f"{f.scheme}: Wnaethon ni ddim eich gweld{f.place}{f.when}. "
        + (
            f"Ffoniwch ni ar {f.phone} i drefnu amser arall."
            if f.phone
            else "Byddwn mewn cysylltiad i drefnu amser arall."
        )
    ),
    MessageKind.reparation_cancelled: lambda f: (
        f"{f.scheme}: Mae eich sesiwn{f.place}{f.when} wedi'i chanslo. Byddwn mewn cysylltiad."
    ),
    MessageKind.agreement_chase: lambda f: (
        f"{f.scheme}: "
        + (
            f"Ffoniwch ni ar {f.phone} am yr hyn y cytunoch i'w wneud, os gwelwch yn dda."
            if f.phone
            else "Byddwn mewn cysylltiad cyn bo hir am yr hyn y cytunoch i'w wneud."
        )
    ),
}

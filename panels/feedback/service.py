"""Feedback after a panel: when each survey falls due, texting its questions one at a
time with a link to answer them all on a page, answers by text or on the page stored the
same way (SurveyPrompt rows), and the figures referrers and coordinators may see."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from notifications.outbox import Text
from notifications.tables import OutboxStatus
from notifications.templates import Details, MessageKind, check_safe, render
from panels.access import Actor
from panels.accounts.tables import Role
from panels.cases import audit
from panels.cases.tables import Party, PartyRole
from panels.clock import LONDON, utc_now
from panels.db import write_transaction
from panels.errors import Forbidden, InvalidInput, NotFound
from panels.feedback.tables import Survey, SurveyAnswer, SurveyKind
from panels.links import service as links
from panels.links.tables import LinkPurpose
from panels.messaging import texting
from panels.messaging.tables import SurveyPrompt
from panels.outcomes.tables import PanelAttendance, PanelRecord, PanelResult
from panels.settings import Settings, get_settings

log = logging.getLogger("njp.feedback")

# Texted in the morning of the day it falls due, London time.
SEND_AT = time(10, 0)
# A survey's link: one use (the page is sent once), for a month.
LINK_DAYS = 30
# A question texted later than this after it was written is not worth sending.
QUESTION_TEXT_DAYS = 3
# A referrer sees an average only of this many answers or more: fewer, and it could be
# one person's answer about a case they referred.
FEWEST_ANSWERS_SHOWN = 3
COMMENT_LENGTH = 2000


@dataclass(frozen=True)
class Wording:
    """A question in one language: as asked, the words for each end of the scale on the
    page, and what the page says when it is left unanswered."""

    text: str
    low: str
    high: str
    missing: str


@dataclass(frozen=True)
class Question:
    """One question scored 1 (lowest) to 5 (highest), in English and Welsh."""

    key: str
    en: Wording
    cy: Wording

    def words(self, language: str) -> Wording:
        return self.cy if language == "cy" else self.en

    def text(self, language: str) -> str:
        return self.words(language).text


_FOR_THE_PERSON_HARMED = (
    Question(
        "listened",
        Wording(
            "How much did you feel listened to?",
            "Not at all",
            "Very much",
            "Select how much you felt listened to",
        ),
        Wording(
            "I ba raddau oeddech chi'n teimlo bod pobl yn gwrando arnoch chi?",
            "Dim o gwbl",
            "Yn fawr iawn",
            "Dewiswch i ba raddau oeddech chi'n teimlo bod pobl yn gwrando arnoch chi",
        ),
    ),
    Question(
        "agreed",
        Wording(
            "How satisfied are you with what was agreed?",
            "Not at all satisfied",
            "Very satisfied",
            "Select how satisfied you are with what was agreed",
        ),
        Wording(
            "Pa mor fodlon ydych chi gyda'r hyn a gytunwyd?",
            "Ddim yn fodlon o gwbl",
            "Bodlon iawn",
            "Dewiswch pa mor fodlon ydych chi gyda'r hyn a gytunwyd",
        ),
    ),
    Question(
        "recommend",
        Wording(
            "How likely are you to recommend a panel to someone else?",
            "Not at all likely",
            "Very likely",
            "Select how likely you are to recommend a panel",
        ),
        Wording(
            "Pa mor debygol ydych chi o argymell panel i rywun arall?",
            "Ddim yn debygol o gwbl",
            "Tebygol iawn",
            "Dewiswch pa mor debygol ydych chi o argymell panel",
        ),
    ),
)
QUESTIONS: dict[SurveyKind, tuple[Question, ...]] = {
    SurveyKind.after_panel: _FOR_THE_PERSON_HARMED,
    SurveyKind.follow_up: _FOR_THE_PERSON_HARMED,
    SurveyKind.reflection: (
        Question(
            "understood",
            Wording(
                "How much did the meeting help you see how others were affected?",
                "Not at all",
                "Very much",
                "Select how much the meeting helped you see how others were affected",
            ),
            Wording(
                "I ba raddau wnaeth y cyfarfod eich helpu i weld sut cafodd eraill eu heffeithio?",
                "Dim o gwbl",
                "Yn fawr iawn",
                "Dewiswch i ba raddau wnaeth y cyfarfod eich helpu i weld sut cafodd eraill"
                " eu heffeithio",
            ),
        ),
        Question(
            "keep_to",
            Wording(
                "How likely are you to keep to what you agreed?",
                "Not at all likely",
                "Very likely",
                "Select how likely you are to keep to what you agreed",
            ),
            Wording(
                "Pa mor debygol ydych chi o gadw at yr hyn a gytunoch chi?",
                "Ddim yn debygol o gwbl",
                "Tebygol iawn",
                "Dewiswch pa mor debygol ydych chi o gadw at yr hyn a gytunoch chi",
            ),
        ),
    ),
}


# When surveys fall due ---------------------------------------------------------------------


def due_at(recorded_at: datetime, days: int) -> datetime:
    """10:00 London time on the day `days` after the panel was recorded, whichever side
    of a clock change either falls."""
    day = recorded_at.astimezone(LONDON).date() + timedelta(days=days)
    return datetime.combine(day, SEND_AT, tzinfo=LONDON).astimezone(UTC)


async def schedule_surveys(case_id: UUID, record_id: int, now: datetime) -> int:
    """Inside the transaction that recorded a panel as held: the surveys of the people who
    came (each person harmed: after the panel and a follow-up; the person responsible:
    a reflection). How many were added; none twice, however often it is called."""
    settings = get_settings()
    record = (
        await PanelRecord.select(PanelRecord.result, PanelRecord.recorded_at)
        .where((PanelRecord.id == record_id) & (PanelRecord.case == case_id))
        .first()
    )
    if record is None or record["result"] != PanelResult.held:
        return 0
    came = await PanelAttendance.select(
        PanelAttendance.party, PanelAttendance.party._.role.as_alias("role")
    ).where((PanelAttendance.record == record_id) & (PanelAttendance.attended == True))  # noqa: E712
    recorded_at = record["recorded_at"] or now
    added = 0
    for person in came:
        role = PartyRole(person["role"])
        wanted: list[tuple[SurveyKind, int]] = []
        if role is PartyRole.victim:
            wanted = [
                (SurveyKind.after_panel, settings.survey_days_after),
                (SurveyKind.follow_up, settings.follow_up_days),
            ]
        elif role is PartyRole.harm_causer:
            wanted = [(SurveyKind.reflection, settings.survey_days_after)]
        for kind, days in wanted:
            key = f"{record_id}:{person['party']}:{kind.value}"
            if await Survey.exists().where(Survey.key == key):
                continue
            await Survey.insert(
                Survey(
                    case=case_id,
                    party=person["party"],
                    record=record_id,
                    kind=kind,
                    key=key,
                    due_at=due_at(recorded_at, days),
                    created_at=now,
                )
            )
            added += 1
    return added


# Sending them ------------------------------------------------------------------------------


async def send_due_surveys(now: datetime | None = None) -> int:
    """Every survey due and not sent yet: its link, and its first question by text for
    those who can be texted. Each in its own transaction; how many were sent. Safe to run
    often, and from several workers at once (a survey is claimed before it is sent)."""
    now = now or utc_now()
    settings = get_settings()
    due = (
        await Survey.select(Survey.id)
        .where((Survey.due_at <= now) & Survey.sent_at.is_null())
        .order_by(Survey.due_at)
    )
    sent = 0
    for row in due:
        async with write_transaction():
            if await _send(row["id"], now, settings):
                sent += 1
    return sent


async def _send(survey_id: int, now: datetime, settings: Settings) -> bool:
    claimed = (
        await Survey.update({Survey.sent_at: now})
        .where((Survey.id == survey_id) & Survey.sent_at.is_null())
        .returning(Survey.id)
    )
    if not claimed:
        return False
    survey = await _survey(survey_id)
    party = await _party(survey["party"])
    if party is None:
        return True
    url = await issue_link(survey, now, settings)
    if not texting.textable(party):
        # Still answerable on the page, from a link staff pass on; nothing is texted.
        return True
    language = party["language"]
    details = Details(
        scheme_name=settings.scheme_name, scheme_phone=settings.scheme_phone, link=url
    )
    await _text(
        survey,
        party,
        MessageKind.survey_link,
        render(MessageKind.survey_link, language, details),
        f"survey:{survey_id}:link",
        now,
        now + timedelta(days=LINK_DAYS),
        settings,
    )
    await _ask(survey, party, QUESTIONS[SurveyKind(survey["kind"])][0], now, settings)
    return True


async def issue_link(survey: dict[str, Any], now: datetime, settings: Settings) -> str:
    """A new link to the survey's page (any earlier one stops working)."""
    subject = str(survey["id"])
    await links.revoke(subject, LinkPurpose.survey, now)
    for attempt in range(1, 6):
        token = await links.issue(
            LinkPurpose.survey,
            subject,
            lifetime=timedelta(days=LINK_DAYS),
            uses_allowed=1,
            case_id=survey["case"],
            now=now,
        )
        # A random token can spell a word a text must not carry ("-Harm" is a word to
        # the guard, about once in a hundred thousand links): another is drawn.
        if not check_safe(token) or attempt == 5:
            break
        await links.revoke(subject, LinkPurpose.survey, now)
    return f"{settings.public_url}/s/{token}"


async def _ask(
    survey: dict[str, Any],
    party: dict[str, Any],
    question: Question,
    now: datetime,
    settings: Settings,
) -> int | None:
    """Text one question and wait for its answer: the SurveyPrompt's id, or None when
    the text will not go (they said STOP, say)."""
    language = party["language"]
    details = Details(
        scheme_name=settings.scheme_name,
        scheme_phone=settings.scheme_phone,
        question=question.text(language),
    )
    status = await _text(
        survey,
        party,
        MessageKind.survey_question,
        render(MessageKind.survey_question, language, details),
        f"survey:{survey['id']}:question:{question.key}",
        now,
        now + timedelta(days=QUESTION_TEXT_DAYS),
        settings,
    )
    if status is not OutboxStatus.queued:
        return None
    rows = await SurveyPrompt.insert(
        SurveyPrompt(case=survey["case"], party=party["id"], question=question.key, asked_at=now)
    ).returning(SurveyPrompt.id)
    prompt_id = int(rows[0]["id"])
    await SurveyAnswer.insert(SurveyAnswer(survey=survey["id"], prompt=prompt_id))
    return prompt_id


async def _text(
    survey: dict[str, Any],
    party: dict[str, Any],
    kind: MessageKind,
    body: str,
    key: str,
    now: datetime,
    expires_at: datetime,
    settings: Settings,
) -> OutboxStatus | None:
    return await texting.write(
        Text(
            to=party["phone"],
            body=body,
            kind=kind.value,
            language=party["language"],
            due_at=now,
            expires_at=expires_at,
            case_id=survey["case"],
            party_id=party["id"],
            dedupe_key=key,
        ),
        settings,
    )


async def _survey(survey_id: int) -> dict[str, Any]:
    survey = await Survey.select().where(Survey.id == survey_id).first()
    if survey is None:
        raise NotFound("No such survey.")
    return survey


async def _party(party_id: UUID) -> dict[str, Any] | None:
    return (
        await Party.select(Party.id, Party.phone, Party.language, Party.contact_preference)
        .where(Party.id == party_id)
        .first()
    )


async def _answers(survey_id: int) -> dict[str, dict[str, Any]]:
    """The survey's prompts by question: the latest for each."""
    rows = (
        await SurveyAnswer.select(
            SurveyAnswer.prompt.as_alias("prompt_id"),
            SurveyAnswer.prompt._.question.as_alias("question"),
            SurveyAnswer.prompt._.answer.as_alias("answer"),
        )
        .where(SurveyAnswer.survey == survey_id)
        .order_by(SurveyAnswer.id)
    )
    return {row["question"]: row for row in rows}


# Answers -----------------------------------------------------------------------------------


async def next_question(prompt_id: int, now: datetime) -> int | None:
    """Inside the transaction that stored a texted answer: the survey's next question
    texted (its SurveyPrompt's id), or the survey completed when none is left. None when
    the prompt is not a survey's, or nothing more is asked."""
    link = (
        await SurveyAnswer.select(SurveyAnswer.survey)
        .where(SurveyAnswer.prompt == prompt_id)
        .first()
    )
    if link is None:
        return None
    survey = await _survey(link["survey"])
    if survey["completed_at"] is not None:
        return None
    answers = await _answers(survey["id"])
    remaining = [
        q
        for q in QUESTIONS[SurveyKind(survey["kind"])]
        if (answers.get(q.key) or {}).get("answer") is None
    ]
    if not remaining:
        await _complete(survey, now, "text")
        return None
    if remaining[0].key in answers:
        return None  # asked already, and waiting for its answer
    party = await _party(survey["party"])
    if party is None or not texting.textable(party):
        return None
    return await _ask(survey, party, remaining[0], now, get_settings())


async def _complete(survey: dict[str, Any], now: datetime, by: str) -> None:
    completed = (
        await Survey.update({Survey.completed_at: now})
        .where((Survey.id == survey["id"]) & Survey.completed_at.is_null())
        .returning(Survey.id)
    )
    if not completed:
        return  # answered again on the page after every text was answered
    await audit.record_event(
        survey["case"],
        None,
        "survey_completed",
        details={
            "party_id": str(survey["party"]),
            "survey_id": survey["id"],
            "kind": survey["kind"],
            "answered_by": by,
        },
        at=now,
    )


@dataclass(frozen=True)
class SurveyPage:
    """What the token page shows: the questions in the person's language, and the
    answers already given (by text, or before)."""

    survey_id: int
    kind: SurveyKind
    language: str
    questions: tuple[Question, ...]
    answers: dict[str, int]
    comment: str


async def survey_for_link(token: str, now: datetime | None = None) -> SurveyPage:
    """The survey a link reaches; NotFound, worded kindly, for any link that may not be
    used (unknown, expired, revoked or used)."""
    link = await links.valid(token, LinkPurpose.survey, now)
    return await _page(int(link["subject"]))


async def _page(survey_id: int) -> SurveyPage:
    survey = await _survey(survey_id)
    party = await _party(survey["party"])
    language = "cy" if party is not None and party["language"] == "cy" else "en"
    answers = await _answers(survey_id)
    kind = SurveyKind(survey["kind"])
    return SurveyPage(
        survey_id=survey_id,
        kind=kind,
        language=language,
        questions=QUESTIONS[kind],
        answers={key: row["answer"] for key, row in answers.items() if row["answer"] is not None},
        comment=survey["comment"] or "",
    )


def score(raw: object) -> int | None:
    """A posted answer as a score from 1 to 5; None for anything else."""
    text = str(raw).strip() if isinstance(raw, int | str) else ""
    return int(text) if text in {"1", "2", "3", "4", "5"} else None


def check_answers(page: SurveyPage, answers: dict[str, Any]) -> dict[str, int]:
    """Every question answered 1 to 5; InvalidInput naming the first that is not."""
    scores: dict[str, int] = {}
    for question in page.questions:
        given = score(answers.get(question.key))
        if given is None:
            raise InvalidInput(question.en.missing, field=question.key)
        scores[question.key] = given
    return scores


async def answer_by_link(
    token: str, answers: dict[str, Any], comment: str, now: datetime | None = None
) -> SurveyPage:
    """The page sent: its answers stored as the texts' are (answers given by text are
    replaced by what the page says), the comment kept for staff, the survey completed
    and the link used up."""
    now = now or utc_now()
    page = await survey_for_link(token, now)
    scores = check_answers(page, answers)
    comment = comment.strip()
    if len(comment) > COMMENT_LENGTH:
        raise InvalidInput(
            f"Your comments must be {COMMENT_LENGTH} characters or fewer", field="comment"
        )
    async with write_transaction():
        link = await links.use(token, LinkPurpose.survey, now)
        survey = await _survey(int(link["subject"]))
        given = await _answers(survey["id"])
        for key, value in scores.items():
            if key in given:
                if given[key]["answer"] != value:
                    await SurveyPrompt.update(
                        {SurveyPrompt.answer: value, SurveyPrompt.answered_at: now}
                    ).where(SurveyPrompt.id == given[key]["prompt_id"])
                continue
            rows = await SurveyPrompt.insert(
                SurveyPrompt(
                    case=survey["case"],
                    party=survey["party"],
                    question=key,
                    asked_at=now,
                    answer=value,
                    answered_at=now,
                )
            ).returning(SurveyPrompt.id)
            await SurveyAnswer.insert(SurveyAnswer(survey=survey["id"], prompt=rows[0]["id"]))
        if comment:
            await Survey.update({Survey.comment: comment}).where(Survey.id == survey["id"])
        await _complete(survey, now, "link")
    return await _page(page.survey_id)


# What referrers and coordinators see --------------------------------------------------------


async def summary(actor: Actor, organisation_id: UUID | None = None) -> dict[str, Any]:
    """Per kind of survey, how many were sent and completed, and per question how many
    answered and the average score: for a referrer, of their organisation's cases only.
    Never a comment, never one case's answers."""
    if actor.role is Role.referrer:
        if organisation_id is not None and organisation_id != actor.organisation_id:
            raise Forbidden("You can see the figures of your own organisation only.")
        organisation_id = actor.organisation_id
    elif actor.role is not Role.coordinator:
        raise Forbidden("Feedback figures are for referrers and coordinators.")
    surveys = Survey.select(Survey.kind, Survey.sent_at, Survey.completed_at)
    answered = SurveyAnswer.select(
        SurveyAnswer.survey._.kind.as_alias("kind"),
        SurveyAnswer.prompt._.question.as_alias("question"),
        SurveyAnswer.prompt._.answer.as_alias("answer"),
    ).where(SurveyAnswer.prompt._.answer.is_not_null())
    if organisation_id is not None:
        surveys = surveys.where(Survey.case._.organisation == organisation_id)
        answered = answered.where(SurveyAnswer.survey._.case._.organisation == organisation_id)
    counts: dict[str, dict[str, int]] = {
        kind.value: {"sent": 0, "completed": 0} for kind in SurveyKind
    }
    for row in await surveys:
        counts[row["kind"]]["sent"] += row["sent_at"] is not None
        counts[row["kind"]]["completed"] += row["completed_at"] is not None
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in await answered:
        scores[(row["kind"], row["question"])].append(int(row["answer"]))
    fewest = FEWEST_ANSWERS_SHOWN if actor.role is Role.referrer else 1
    questions = []
    for kind, asked in QUESTIONS.items():
        for question in asked:
            given = scores.get((kind.value, question.key), [])
            questions.append(
                {
                    "kind": kind.value,
                    "question": question.key,
                    "text": question.en.text,
                    "answers": len(given),
                    "average": round(sum(given) / len(given), 2) if len(given) >= fewest else None,
                }
            )
    return {
        "organisation_id": organisation_id,
        "surveys": [{"kind": kind, **numbers} for kind, numbers in counts.items()],
        "questions": questions,
        "fewest_answers_averaged": fewest,
    }


async def satisfaction(case_id: UUID) -> float | None:
    """How the people harmed of one case rated it: the average of their answers (1 to 5)
    to the surveys after the panel and months on. What the referrer sees of their
    feedback; never a comment. None until someone has answered."""
    rows = await SurveyAnswer.select(SurveyAnswer.prompt._.answer.as_alias("answer")).where(
        (SurveyAnswer.survey._.case == case_id)
        & SurveyAnswer.survey._.kind.is_in([SurveyKind.after_panel, SurveyKind.follow_up])
        & SurveyAnswer.prompt._.answer.is_not_null()
    )
    if not rows:
        return None
    return round(sum(int(r["answer"]) for r in rows) / len(rows), 1)

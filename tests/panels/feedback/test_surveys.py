"""Feedback after a panel: the people who came are asked how it went, the morning after
and again months later, by text one question at a time or on a page from a link; the
answers are stored the same way either way; a used, expired or guessed link does
nothing; and a referrer sees only their own organisation's figures, never a comment."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from notifications import outbox
from notifications.segments import count_segments
from notifications.tables import OutboxMessage, OutboxStatus
from notifications.templates import Details, MessageKind, check_safe, render
from panels.cases.tables import CaseEvent, ContactPreference, Party
from panels.clock import LONDON
from panels.db import write_transaction
from panels.feedback import service as feedback
from panels.feedback.service import QUESTIONS, due_at
from panels.feedback.tables import Survey, SurveyAnswer, SurveyKind
from panels.links.service import REFUSED
from panels.links.tables import AccessLink
from panels.messaging.tables import SurveyPrompt
from panels.outcomes import service as outcomes
from panels.outcomes.schemas import PanelRecordIn
from panels.outcomes.tables import PanelRecord
from panels.settings import get_settings
from tests.panels.messaging.test_texts import local
from tests.panels.messaging.test_webhooks import reply
from tests.panels.outcomes.test_outcomes import a_panel, after, both_came
from tests.panels.test_cli import njp
from tests.world import World, refer

LINK = re.compile(r"/s/([A-Za-z0-9_-]+)")
SURVEY_KINDS = [MessageKind.survey_link.value, MessageKind.survey_question.value]


# The morning after the panel (held three evenings from now), when the surveys go.
def morning_after() -> datetime:
    return local(4, 10)


async def held(world: World) -> dict[str, Any]:
    """A panel recorded as held three evenings from now, and its surveys scheduled as
    record_panel will schedule them."""
    setting = await a_panel(world)
    await outcomes.record_panel(
        world.facilitator.actor,
        setting["panel_id"],
        PanelRecordIn.model_validate({"result": "held", "attendance": both_came(setting)}),
        now=after(),
    )
    record = (
        await PanelRecord.select(PanelRecord.id)
        .where(PanelRecord.panel == setting["panel_id"])
        .first()
    )
    assert record is not None
    setting["record_id"] = record["id"]
    async with write_transaction():
        await feedback.schedule_surveys(setting["case_id"], record["id"], after())
    return setting


async def surveys_of(case_id: UUID) -> dict[tuple[UUID, str], dict[str, Any]]:
    rows = await Survey.select().where(Survey.case == case_id)
    return {(row["party"], row["kind"]): row for row in rows}


async def survey_texts(party_id: UUID) -> list[dict[str, Any]]:
    return (
        await OutboxMessage.select()
        .where((OutboxMessage.party_id == party_id) & OutboxMessage.kind.is_in(SURVEY_KINDS))
        .order_by(OutboxMessage.id)
    )


async def prompts_of(party_id: UUID) -> list[dict[str, Any]]:
    return (
        await SurveyPrompt.select().where(SurveyPrompt.party == party_id).order_by(SurveyPrompt.id)
    )


def token_in(body: str) -> str:
    found = LINK.search(body)
    assert found is not None, body
    return found.group(1)


async def sent_to_the_person_harmed(world: World) -> dict[str, Any]:
    setting = await held(world)
    await feedback.send_due_surveys(morning_after())
    [link_text, _] = await survey_texts(setting["victim"])
    setting["token"] = token_in(link_text["body"])
    return setting


async def next_question(prompt_id: int, now: datetime) -> None:
    """What panels/messaging's _answer_survey does once it calls next_question itself
    (then this second call changes nothing)."""
    async with write_transaction():
        await feedback.next_question(prompt_id, now)


async def csrf(client: AsyncClient, path: str) -> str:
    await client.get(path)
    return str(client.cookies.get("csrftoken") or "")


async def post_survey(client: AsyncClient, token: str, fields: dict[str, str]) -> Any:
    path = f"/s/{token}"
    form = {**fields, "_csrf_token": await csrf(client, "/sign-in")}
    return await client.post(path, data=form)


# When surveys fall due ---------------------------------------------------------------------


async def test_a_held_panel_makes_each_survey_due_at_ten_in_the_morning(world: World) -> None:
    setting = await held(world)

    found = await surveys_of(setting["case_id"])

    assert {key: row["due_at"] for key, row in found.items()} == {
        (setting["victim"], "after_panel"): local(4, 10),
        (setting["victim"], "follow_up"): local(3 + 91, 10),
        (setting["causer"], "reflection"): local(4, 10),
    }
    assert {row["sent_at"] for row in found.values()} == {None}
    # Scheduled again (a retried transaction, say): nothing twice.
    async with write_transaction():
        assert (
            await feedback.schedule_surveys(setting["case_id"], setting["record_id"], after()) == 0
        )
    assert await Survey.count() == 3


@pytest.mark.parametrize(
    ("recorded_at", "days", "due"),
    [
        # Held the evening before the clocks go forward: 10:00 is 09:00 UTC next day.
        (datetime(2027, 3, 27, 21, tzinfo=UTC), 1, datetime(2027, 3, 28, 9, tzinfo=UTC)),
        # And the evening before they go back: 10:00 is 10:00 UTC.
        (datetime(2027, 10, 30, 20, tzinfo=UTC), 1, datetime(2027, 10, 31, 10, tzinfo=UTC)),
        # Recorded after midnight in London but before it in UTC: London's day counts.
        (datetime(2027, 6, 30, 23, 30, tzinfo=UTC), 1, datetime(2027, 7, 2, 9, tzinfo=UTC)),
        # A follow-up in summer time for a panel held in winter, and the other way round.
        (datetime(2027, 1, 10, 20, tzinfo=UTC), 91, datetime(2027, 4, 11, 9, tzinfo=UTC)),
        (datetime(2027, 9, 1, 19, tzinfo=UTC), 91, datetime(2027, 12, 1, 10, tzinfo=UTC)),
    ],
)
def test_due_times_are_ten_in_the_morning_in_london_across_clock_changes(
    recorded_at: datetime, days: int, due: datetime
) -> None:
    assert due_at(recorded_at, days) == due
    assert due_at(recorded_at, days).astimezone(LONDON).time() == time(10)


async def test_the_days_before_each_survey_can_be_configured(
    world: World, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("NJP_SURVEY_DAYS_AFTER", "2")
    settings_env.setenv("NJP_FOLLOW_UP_DAYS", "30")
    get_settings.cache_clear()
    setting = await held(world)

    found = await surveys_of(setting["case_id"])

    assert found[(setting["victim"], "after_panel")]["due_at"] == local(5, 10)
    assert found[(setting["victim"], "follow_up")]["due_at"] == local(33, 10)
    assert found[(setting["causer"], "reflection")]["due_at"] == local(5, 10)


async def test_only_people_who_came_are_asked(world: World) -> None:
    setting = await a_panel(world)
    came = [
        {"party_id": setting["victim"], "attended": False, "absence_reason": "Unwell."},
        {"party_id": setting["causer"], "attended": True, "agrees": True},
    ]
    await outcomes.record_panel(
        world.facilitator.actor,
        setting["panel_id"],
        PanelRecordIn.model_validate({"result": "held", "attendance": came}),
        now=after(),
    )
    record = await PanelRecord.select(PanelRecord.id).first()
    assert record is not None
    async with write_transaction():
        await feedback.schedule_surveys(setting["case_id"], record["id"], after())

    assert set(await surveys_of(setting["case_id"])) == {(setting["causer"], "reflection")}


async def test_a_panel_that_did_not_go_ahead_has_no_surveys(world: World) -> None:
    setting = await a_panel(world)
    await outcomes.record_panel(
        world.facilitator.actor,
        setting["panel_id"],
        PanelRecordIn.model_validate({"result": "postponed", "reason": "The hall flooded."}),
        now=local(3, 12),
    )
    record = await PanelRecord.select(PanelRecord.id).first()
    assert record is not None
    async with write_transaction():
        assert await feedback.schedule_surveys(setting["case_id"], record["id"], after()) == 0
    assert await Survey.count() == 0


# Sending them ------------------------------------------------------------------------------


async def test_the_person_harmed_is_texted_a_link_and_the_first_question(world: World) -> None:
    setting = await held(world)
    victim = setting["parties"]["victim"]
    settings = get_settings()

    # Not yet due the evening before: nothing.
    assert await feedback.send_due_surveys(local(3, 21)) == 0
    assert await survey_texts(setting["victim"]) == []

    assert await feedback.send_due_surveys(morning_after()) == 2  # theirs, and the reflection

    link_text, question_text = await survey_texts(setting["victim"])
    token = token_in(link_text["body"])
    assert link_text["body"] == render(
        MessageKind.survey_link,
        "en",
        Details(
            scheme_name=settings.scheme_name,
            scheme_phone=settings.scheme_phone,
            link=f"{settings.public_url}/s/{token}",
        ),
    )
    assert question_text["body"] == (
        f"{settings.scheme_name}: How much did you feel listened to?"
        " Reply with a number from 1 (lowest) to 5 (highest)."
    )
    for text in (link_text, question_text):
        assert text["to_number"] == victim["phone"]
        assert text["status"] == OutboxStatus.queued
        assert text["due_at"] == morning_after()
        assert text["case_id"] == setting["case_id"]
        assert text["panel_id"] is None
        assert check_safe(text["body"]) == []
    assert link_text["expires_at"] == morning_after() + timedelta(days=30)
    # The question waits for its answer; the link reaches this one survey, once.
    [prompt] = await prompts_of(setting["victim"])
    assert (prompt["question"], prompt["asked_at"], prompt["answer"]) == (
        "listened",
        morning_after(),
        None,
    )
    survey = (await surveys_of(setting["case_id"]))[(setting["victim"], "after_panel")]
    assert survey["sent_at"] == morning_after()
    assert (link_text["dedupe_key"], question_text["dedupe_key"]) == (
        f"survey:{survey['id']}:link",
        f"survey:{survey['id']}:question:listened",
    )
    [link] = await AccessLink.select().where(AccessLink.subject == str(survey["id"]))
    assert (link["purpose"], link["uses_allowed"], link["expires_at"]) == (
        "survey",
        1,
        morning_after() + timedelta(days=30),
    )
    # The person responsible's own questions.
    [_, theirs] = await survey_texts(setting["causer"])
    assert "help you see how others were affected?" in theirs["body"]


async def test_a_survey_is_sent_once_however_often_the_command_runs(world: World) -> None:
    setting = await held(world)
    await feedback.send_due_surveys(morning_after())
    first = await OutboxMessage.select().order_by(OutboxMessage.id)

    assert await feedback.send_due_surveys(morning_after() + timedelta(hours=1)) == 0

    assert await OutboxMessage.select().order_by(OutboxMessage.id) == first
    assert len(await prompts_of(setting["victim"])) == 1
    assert await AccessLink.count() == 2  # one per survey sent


async def test_a_welsh_speaker_is_asked_in_welsh(client: AsyncClient, world: World) -> None:
    setting = await a_panel(world)
    await Party.update({Party.language: "cy"}).where(Party.id == setting["victim"])
    await outcomes.record_panel(
        world.facilitator.actor,
        setting["panel_id"],
        PanelRecordIn.model_validate({"result": "held", "attendance": both_came(setting)}),
        now=after(),
    )
    record = await PanelRecord.select(PanelRecord.id).first()
    assert record is not None
    async with write_transaction():
        await feedback.schedule_surveys(setting["case_id"], record["id"], after())
    await feedback.send_due_surveys(morning_after())

    link_text, question_text = await survey_texts(setting["victim"])

    assert "Dywedwch wrthym sut aeth y cyfarfod ar " in link_text["body"]
    assert question_text["body"].endswith(
        "I ba raddau oeddech chi'n teimlo bod pobl yn gwrando arnoch chi?"
        " Atebwch gyda rhif o 1 (isaf) i 5 (uchaf)."
    )
    assert {link_text["language"], question_text["language"]} == {"cy"}
    # And the page they open says it in Welsh too.
    page = await client.get(f"/s/{token_in(link_text['body'])}")
    assert '<main class="govuk-main-wrapper" id="main-content" lang="cy">' in page.text
    assert "Dywedwch wrthym sut aeth hi" in page.text
    assert "Ddim yn fodlon o gwbl" in page.text


async def test_a_person_who_said_stop_is_texted_no_survey(world: World) -> None:
    setting = await held(world)
    async with write_transaction():
        await outbox.stop(setting["parties"]["victim"]["phone"], after())

    await feedback.send_due_surveys(morning_after())

    texts = await survey_texts(setting["victim"])
    assert [(t["kind"], t["status"]) for t in texts] == [
        ("survey_link", OutboxStatus.opted_out),
        ("survey_question", OutboxStatus.opted_out),
    ]
    # No question waits for an answer they will never be asked; the page still works.
    assert await prompts_of(setting["victim"]) == []
    survey = (await surveys_of(setting["case_id"]))[(setting["victim"], "after_panel")]
    assert await AccessLink.exists().where(AccessLink.subject == str(survey["id"]))


async def test_a_person_who_cannot_be_texted_is_sent_nothing_and_nothing_fails(
    world: World,
) -> None:
    setting = await held(world)
    await Party.update({Party.contact_preference: ContactPreference.letter}).where(
        Party.id == setting["victim"]
    )

    assert await feedback.send_due_surveys(morning_after()) == 2

    assert await survey_texts(setting["victim"]) == []
    survey = (await surveys_of(setting["case_id"]))[(setting["victim"], "after_panel")]
    assert survey["sent_at"] == morning_after()
    # Staff can give them a link to the page another way.
    async with write_transaction():
        url = await feedback.issue_link(survey, morning_after(), get_settings())
    page = await feedback.survey_for_link(token_in(url))
    assert page.survey_id == survey["id"]


async def test_njp_send_surveys_sends_what_is_due(
    database: str, world: World, tmp_path: Path
) -> None:
    setting = await held(world)
    await Survey.update({Survey.due_at: datetime.now(UTC) - timedelta(hours=1)}).where(
        Survey.kind != SurveyKind.follow_up
    )

    ran = await njp(database, "send-surveys", cwd=tmp_path)

    assert ran.code == 0, ran.stderr
    assert ran.stdout.strip() == "Surveys sent: 2."
    assert [t["kind"] for t in await survey_texts(setting["victim"])] == [
        "survey_link",
        "survey_question",
    ]
    again = await njp(database, "send-surveys", cwd=tmp_path)
    assert again.stdout.strip() == "Surveys sent: 0."


# Answers by text ---------------------------------------------------------------------------


async def test_answers_by_text_are_stored_and_each_brings_the_next_question(
    client: AsyncClient, world: World
) -> None:
    setting = await sent_to_the_person_harmed(world)
    phone = setting["parties"]["victim"]["phone"]

    for number, (score, question) in enumerate(
        [("4", "listened"), ("5", "agreed"), ("2", "recommend")]
    ):
        prompts = await prompts_of(setting["victim"])
        assert [p["question"] for p in prompts][-1] == question
        answer = await reply(client, phone, score)
        assert "Thank you for your answer." in answer
        await next_question(prompts[-1]["id"], morning_after() + timedelta(minutes=number + 1))

    prompts = await prompts_of(setting["victim"])
    assert [(p["question"], p["answer"]) for p in prompts] == [
        ("listened", 4),
        ("agreed", 5),
        ("recommend", 2),
    ]
    questions = [t["body"] for t in await survey_texts(setting["victim"])][1:]
    assert len(questions) == 3
    assert "How satisfied are you with what was agreed?" in questions[1]
    assert "recommend a panel to someone else?" in questions[2]
    # Every answer belongs to the one survey, which is complete.
    survey = (await surveys_of(setting["case_id"]))[(setting["victim"], "after_panel")]
    assert await SurveyAnswer.count().where(SurveyAnswer.survey == survey["id"]) == 3
    assert survey["completed_at"] is not None
    events = (
        await CaseEvent.select(CaseEvent.kind, CaseEvent.details)
        .where((CaseEvent.case == setting["case_id"]) & (CaseEvent.kind == "survey_completed"))
        .output(load_json=True)
    )
    assert [e["details"]["answered_by"] for e in events] == ["text"]


async def test_a_prompt_of_no_survey_brings_no_question(world: World) -> None:
    async with write_transaction():
        rows = await SurveyPrompt.insert(
            SurveyPrompt(case=world.case_id, party=world.victim_id, question="felt_heard")
        ).returning(SurveyPrompt.id)
        assert await feedback.next_question(rows[0]["id"], after()) is None
    assert await OutboxMessage.count() == 0


# Answers on the page -----------------------------------------------------------------------


async def test_the_page_shows_every_question_with_answers_given_by_text_chosen(
    client: AsyncClient, world: World
) -> None:
    setting = await sent_to_the_person_harmed(world)
    await reply(client, setting["parties"]["victim"]["phone"], "4")

    page = await client.get(f"/s/{setting['token']}")

    assert page.status_code == 200
    html = page.text
    assert "Exit this page" in html
    assert "govuk-service-navigation" not in html
    for question in QUESTIONS[SurveyKind.after_panel]:
        assert question.en.text in html
    assert re.search(r'id="listened-4"[^>]*value="4"[^>]*checked', html), html
    assert "checked" not in html.split('name="agreed"', 1)[1].split("</fieldset>")[0]
    assert "Not at all satisfied" in html


async def test_answers_on_the_page_are_stored_as_texted_answers_are(
    client: AsyncClient, world: World
) -> None:
    setting = await sent_to_the_person_harmed(world)
    await reply(client, setting["parties"]["victim"]["phone"], "4")

    sent = await post_survey(
        client,
        setting["token"],
        {"listened": "3", "agreed": "5", "recommend": "4", "comment": "  Kind people.  "},
    )

    assert sent.status_code == 200, sent.text
    assert "Thank you" in sent.text
    assert "Exit this page" in sent.text
    prompts = await prompts_of(setting["victim"])
    # The question texted is answered (changed on the page); the others are added.
    assert sorted((p["question"], p["answer"]) for p in prompts) == [
        ("agreed", 5),
        ("listened", 3),
        ("recommend", 4),
    ]
    assert all(p["answered_at"] is not None for p in prompts)
    survey = (await surveys_of(setting["case_id"]))[(setting["victim"], "after_panel")]
    assert survey["comment"] == "Kind people."
    assert survey["completed_at"] is not None
    assert await SurveyAnswer.count().where(SurveyAnswer.survey == survey["id"]) == 3
    # A digit texted now answers nothing: nothing is waiting.
    await reply(client, setting["parties"]["victim"]["phone"], "1")
    assert sorted(p["answer"] for p in await prompts_of(setting["victim"])) == [3, 4, 5]


async def test_a_page_sent_with_a_question_unanswered_says_which(
    client: AsyncClient, world: World
) -> None:
    setting = await sent_to_the_person_harmed(world)

    sent = await post_survey(client, setting["token"], {"listened": "3", "agreed": "9"})

    assert sent.status_code == 400
    assert "There is a problem" in sent.text
    assert 'href="#agreed"' in sent.text
    assert 'href="#recommend"' in sent.text
    assert 'href="#listened"' not in sent.text
    # Nothing stored, and the link can still be used.
    assert [p["answer"] for p in await prompts_of(setting["victim"])] == [None]
    assert (await client.get(f"/s/{setting['token']}")).status_code == 200


async def refusal_leaves_nothing_changed(
    client: AsyncClient, token: str, setting: dict[str, Any]
) -> None:
    before = (await prompts_of(setting["victim"]), await Survey.select().order_by(Survey.id))

    for response in (
        await client.get(f"/s/{token}"),
        await post_survey(client, token, {"listened": "1", "agreed": "1", "recommend": "1"}),
    ):
        assert response.status_code == 404
        assert "This link cannot be used" in response.text
        assert REFUSED in response.text
        assert "Exit this page" in response.text
        assert "listened to" not in response.text

    assert (await prompts_of(setting["victim"]), await Survey.select().order_by(Survey.id)) == (
        before
    )


async def test_a_guessed_link_is_refused_kindly(client: AsyncClient, world: World) -> None:
    setting = await sent_to_the_person_harmed(world)
    await refusal_leaves_nothing_changed(client, secrets.token_urlsafe(32), setting)


async def test_an_expired_link_is_refused_the_same_way(client: AsyncClient, world: World) -> None:
    setting = await sent_to_the_person_harmed(world)
    await AccessLink.update(
        {AccessLink.expires_at: datetime.now(UTC) - timedelta(minutes=1)}, force=True
    )
    await refusal_leaves_nothing_changed(client, setting["token"], setting)


async def test_a_link_used_once_is_refused_the_same_way(client: AsyncClient, world: World) -> None:
    setting = await sent_to_the_person_harmed(world)
    first = await post_survey(
        client, setting["token"], {"listened": "5", "agreed": "5", "recommend": "5"}
    )
    assert first.status_code == 200
    await refusal_leaves_nothing_changed(client, setting["token"], setting)


# What referrers see ------------------------------------------------------------------------


async def answered(
    case_id: UUID, record_id: int, scores: tuple[int, int, int], comment: str
) -> None:
    """A person harmed's survey answered on its page."""
    party = (
        await Party.select(Party.id)
        .where((Party.case == case_id) & (Party.role == "victim"))
        .first()
    )
    assert party is not None
    async with write_transaction():
        rows = await Survey.insert(
            Survey(
                case=case_id,
                party=party["id"],
                record=record_id,
                kind=SurveyKind.after_panel,
                key=f"test:{case_id}",
                due_at=after(),
                sent_at=after(),
            )
        ).returning(Survey.id)
        survey = await Survey.select().where(Survey.id == rows[0]["id"]).first()
        assert survey is not None
        url = await feedback.issue_link(survey, datetime.now(UTC), get_settings())
    keys = [q.key for q in QUESTIONS[SurveyKind.after_panel]]
    await feedback.answer_by_link(token_in(url), dict(zip(keys, scores, strict=True)), comment)


def figures(summary: dict[str, Any], kind: str, question: str) -> tuple[int, float | None]:
    [found] = [q for q in summary["questions"] if (q["kind"], q["question"]) == (kind, question)]
    return found["answers"], found["average"]


async def test_a_referrer_sees_their_own_organisations_figures_and_never_a_comment(
    client: AsyncClient, world: World
) -> None:
    setting = await held(world)
    record_id = setting["record_id"]
    # Three of the police's cases answered, and one of the housing provider's.
    for scores in ((5, 4, 3), (4, 4, 3), (3, 1, 3)):
        await answered(await refer(world.referrer), record_id, scores, "SECRET-police-comment")
    await answered(await refer(world.other_referrer), record_id, (1, 2, 1), "SECRET-homes")

    police = await client.get("/api/v1/feedback/summary", headers=world.colleague.headers)

    assert police.status_code == 200
    body = police.json()
    assert body["organisation_id"] == str(world.police)
    assert figures(body, "after_panel", "listened") == (3, 4.0)
    assert figures(body, "after_panel", "agreed") == (3, 3.0)
    assert figures(body, "reflection", "keep_to") == (0, None)
    assert {s["kind"]: s["completed"] for s in body["surveys"]}["after_panel"] == 3
    assert "SECRET" not in police.text
    assert str(setting["case_id"]) not in police.text
    # One answer is one person's: a referrer is not shown it as an "average".
    homes = (
        await client.get("/api/v1/feedback/summary", headers=world.other_referrer.headers)
    ).json()
    assert figures(homes, "after_panel", "listened") == (1, None)
    # Only their own organisation.
    other = await client.get(
        "/api/v1/feedback/summary",
        params={"organisation_id": str(world.housing)},
        headers=world.colleague.headers,
    )
    assert other.status_code == 403


async def test_a_coordinator_sees_the_whole_scheme_or_one_organisation(
    client: AsyncClient, world: World
) -> None:
    setting = await held(world)
    await answered(await refer(world.referrer), setting["record_id"], (5, 5, 5), "SECRET-a")
    await answered(await refer(world.other_referrer), setting["record_id"], (2, 3, 4), "SECRET-b")

    everyone = await client.get("/api/v1/feedback/summary", headers=world.coordinator.headers)
    homes = await client.get(
        "/api/v1/feedback/summary",
        params={"organisation_id": str(world.housing)},
        headers=world.coordinator.headers,
    )

    assert figures(everyone.json(), "after_panel", "listened") == (2, 3.5)
    assert figures(homes.json(), "after_panel", "recommend") == (1, 4.0)
    assert "SECRET" not in everyone.text + homes.text


# The words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "language"),
    [(kind, language) for kind in SurveyKind for language in ("en", "cy")],
)
def test_every_question_is_safe_to_text_and_short(kind: SurveyKind, language: str) -> None:
    details = Details(scheme_name="Northshire Neighbourhood Justice Panel")
    for question in QUESTIONS[kind]:
        text = render(
            MessageKind.survey_question,
            language,
            Details(details.scheme_name, question=question.text(language)),
        )
        assert check_safe(text) == [], text
        words = question.words(language)
        assert check_safe(f"{words.low} {words.high} {words.missing}") == []
        segments = count_segments(text)
        assert segments.encoding == "GSM-7"
        assert segments.count == 1 if language == "en" else segments.count <= 2

"""The survey page in the browser, as the person harmed opens it from a text on their
phone: every question answered with a tap, "Exit this page" at hand, and a thank-you."""

from __future__ import annotations

from playwright.async_api import expect

from notifications.tables import OutboxMessage
from panels.feedback import service as feedback
from panels.messaging.tables import SurveyPrompt
from tests.panels.feedback.test_surveys import held, morning_after, token_in
from tests.panels.web.conftest import Pages
from tests.world import World


async def test_the_person_harmed_answers_the_survey_from_the_link_in_a_text(
    pages: Pages, world: World
) -> None:
    setting = await held(world)
    await feedback.send_due_surveys(morning_after())
    text = (
        await OutboxMessage.select(OutboxMessage.body)
        .where(
            (OutboxMessage.party_id == setting["victim"]) & (OutboxMessage.kind == "survey_link")
        )
        .first()
    )
    assert text is not None

    page = await pages.open()  # a phone-sized screen
    await page.goto(f"/s/{token_in(text['body'])}")
    await expect(page.get_by_role("heading", name="Tell us how it went")).to_be_visible()
    await expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    assert await page.get_by_role("navigation").count() == 0
    await pages.check(page)

    # Sent with a question left out: the page says which, and keeps what was chosen.
    listened = page.get_by_role("group", name="How much did you feel listened to?")
    await listened.get_by_label("4", exact=True).check()
    await page.get_by_role("button", name="Send your answers").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Select how satisfied you are with what was agreed")
    await expect(alert).to_contain_text("Select how likely you are to recommend a panel")
    await expect(alert).not_to_contain_text("listened")
    await pages.check(page)
    await expect(listened.get_by_label("4", exact=True)).to_be_checked()

    agreed = page.get_by_role("group", name="How satisfied are you with what was agreed?")
    await agreed.get_by_label("5", exact=True).check()
    recommend = page.get_by_role("group", name="recommend a panel")
    await recommend.get_by_label("3", exact=True).check()
    await page.get_by_label("Is there anything else you would like to tell us?").fill(
        "It helped to say how it felt."
    )
    await page.get_by_role("button", name="Send your answers").click()

    await expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    await expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    await pages.check(page)
    answers = await SurveyPrompt.select(SurveyPrompt.question, SurveyPrompt.answer).where(
        SurveyPrompt.party == setting["victim"]
    )
    assert sorted((a["question"], a["answer"]) for a in answers) == [
        ("agreed", 5),
        ("listened", 4),
        ("recommend", 3),
    ]

"""A referrer is told their referral closed: on their case page always, and by email
through a real SMTP server on 127.0.0.1 when one is configured. The email names the
reference and the outcome, and nothing about the people in the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from httpx import AsyncClient

from notifications.tables import MailMessage
from panels import follow_up
from panels.cases import service as cases
from panels.cases.schemas import TransitionIn
from panels.cases.tables import Case, CaseStatus, Outcome, Party
from panels.clock import utc_now
from panels.settings import get_settings
from panels.web.wording import OFFENCE
from tests.smtp_fake import FakeSmtp
from tests.world import SENSITIVE, World

SENDER = "panels@testshire-njp.example"


def mail_to(settings_env: pytest.MonkeyPatch, smtp: FakeSmtp, *, port: int | None = None) -> None:
    settings_env.setenv("NJP_SMTP_HOST", "127.0.0.1")
    settings_env.setenv("NJP_SMTP_PORT", str(port or smtp.port))
    settings_env.setenv("NJP_SMTP_STARTTLS", "false")
    settings_env.setenv("NJP_MAIL_FROM", SENDER)
    get_settings.cache_clear()


async def close(world: World) -> None:
    await cases.transition(
        world.coordinator.actor,
        world.case_id,
        TransitionIn(
            to=CaseStatus.closed,
            outcome=Outcome.not_proceeding,
            reason="Pat Jones has moved to Leeds.",
        ),
    )


async def test_the_referrer_is_emailed_once_with_nothing_about_the_people(
    world: World, smtp: FakeSmtp, settings_env: pytest.MonkeyPatch
) -> None:
    mail_to(settings_env, smtp)
    await close(world)
    assert await follow_up.send_mail() == 1
    assert await follow_up.send_mail(utc_now() + timedelta(hours=1)) == 0, "sent once"

    [message] = smtp.messages
    case = await Case.select(Case.reference, Case.area, Case.summary, Case.offence_category).first()
    assert case is not None
    assert message["To"] == world.referrer.actor.email
    assert message["From"] == SENDER
    assert case["reference"] in message["Subject"]
    body = message.get_content()
    assert "Not proceeding" in body
    assert f"/cases/{world.case_id}" in body
    names = [p["name"] for p in await Party.select(Party.name)]
    phones = [p["phone"] for p in await Party.select(Party.phone) if p["phone"]]
    offence = OFFENCE[case["offence_category"]]
    for private in [*names, *phones, *SENSITIVE, case["area"], case["summary"], offence, "Leeds"]:
        assert private not in body, f"{private!r} is in the email"
        assert private not in message["Subject"]


async def test_without_a_mail_server_nothing_is_written_and_the_page_still_tells(
    client: AsyncClient, world: World
) -> None:
    await close(world)
    assert await MailMessage.count() == 0
    page = await client.get(f"/api/v1/cases/{world.case_id}", headers=world.referrer.headers)
    assert page.json()["status"] == "closed"
    assert page.json()["outcome"] == "not_proceeding"


async def test_a_mail_server_that_is_down_is_tried_again_later(
    world: World, smtp: FakeSmtp, settings_env: pytest.MonkeyPatch
) -> None:
    with FakeSmtp() as closed_soon:
        port = closed_soon.port
    mail_to(settings_env, smtp, port=port)  # nothing listens there now
    await close(world)
    now = utc_now()
    assert await follow_up.send_mail(now) == 0
    [waiting] = await MailMessage.select(MailMessage.status, MailMessage.next_attempt_at)
    assert waiting["status"] == "queued"
    assert waiting["next_attempt_at"] > now, "it waits before trying again"

    mail_to(settings_env, smtp)
    assert await follow_up.send_mail(waiting["next_attempt_at"]) == 1
    assert len(smtp.messages) == 1


async def test_an_address_the_server_refuses_for_good_is_not_tried_again(
    world: World, smtp: FakeSmtp, settings_env: pytest.MonkeyPatch
) -> None:
    mail_to(settings_env, smtp)
    smtp.inbox.refuse = "550 No such mailbox"
    await close(world)
    assert await follow_up.send_mail() == 0
    [row] = await MailMessage.select(MailMessage.status, MailMessage.error)
    assert row["status"] == "failed"
    assert "550" in row["error"]
    smtp.inbox.refuse = None
    assert await follow_up.send_mail(utc_now() + timedelta(days=1)) == 0
    assert smtp.messages == []


async def test_a_refusal_for_now_is_tried_again(
    world: World, smtp: FakeSmtp, settings_env: pytest.MonkeyPatch
) -> None:
    mail_to(settings_env, smtp)
    smtp.inbox.refuse = "451 Try again later"
    await close(world)
    assert await follow_up.send_mail() == 0
    smtp.inbox.refuse = None
    assert await follow_up.send_mail(utc_now() + timedelta(hours=2)) == 1
    assert len(smtp.messages) == 1

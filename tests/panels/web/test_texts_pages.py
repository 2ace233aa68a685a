"""Texts and tasks on the pages: a case's facilitators see what each person was texted,
what they replied and their answer to the invitation, and mark done what a reply left to
do; referrers see none of it; coordinators read the scheme's texts with the numbers
masked; a facilitator keeps the mobile they are texted on."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from playwright.async_api import expect

from notifications.gateway import masked
from panels.cases.tables import Case, Party, PersonalDataView
from panels.facilitators.tables import Facilitator
from panels.messaging.service import handle_reply
from panels.phones import display_phone
from panels.tasks.tables import Task
from panels.web.rendering import london_time
from tests.panels.messaging.test_texts import FAY_MOBILE, book, local, morning, scheduled
from tests.panels.messaging.test_webhooks import reply
from tests.panels.test_access_matrix import CSRF_FIELD, csrf_token
from tests.panels.web.conftest import DESKTOP, Pages
from tests.panels.web.test_journeys import sign_in
from tests.world import SENSITIVE, World, staff_the_scheme

# After the booking (at morning()), before the panel: when the people reply.
LATER = morning() + timedelta(hours=1)
# Fay's own mobile, in Ofcom's drama range.
NEW_MOBILE = "+447700900456"


async def booked(world: World) -> dict[str, Any]:
    """A case whose panel was booked this morning: each party invited by text."""
    setting = await scheduled(world)
    await book(world, setting, local(3, 18), morning())
    names = await Party.select(Party.id, Party.name).where(Party.case == setting["case_id"])
    for person in setting["parties"].values():
        person["name"] = next(row["name"] for row in names if row["id"] == person["id"])
    case = await Case.select(Case.reference).where(Case.id == setting["case_id"]).first()
    assert case is not None
    setting["reference"] = case["reference"]
    return setting


async def answer(phone: str, words: str) -> str:
    """A text from a party, as Twilio's webhook hands it to the service."""
    return await handle_reply("SM" + secrets.token_hex(16), phone, words, LATER)


def all_the_ways_to_write(phone: str) -> list[str]:
    return [phone, display_phone(phone), display_phone(phone).replace(" ", "")]


# In the browser ----------------------------------------------------------------------


async def test_a_facilitator_sees_each_invitation_each_answer_and_marks_a_task_done(
    pages: Pages, world: World
) -> None:
    setting = await booked(world)
    case_id = setting["case_id"]
    victim, causer = setting["parties"]["victim"], setting["parties"]["harm_causer"]
    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto(f"/cases/{case_id}")

    texts = page.get_by_role("region", name="Texts")
    to_victim = texts.locator(
        ".govuk-summary-card", has_text=f"To Person harmed: {victim['name']}"
    ).filter(has_text="Invitation to the panel")
    await expect(to_victim).to_contain_text("Reply YES")
    await expect(to_victim).to_contain_text("Waiting to send")
    await expect(to_victim).to_contain_text(f"Due {london_time(morning())}")
    await expect(
        texts.locator(
            ".govuk-summary-card", has_text=f"To Person responsible: {causer['name']}"
        ).filter(has_text="Invitation to the panel")
    ).to_contain_text("Waiting to send")
    for person in (victim, causer):
        await expect(page.locator(f"#party-{person['id']}")).to_contain_text(
            "Invited, no answer yet"
        )
    await expect(page.get_by_role("region", name="Things to do")).to_contain_text(
        "Nothing to do on this case."
    )
    await pages.check(page)

    await answer(victim["phone"], "YES")
    await page.reload()
    await expect(page.locator(f"#party-{victim['id']}")).to_contain_text("Confirmed by text")
    await expect(page.locator(f"#party-{causer['id']}")).to_contain_text("Invited, no answer yet")
    from_victim = texts.locator(
        ".govuk-summary-card", has_text=f"From Person harmed: {victim['name']}"
    )
    await expect(from_victim).to_contain_text("YES")
    await expect(from_victim).to_contain_text("Yes, they will come")
    await expect(from_victim).to_contain_text(f"Received {london_time(LATER)}")
    # Newest first: the reply is above the invitation it answers (and below the reminders,
    # which are due later).
    cards = await texts.locator(".govuk-summary-card").all_inner_texts()
    replied = next(i for i, card in enumerate(cards) if card.startswith("From Person harmed"))
    invited = next(
        i
        for i, card in enumerate(cards)
        if card.startswith("To Person harmed") and "Invitation to the panel" in card
    )
    assert replied < invited
    await pages.check(page)

    await answer(causer["phone"], "NO")
    await page.reload()
    await expect(page.locator(f"#party-{causer['id']}")).to_contain_text("Said they cannot come")
    to_do = page.get_by_role("region", name="Things to do")
    task = to_do.locator(".govuk-summary-card", has_text=f"Person responsible: {causer['name']}")
    await expect(task).to_contain_text("They replied that they cannot come")
    await expect(task).to_contain_text(f"Raised {london_time(LATER)}")
    await pages.check(page)

    # Their home lists it too, with the case it is about.
    await page.get_by_role("link", name="Your cases").click()
    await expect(page.get_by_role("heading", name="Things to do (1)")).to_be_visible()
    await pages.check(page)
    await page.get_by_role("link", name=setting["reference"]).first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(setting["reference"])

    await page.get_by_role("button", name=re.compile("Mark as done")).click()
    await expect(page.get_by_text("Marked as done", exact=True)).to_be_visible()
    to_do = page.get_by_role("region", name="Things to do")
    await expect(to_do).to_contain_text("Nothing to do on this case.")
    await expect(to_do.get_by_role("button", name=re.compile("Mark as done"))).to_have_count(0)
    await expect(to_do).to_contain_text("Done (1)")
    await pages.check(page)
    [row] = await Task.select(Task.done_at, Task.done_by).where(Task.case == case_id)
    assert row["done_at"] is not None
    assert row["done_by"] == world.facilitator.actor.id


async def test_a_coordinator_reads_the_texts_masked_and_a_referrer_sees_none(
    pages: Pages, world: World
) -> None:
    setting = await booked(world)
    victim = setting["parties"]["victim"]
    page = await pages.open(DESKTOP)
    await sign_in(pages, page, "cora@scheme.example")
    await page.get_by_role("link", name="Texts sent", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Texts sent")
    await expect(page.get_by_text("what would have been texted")).to_be_visible()
    card = page.locator(".govuk-summary-card", has_text=f"To {masked(victim['phone'])}").filter(
        has_text="Invitation to the panel"
    )
    await expect(card).to_contain_text("Waiting to send")
    await expect(card.get_by_role("link", name=re.compile("See the case"))).to_have_attribute(
        "href", f"/cases/{setting['case_id']}"
    )
    await pages.check(page)
    content = await page.content()
    for phone in (victim["phone"], setting["parties"]["harm_causer"]["phone"], FAY_MOBILE):
        assert masked(phone) in content
        for written in all_the_ways_to_write(phone):
            assert written not in content

    referrer = await pages.open()
    await sign_in(pages, referrer, "rhys@police.example")
    await referrer.goto(f"/cases/{setting['case_id']}")
    await expect(referrer.get_by_role("heading", level=1)).to_contain_text(setting["reference"])
    await pages.check(referrer)
    await expect(referrer.get_by_role("heading", name="Texts")).to_have_count(0)
    content = await referrer.content()
    for hidden in ("Reply YES", "Invitation to the panel", "Invited, no answer yet"):
        assert hidden not in content
    for person in setting["parties"].values():
        assert person["name"] not in content
        for written in [*all_the_ways_to_write(person["phone"]), masked(person["phone"])]:
            assert written not in content


async def test_a_facilitator_saves_their_mobile_and_a_wrong_one_is_explained(
    pages: Pages, world: World
) -> None:
    staff = await staff_the_scheme(world)
    SENSITIVE.add(NEW_MOBILE)
    page = await pages.open()
    await sign_in(pages, page, "fay@scheme.example")
    await page.goto(f"/facilitators/{staff['lead']}")
    await expect(page.get_by_text("Not given: no texts about panels")).to_be_visible()
    await pages.check(page)

    mobile = page.get_by_label("Mobile number (for texts about your panels)")
    await expect(mobile).to_have_attribute("type", "tel")
    await expect(mobile).to_have_attribute("autocomplete", "tel")
    await mobile.fill("07700 9001")
    await page.get_by_role("button", name="Save profile").click()
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_contain_text("This is not a real phone number; check the digits")
    await expect(page.locator("#phone-error")).to_contain_text("This is not a real phone number")
    await expect(mobile).to_have_value("07700 9001")
    await pages.check(page)
    await summary.get_by_role("link").click()
    await expect(mobile).to_be_focused()
    profile = await Facilitator.select(Facilitator.phone).where(Facilitator.id == staff["lead"])
    assert profile == [{"phone": None}]

    await mobile.fill(display_phone(NEW_MOBILE))
    await page.get_by_role("button", name="Save profile").click()
    await expect(page.get_by_text("Profile saved")).to_be_visible()
    await expect(mobile).to_have_value("07700 900456")
    await expect(page.locator(".govuk-summary-list").first).to_contain_text("07700 900456")
    await pages.check(page)
    profile = await Facilitator.select(Facilitator.phone).where(Facilitator.id == staff["lead"])
    assert profile == [{"phone": NEW_MOBILE}]


# Over plain HTTP ---------------------------------------------------------------------


async def post_form(
    client: AsyncClient, world: World, who: str, path: str, form: dict[str, str] | None = None
) -> Any:
    """A page's form, posted with its CSRF token as a browser that opened the page would."""
    data = {**(form or {}), CSRF_FIELD: await csrf_token(client)}
    return await client.post(path, data=data, headers=world.as_role(who))


async def test_the_case_page_shows_each_answer_and_every_text_to_the_case_workers(
    client: AsyncClient, world: World
) -> None:
    setting = await booked(world)
    victim, causer = setting["parties"]["victim"], setting["parties"]["harm_causer"]
    await reply(client, victim["phone"], "Yes")
    await reply(client, causer["phone"], "Can we change the time?")
    for who in ("facilitator_assigned", "coordinator"):
        response = await client.get(f"/cases/{setting['case_id']}", headers=world.as_role(who))
        assert response.status_code == 200
        html = response.text
        assert "Confirmed by text" in html
        assert "Asked to change the time" in html
        assert f"From Person harmed: {victim['name']}" in html
        assert f"From Person responsible: {causer['name']}" in html
        assert "They want to change the time" in html
        assert "They asked by text to change the time" in html  # the task it raised
        assert html.count("Invitation to the panel") == 2
    # Each opening of the page, texts and all, is one recorded view of personal data.
    views = await PersonalDataView.select(PersonalDataView.viewer).where(
        (PersonalDataView.case == setting["case_id"])
        & (PersonalDataView.endpoint == f"/cases/{setting['case_id']}")
    )
    assert sorted(str(v["viewer"]) for v in views) == sorted(
        [str(world.facilitator.actor.id), str(world.coordinator.actor.id)]
    )


async def test_a_referrer_sees_no_texts_answers_or_tasks(client: AsyncClient, world: World) -> None:
    setting = await booked(world)
    await reply(client, setting["parties"]["harm_causer"]["phone"], "NO")
    response = await client.get(
        f"/cases/{setting['case_id']}", headers=world.as_role("referrer_same_org")
    )
    assert response.status_code == 200
    for hidden in ("Texts", "Things to do", "Said they cannot come", "Reply YES", "They replied"):
        assert hidden not in response.text
    for person in setting["parties"].values():
        assert masked(person["phone"]) not in response.text
        for written in all_the_ways_to_write(person["phone"]):
            assert written not in response.text


async def test_marking_a_task_done_returns_to_the_case_and_a_second_time_changes_nothing(
    client: AsyncClient, world: World
) -> None:
    setting = await booked(world)
    case_id = setting["case_id"]
    await reply(client, setting["parties"]["victim"]["phone"], "NO")
    [task] = await Task.select(Task.id).where(Task.case == case_id)
    address = f"/cases/{case_id}/tasks/{task['id']}/done"

    done = await post_form(client, world, "facilitator_assigned", address)
    assert done.status_code == 303
    assert done.headers["location"] == f"/cases/{case_id}?done=task#things-to-do"
    [row] = await Task.select(Task.done_at, Task.done_by).where(Task.id == task["id"])
    assert row["done_by"] == world.facilitator.actor.id

    again = await post_form(client, world, "coordinator", address)
    assert again.status_code == 303
    assert again.headers["location"] == f"/cases/{case_id}?done=task-was-done#things-to-do"
    assert await Task.select(Task.done_at, Task.done_by).where(Task.id == task["id"]) == [row]
    page = await client.get(
        f"/cases/{case_id}?done=task-was-done", headers=world.as_role("coordinator")
    )
    assert "That was already marked as done" in page.text
    assert "Nothing to do on this case." in page.text


async def test_a_task_cannot_be_marked_done_through_another_cases_address(
    client: AsyncClient, world: World
) -> None:
    setting = await booked(world)
    await reply(client, setting["parties"]["victim"]["phone"], "NO")
    [task] = await Task.select(Task.id).where(Task.case == setting["case_id"])
    # World's own case, which Fay also leads.
    response = await post_form(
        client, world, "facilitator_assigned", f"/cases/{world.case_id}/tasks/{task['id']}/done"
    )
    assert response.status_code == 404
    assert await Task.select(Task.done_at).where(Task.id == task["id"]) == [{"done_at": None}]


async def test_open_tasks_are_on_the_dashboard_and_the_facilitators_home(
    client: AsyncClient, world: World
) -> None:
    setting = await booked(world)
    await reply(client, setting["parties"]["victim"]["phone"], "NO")
    link = f'<a class="govuk-link" href="/cases/{setting["case_id"]}#things-to-do">'
    for who, home in (("coordinator", "/dashboard"), ("facilitator_assigned", "/cases")):
        response = await client.get(home, headers=world.as_role(who))
        assert response.status_code == 200
        assert "Things to do (1)" in response.text
        assert f"{link}{setting['reference']}</a>, person harmed:" in response.text
        assert "They replied that they cannot come" in response.text
    # Otto leads nothing: nothing is his to do.
    response = await client.get("/cases", headers=world.as_role("facilitator_unassigned"))
    assert "Things to do (0)" in response.text
    assert "They replied that they cannot come" not in response.text


async def test_the_texts_page_masks_every_number(client: AsyncClient, world: World) -> None:
    setting = await booked(world)
    response = await client.get("/texts", headers=world.as_role("coordinator"))
    assert response.status_code == 200
    phones = [person["phone"] for person in setting["parties"].values()] + [FAY_MOBILE]
    for phone in phones:
        assert f"To {masked(phone)}" in response.text
        for written in all_the_ways_to_write(phone):
            assert written not in response.text
    assert response.text.count("Invitation to the panel") == 2
    assert "Panel booked, to a facilitator" in response.text


async def test_a_mobile_is_saved_on_the_profile_and_cleared_when_left_empty(
    client: AsyncClient, world: World
) -> None:
    staff = await staff_the_scheme(world)
    SENSITIVE.add(NEW_MOBILE)
    address = f"/facilitators/{staff['lead']}"
    form = {"languages": "en", "max_panels_per_month": "4", "works_bank_holidays": "no"}

    wrong = await post_form(client, world, "facilitator_assigned", address, {**form, "phone": "1"})
    assert wrong.status_code == 400
    assert 'href="#phone"' in wrong.text
    assert "Enter a phone number, like 07700 900123 or +44 7700 900123" in wrong.text

    saved = await post_form(
        client, world, "facilitator_assigned", address, {**form, "phone": "07700 900456"}
    )
    assert saved.status_code == 303
    stored = await Facilitator.select(Facilitator.phone).where(Facilitator.id == staff["lead"])
    assert stored == [{"phone": NEW_MOBILE}]
    shown = await client.get(address, headers=world.as_role("coordinator"))
    assert "Mobile number (for texts about their panels)" in shown.text
    assert 'value="07700 900456"' in shown.text

    cleared = await post_form(client, world, "facilitator_assigned", address, {**form, "phone": ""})
    assert cleared.status_code == 303
    stored = await Facilitator.select(Facilitator.phone).where(Facilitator.id == staff["lead"])
    assert stored == [{"phone": None}]


async def test_a_reply_from_a_number_two_people_share_is_left_for_a_person(
    client: AsyncClient, world: World
) -> None:
    setting = await scheduled(world)
    victim, causer = setting["parties"]["victim"], setting["parties"]["harm_causer"]
    # A parent and their child, say, on one phone: a YES could be either's.
    await Party.update({Party.phone: victim["phone"]}).where(Party.id == causer["id"])
    await book(world, setting, local(3, 18), morning())
    await reply(client, victim["phone"], "YES")
    response = await client.get(
        f"/cases/{setting['case_id']}", headers=world.as_role("facilitator_assigned")
    )
    html = response.text
    assert "From A phone number on this case" in html
    assert "Yes, they will come" in html
    assert "Confirmed by text" not in html
    assert html.count("Invited, no answer yet") == 2
    assert "The whole case" in html
    assert "A text came in that needs a person to read it" in html

"""More of what people do in the browser: a coordinator manages users and API tokens,
someone works with the keyboard alone, and the layout for people without accounts."""

from __future__ import annotations

import re

from playwright.async_api import Route, expect

from panels.accounts.tables import ApiToken, User
from panels.web.rendering import environment
from tests.panels.web.conftest import DESKTOP, Pages
from tests.panels.web.test_journeys import sign_in
from tests.world import PASSWORD, World, refer


async def test_a_coordinator_adds_a_user_and_issues_and_revokes_a_token(
    pages: Pages, world: World
) -> None:
    page = await pages.open(DESKTOP)
    await sign_in(pages, page, "cora@scheme.example")
    await page.get_by_role("link", name="Users").click()
    await pages.check(page)
    await page.get_by_role("button", name="Add a user").click()
    await pages.check(page)

    # mistakes first: the page says what to fix
    await page.get_by_role("button", name="Add user").click()
    await expect(page.get_by_role("alert")).to_contain_text("Enter the person's name")
    await pages.check(page)

    await page.get_by_label("Full name").fill("Nia Newcomer")
    await page.get_by_label("Email address").fill("nia@scheme.example")
    await page.get_by_label("Facilitator").check()
    await page.get_by_label("Organisation").select_option(label="Testshire Justice Panel")
    await page.get_by_label("Password", exact=True).fill("a long enough password")
    await page.get_by_role("button", name="Add user").click()
    await expect(page.get_by_text("User added")).to_be_visible()
    await expect(page.get_by_role("link", name="Nia Newcomer")).to_be_visible()
    await pages.check(page)
    assert await User.exists().where(User.email == "nia@scheme.example")

    await page.get_by_role("link", name="API tokens").click()
    await pages.check(page)
    await page.get_by_label("Name", exact=True).fill("Testshire Police case system")
    await page.get_by_label("Acts as").select_option(label="PC Rhys Referrer (Referrer)")
    await page.get_by_role("button", name="Create token").click()
    await expect(page.get_by_role("heading", name="Token created")).to_be_visible()
    await pages.check(page)
    secret = await page.get_by_label("Token for Testshire Police case system").input_value()
    assert secret.startswith("njp_")

    # the token works against the API, as the referrer
    me = await page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert (await me.json())["email"] == "rhys@police.example"

    await page.goto("/api-tokens")
    await pages.check(page)
    assert secret not in await page.content()
    await page.get_by_role("button", name="Revoke Testshire Police case system").click()
    await expect(page.get_by_text("Token revoked")).to_be_visible()
    revoked = await page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert revoked.status == 401
    row = (
        await ApiToken.select(ApiToken.revoked_at)
        .where(ApiToken.name == "Testshire Police case system")
        .first()
    )
    assert row is not None
    assert row["revoked_at"] is not None


async def test_the_keyboard_alone_is_enough_to_sign_in_and_refer(
    pages: Pages, world: World
) -> None:
    page = await pages.open(DESKTOP)
    await page.goto("/sign-in")
    await pages.check(page)
    # the first Tab reaches "Skip to main content"
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Email address")).to_be_focused()
    await page.keyboard.type("rhys@police.example")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Password", exact=True)).to_be_focused()
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/cases$"))
    await pages.check(page)

    # Tab to "Refer a case" in the navigation and follow it
    for _ in range(20):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Refer a case":
            break
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Refer a case")).to_be_visible()
    await pages.check(page)
    # Tab by Tab, focus reaches every visible control on the form (a radio group once;
    # arrow keys move within it)
    key = "el => el.type === 'radio' ? 'radios:' + el.name : (el.id || el.name)"
    reached = set()
    for _ in range(120):
        await page.keyboard.press("Tab")
        reached.add(await page.evaluate(f"({key})(document.activeElement)"))
    controls = await page.evaluate(
        f"""() => Array.from(document.querySelectorAll(
                'main input:not([type=hidden]), main select, main textarea, main button'))
            .filter(el => el.checkVisibility() && el.tabIndex >= 0)
            .map({key})"""
    )
    assert controls
    assert set(controls) <= reached, set(controls) - reached


PRIVATE_PAGE = """{% extends "private.html" %}
{% block main_content %}<h1 class="govuk-heading-l">Your panel</h1>
<p class="govuk-body">Reply YES to the text message to confirm.</p>{% endblock %}"""


async def test_the_layout_for_people_without_accounts_has_exit_this_page(pages: Pages) -> None:
    html = (
        environment()
        .from_string(PRIVATE_PAGE)
        .render(
            title="Your panel",
            scheme_name="Neighbourhood Justice Panel",
            path="/p/example",
            cspNonce="",
        )
    )
    page = await pages.open()
    # The layout loads its styles and script from the service, so it is shown from there.
    await page.route(
        "**/p/example", lambda route: route.fulfill(status=200, content_type="text/html", body=html)
    )
    left: list[str] = []

    async def away(route: Route) -> None:
        left.append(route.request.url)
        await route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>")

    await page.route("https://www.bbc.co.uk/**", away)
    await page.goto("/p/example")
    await pages.check(page)
    exit_button = page.get_by_role("button", name="Emergency Exit this page")
    await expect(exit_button).to_be_visible()
    await expect(exit_button).to_have_attribute("href", "https://www.bbc.co.uk/weather")
    assert await page.get_by_role("navigation").count() == 0
    # pressing Shift three times leaves the page (GOV.UK Frontend's script is running)
    await page.keyboard.press("Shift")
    await page.keyboard.press("Shift")
    await page.keyboard.press("Shift")
    await expect(page).to_have_title("Weather")
    assert left == ["https://www.bbc.co.uk/weather"]


async def test_a_coordinator_filters_cases_rejects_one_and_the_referrer_sees_why(
    pages: Pages, world: World
) -> None:

    case_id = await refer(world.other_referrer)
    page = await pages.open(DESKTOP)
    await sign_in(pages, page, "cora@scheme.example")
    await page.get_by_role("link", name="Cases", exact=True).click()
    await pages.check(page)
    await page.get_by_label("Status").select_option(label="Referred")
    await page.get_by_label("Referred by").select_option(label="Testshire Homes")
    await page.get_by_role("button", name="Show cases").click()
    await pages.check(page)
    await expect(page.locator("table tbody tr")).to_have_count(1)
    await page.locator("table tbody a").click()
    await expect(page).to_have_url(re.compile(str(case_id)))
    await pages.check(page)

    await page.get_by_role("button", name="Do not accept").click()
    await expect(page.get_by_role("alert")).to_contain_text("Give a reason")
    await pages.check(page)
    await page.get_by_label("Why not").fill("The person responsible has since moved away.")
    await page.get_by_role("button", name="Do not accept").click()
    await expect(page.get_by_text("Referral not accepted")).to_be_visible()
    await pages.check(page)

    await page.goto(f"/users/{world.facilitator.actor.id}")
    await pages.check(page)
    await page.goto("/no-such-page")
    await pages.check(page)

    referrer = await pages.open()
    await sign_in(pages, referrer, "hal@homes.example")
    await referrer.get_by_role("link", name=re.compile(r"NJP-")).click()
    await pages.check(referrer)
    await expect(
        referrer.get_by_text("The person responsible has since moved away.")
    ).to_be_visible()
    await expect(referrer.locator(".govuk-tag")).to_have_text("Not accepted")

"""The forms on a case's page: what they record, and how they say what to fix."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from httpx import AsyncClient, Response

from panels.cases.tables import AvailabilityWindow, Consent
from panels.clock import london_today
from tests.panels.web.test_page_protection import csrf_token, signed_in
from tests.world import World


async def post_form(client: AsyncClient, url: str, data: dict[str, str]) -> Response:
    return await client.post(url, data={**data, "_csrf_token": csrf_token(client)})


def error_links(page: str) -> dict[str, str]:
    """The error summary's messages and where each link goes."""
    summary = page.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    return {
        html.unescape(text.strip()): href
        for href, text in re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', summary)
    }


async def test_consent_without_a_decision_says_so_at_the_field(
    client: AsyncClient, world: World
) -> None:
    await signed_in(client, "fay@scheme.example")
    party = world.victim_id
    response = await post_form(
        client, f"/cases/{world.case_id}/parties/{party}/consent", {"method": "phone_call"}
    )
    assert response.status_code == 400
    assert error_links(response.text) == {
        "Select the person's decision": f"#consent-{party}-decision"
    }
    # the form opens again where the mistake is, with what was chosen kept
    assert f'id="consent-{party}-decision"' in response.text
    assert re.search(r'<option value="phone_call" selected', response.text)
    assert await Consent.count() == 0


async def test_a_contact_attempt_at_an_impossible_time_points_at_the_date(
    client: AsyncClient, world: World
) -> None:
    await signed_in(client, "fay@scheme.example")
    party = world.harm_causer_id
    today = london_today()
    response = await post_form(
        client,
        f"/cases/{world.case_id}/parties/{party}/contact-attempts",
        {
            "attempted_at-day": str(today.day),
            "attempted_at-month": str(today.month),
            "attempted_at-year": str(today.year),
            "attempted_at-time": "25:99",
            "method": "phone_call",
            "outcome": "no_answer",
        },
    )
    assert response.status_code == 400
    links = error_links(response.text)
    assert list(links.values()) == [f"#contact-{party}-attempted_at-day"]
    assert "Enter when you tried" in next(iter(links))


async def test_a_time_they_can_come_is_added_and_removed(client: AsyncClient, world: World) -> None:
    await signed_in(client, "fay@scheme.example")
    party = world.victim_id
    url = f"/cases/{world.case_id}/parties/{party}/availability"
    day = london_today() + timedelta(days=5)
    added = await post_form(
        client,
        url,
        {
            "on-day": str(day.day),
            "on-month": str(day.month),
            "on-year": str(day.year),
            "from": "6pm",
            "to": "20:30",
        },
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/cases/{world.case_id}?done=availability#party-{party}"
    page = await client.get(added.headers["location"].split("#")[0])
    assert f"{day.day} {day:%B %Y} at 6pm to 8:30pm" in page.text
    assert "Availability updated" in page.text

    start = re.search(r'name="remove" value="([^"]+)"', page.text)
    assert start is not None
    removed = await post_form(client, url, {"remove": start.group(1)})
    assert removed.status_code == 303
    assert await AvailabilityWindow.count() == 0


async def test_a_time_already_past_is_refused_at_its_date(
    client: AsyncClient, world: World
) -> None:
    await signed_in(client, "fay@scheme.example")
    party = world.victim_id
    day = london_today() - timedelta(days=1)
    response = await post_form(
        client,
        f"/cases/{world.case_id}/parties/{party}/availability",
        {
            "on-day": str(day.day),
            "on-month": str(day.month),
            "on-year": str(day.year),
            "from": "10:00",
            "to": "11:00",
        },
    )
    assert response.status_code == 400
    assert error_links(response.text) == {
        "This window is already over.": f"#availability-{party}-on-day"
    }


async def test_closing_as_completed_before_a_panel_explains_why_not(
    client: AsyncClient, world: World
) -> None:
    await signed_in(client, "cora@scheme.example")
    response = await post_form(
        client,
        f"/cases/{world.case_id}/transitions",
        {"to": "closed", "outcome": "completed", "reason": "All done"},
    )
    assert response.status_code == 400
    links = error_links(response.text)
    assert list(links.values()) == ["#closed-submit"]
    assert "after its panel was held" in next(iter(links))
    assert 'id="closed-submit"' in response.text


async def test_a_mangled_form_is_answered_not_crashed_on(client: AsyncClient, world: World) -> None:
    await signed_in(client, "rhys@police.example")
    for data in ({"people": "lots", "action": "add-person"}, {"action": "remove-person-x"}):
        response = await post_form(client, "/cases/new", data)
        assert response.status_code == 200
        assert "Refer a case" in response.text
    await signed_in(client, "fay@scheme.example")
    response = await post_form(
        client,
        f"/cases/{world.case_id}/parties/{world.victim_id}/availability",
        {"remove": "not a time"},
    )
    assert response.status_code == 400
    assert "could not be found" in response.text

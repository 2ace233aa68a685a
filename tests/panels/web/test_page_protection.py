"""Pages protect the people using them: security headers on every response, forms that
another site cannot submit, nothing cached, and signing in that sends people back to
where they were going (and nowhere else)."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from panels.accounts.tables import User
from tests.world import PASSWORD, World


def csrf_token(client: AsyncClient) -> str:
    token = client.cookies.get("csrftoken")
    assert token, "a page should have set the csrftoken cookie"
    return str(token)


async def signed_in(client: AsyncClient, email: str) -> None:
    await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "_csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("path", ["/sign-in", "/api/v1/me", "/health", "/no-such-page"])
async def test_every_response_carries_the_security_headers(
    client: AsyncClient, world: World, path: str
) -> None:
    response = await client.get(path)
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert re.search(r"script-src 'self' 'nonce-[\w-]{20,}'", policy)
    assert "unsafe-inline" not in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"


async def test_each_page_gets_its_own_script_nonce(client: AsyncClient, world: World) -> None:
    first = await client.get("/sign-in")
    second = await client.get("/sign-in")
    nonces = [
        re.search(r"'nonce-([\w-]+)'", r.headers["content-security-policy"]).group(1)
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    # the page's one inline script carries this response's nonce
    assert f'<script nonce="{nonces[0]}">' in first.text


async def test_static_files_may_be_cached_but_not_framed(client: AsyncClient) -> None:
    response = await client.get("/static/njp.js")
    assert response.status_code == 200
    assert (
        "cache-control" not in response.headers
        or "no-store" not in response.headers["cache-control"]
    )
    assert response.headers["x-frame-options"] == "DENY"


async def test_a_form_posted_without_its_token_is_refused(
    client: AsyncClient, world: World
) -> None:
    await client.get("/sign-in")
    before = await User.count()
    response = await client.post(
        "/users/new",
        data={
            "email": "forged@example.org",
            "name": "Forged",
            "role": "coordinator",
            "organisation_id": str(world.scheme),
            "password": "a long enough password",
        },
        headers=world.coordinator.headers,
    )
    assert response.status_code == 403
    assert await User.count() == before


async def test_a_forged_token_is_refused(client: AsyncClient, world: World) -> None:
    await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"email": "cora@scheme.example", "password": PASSWORD, "_csrf_token": "forged"},
    )
    assert response.status_code == 403
    assert "njp_session" not in response.cookies


async def test_signing_in_returns_you_to_the_page_you_asked_for(
    client: AsyncClient, world: World
) -> None:
    asked = await client.get(f"/cases/{world.case_id}")
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/sign-in?next=/cases/{world.case_id}"
    await client.get(asked.headers["location"])
    response = await client.post(
        asked.headers["location"],
        data={
            "email": "fay@scheme.example",
            "password": PASSWORD,
            "_csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{world.case_id}"
    session = response.cookies.get("njp_session")
    assert session
    page = await client.get(f"/cases/{world.case_id}")
    assert page.status_code == 200
    assert "Fay Facilitator" in page.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
async def test_signing_in_never_sends_you_to_another_site(
    client: AsyncClient, world: World, target: str
) -> None:
    await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        params={"next": target},
        data={
            "email": "fay@scheme.example",
            "password": PASSWORD,
            "_csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/cases"


async def test_a_wrong_password_keeps_the_email_and_says_what_is_wrong(
    client: AsyncClient, world: World
) -> None:
    await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={
            "email": "fay@scheme.example",
            "password": "not the password",
            "_csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert "The email or password is not right." in response.text
    assert 'value="fay@scheme.example"' in response.text
    assert "njp_session" not in response.cookies


async def test_signing_out_ends_the_session(client: AsyncClient, world: World) -> None:
    await signed_in(client, "fay@scheme.example")
    assert (await client.get("/cases")).status_code == 200
    response = await client.post("/sign-out", data={"_csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert (await client.get("/cases")).status_code == 303


async def test_pages_for_another_role_say_so_plainly(client: AsyncClient, world: World) -> None:
    await signed_in(client, "fay@scheme.example")
    response = await client.get("/users")
    assert response.status_code == 403
    assert "You cannot use this page" in response.text
    assert "text/html" in response.headers["content-type"]

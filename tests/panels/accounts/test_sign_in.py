"""Signing in and out: the session cookie, throttling of password guessing, deactivated
accounts, and what the database keeps of passwords and secrets."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta

import httpx
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from httpx import AsyncClient

from panels.accounts import service
from panels.accounts.tables import ApiToken, User, UserSession
from panels.app import create_app
from panels.clock import utc_now
from panels.settings import get_settings
from tests.logscan import LOG_SCANNER
from tests.world import PASSWORD, World

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"


async def sign_in(client: AsyncClient, email: str, password: str) -> httpx.Response:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    # Every request after this names its credentials itself, so nothing rides along
    # unseen in the client's cookie jar.
    client.cookies.clear()
    return response


def session_cookie(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The njp_session cookie a response sets: its value, and its attributes with
    lower-case names (flags such as HttpOnly map to '')."""
    headers = [
        header
        for header in response.headers.get_list("set-cookie")
        if header.startswith("njp_session=")
    ]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    first, *attributes = (part.strip() for part in headers[0].split(";"))
    value = first.removeprefix("njp_session=").strip('"')
    parsed = {}
    for attribute in attributes:
        name, _, attribute_value = attribute.partition("=")
        parsed[name.lower()] = attribute_value
    return value, parsed


def with_session(value: str) -> dict[str, str]:
    return {"Cookie": f"njp_session={value}"}


async def test_signing_in_returns_the_user_and_a_session_cookie_that_works_alone(
    client: AsyncClient, world: World
) -> None:
    response = await sign_in(client, "fay@scheme.example", PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == str(world.facilitator.actor.id)
    assert body["email"] == "fay@scheme.example"
    assert body["role"] == "facilitator"
    assert body["organisation"]["id"] == str(world.scheme)
    assert body["organisation"]["name"] == "Testshire Justice Panel"

    value, attributes = session_cookie(response)
    assert len(value) >= 32
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert "secure" not in attributes, "a Secure cookie would never come back over http"
    assert attributes["path"] == "/"
    assert int(attributes["max-age"]) == get_settings().session_hours * 3600

    me = await client.get(ME, headers=with_session(value))
    assert me.status_code == 200, me.text
    assert me.json() == body


async def test_without_credentials_me_asks_you_to_sign_in(
    client: AsyncClient, world: World
) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.json()["detail"]
    forged = await client.get(ME, headers=with_session("njps_not-a-real-session"))
    assert forged.status_code == 401


async def test_the_email_address_is_not_case_sensitive(client: AsyncClient, world: World) -> None:
    response = await sign_in(client, "  CORA@Scheme.EXAMPLE ", PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == str(world.coordinator.actor.id)


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: AsyncClient, world: World
) -> None:
    wrong_password = await sign_in(client, "fay@scheme.example", "not the password at all")
    unknown_email = await sign_in(client, "nobody@scheme.example", PASSWORD)
    assert wrong_password.status_code == 401
    assert unknown_email.status_code == 401
    assert wrong_password.json()["detail"]
    # Otherwise anyone could find out which addresses have accounts.
    assert wrong_password.json() == unknown_email.json()
    assert "set-cookie" not in wrong_password.headers
    assert "set-cookie" not in unknown_email.headers


async def test_five_wrong_passwords_lock_the_address_even_for_the_right_password(
    client: AsyncClient, world: World
) -> None:
    for _ in range(5):
        response = await sign_in(client, "rhys@police.example", "a wrong guess, again")
        assert response.status_code == 401

    locked = await sign_in(client, "rhys@police.example", PASSWORD)
    assert locked.status_code == 429, locked.text
    assert "set-cookie" not in locked.headers
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "try again in 15 minutes" in locked.json()["detail"].lower()

    # The same address typed differently is the same address.
    shouted = await sign_in(client, "RHYS@police.example", PASSWORD)
    assert shouted.status_code == 429

    # Only that address is locked.
    colleague = await sign_in(client, "cath@police.example", PASSWORD)
    assert colleague.status_code == 200, colleague.text

    # Once the lockout has passed, the right password works again.
    later = utc_now() + timedelta(minutes=15, seconds=1)
    actor, _, _ = await service.sign_in("rhys@police.example", PASSWORD, 12, now=later)
    assert actor.id == world.referrer.actor.id


async def test_a_successful_sign_in_forgets_earlier_wrong_passwords(
    client: AsyncClient, world: World
) -> None:
    for _ in range(4):
        assert (await sign_in(client, "rhys@police.example", "mistyped")).status_code == 401
    assert (await sign_in(client, "rhys@police.example", PASSWORD)).status_code == 200
    for _ in range(4):
        assert (await sign_in(client, "rhys@police.example", "mistyped")).status_code == 401
    assert (await sign_in(client, "rhys@police.example", PASSWORD)).status_code == 200


async def test_signing_out_ends_that_session_only(client: AsyncClient, world: World) -> None:
    phone, _ = session_cookie(await sign_in(client, "fay@scheme.example", PASSWORD))
    laptop, _ = session_cookie(await sign_in(client, "fay@scheme.example", PASSWORD))

    response = await client.post(LOGOUT, headers=with_session(phone))
    assert response.status_code == 204
    cleared, attributes = session_cookie(response)
    assert cleared == ""
    assert int(attributes["max-age"]) == 0

    assert (await client.get(ME, headers=with_session(phone))).status_code == 401
    assert (await client.get(ME, headers=with_session(laptop))).status_code == 200
    # The user's API token is not a session, and keeps working.
    api = await client.get(ME, headers=world.facilitator.headers)
    assert api.status_code == 200
    assert api.json()["id"] == str(world.facilitator.actor.id)


async def test_signing_out_with_an_api_token_does_not_revoke_it(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(LOGOUT, headers=world.referrer.headers)
    assert response.status_code == 204
    assert (await client.get(ME, headers=world.referrer.headers)).status_code == 200


async def test_a_deactivated_user_is_shut_out_everywhere(client: AsyncClient, world: World) -> None:
    session, _ = session_cookie(await sign_in(client, "fay@scheme.example", PASSWORD))
    assert (await client.get(ME, headers=with_session(session))).status_code == 200
    wrong = await sign_in(client, "fay@scheme.example", "not the password at all")

    response = await client.patch(
        f"/api/v1/users/{world.facilitator.actor.id}",
        json={"active": False},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False

    refused = await sign_in(client, "fay@scheme.example", PASSWORD)
    assert refused.status_code == 401
    # No hint that the account exists but is switched off.
    assert refused.json() == wrong.json()
    assert (await client.get(ME, headers=with_session(session))).status_code == 401
    assert (await client.get(ME, headers=world.facilitator.headers)).status_code == 401
    # Everyone else carries on.
    assert (await client.get(ME, headers=world.other_facilitator.headers)).status_code == 200

    # Switching the account back on does not revive sessions opened before.
    response = await client.patch(
        f"/api/v1/users/{world.facilitator.actor.id}",
        json={"active": True},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 200, response.text
    assert (await client.get(ME, headers=with_session(session))).status_code == 401
    assert (await sign_in(client, "fay@scheme.example", PASSWORD)).status_code == 200


async def test_a_change_of_role_signs_the_user_out(client: AsyncClient, world: World) -> None:
    session, _ = session_cookie(await sign_in(client, "fay@scheme.example", PASSWORD))
    response = await client.patch(
        f"/api/v1/users/{world.facilitator.actor.id}",
        json={"role": "coordinator"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 200, response.text
    assert (await client.get(ME, headers=with_session(session))).status_code == 401
    fresh, _ = session_cookie(await sign_in(client, "fay@scheme.example", PASSWORD))
    me = await client.get(ME, headers=with_session(fresh))
    assert me.json()["role"] == "coordinator"


async def test_passwords_are_stored_as_argon2id_hashes(client: AsyncClient, world: World) -> None:
    password = "a brand new passphrase 42"
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "nia@scheme.example",
            "name": "Nia Newcomer",
            "role": "facilitator",
            "organisation_id": str(world.scheme),
            "password": password,
        },
        headers=world.coordinator.headers,
    )
    assert response.status_code == 201, response.text
    row = await User.select(User.password_hash).where(User.email == "nia@scheme.example").first()
    assert row is not None
    stored = row["password_hash"]
    assert stored.startswith("$argon2id$")
    assert password not in stored
    assert PasswordHasher().verify(stored, password)


async def test_sessions_and_api_tokens_are_stored_only_as_sha256_hashes(
    client: AsyncClient, world: World
) -> None:
    value, _ = session_cookie(await sign_in(client, "cora@scheme.example", PASSWORD))
    sessions = await UserSession.select().where(UserSession.user == world.coordinator.actor.id)
    assert [row["token_hash"] for row in sessions] == [hashlib.sha256(value.encode()).hexdigest()]
    assert not any(value in str(field) for row in sessions for field in row.values())

    token = world.referrer.token
    tokens = await ApiToken.select().where(ApiToken.user == world.referrer.actor.id)
    assert [row["token_hash"] for row in tokens] == [hashlib.sha256(token.encode()).hexdigest()]
    # The listed prefix is a few characters, never the secret.
    assert not any(token in str(field) for row in tokens for field in row.values())


async def test_the_session_cookie_is_secure_when_the_service_is_public_over_https(
    database: str, world: World
) -> None:
    settings = dataclasses.replace(get_settings(), public_url="https://panels.example.org")
    app = create_app(settings)
    LOG_SCANNER.attach()  # the app's logging config replaced the root handlers
    # Requests go to the app itself, as in the `client` fixture: LifespanManager's wrapper
    # would hand every request the same `state` dict.
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://panels.example.org"
        ) as client,
    ):
        response = await sign_in(client, "cora@scheme.example", PASSWORD)
    assert response.status_code == 200, response.text
    _, attributes = session_cookie(response)
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"

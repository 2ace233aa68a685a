"""API tokens: coordinators issue them for machine clients, which then act as one user
with `Authorization: Bearer`, until the token is revoked or expires."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from panels.accounts.tables import ApiToken
from panels.clock import utc_now
from tests.world import PASSWORD, World

TOKENS = "/api/v1/api-tokens"
ME = "/api/v1/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def issue(client: AsyncClient, world: World, **extra: Any) -> dict[str, Any]:
    body = {"name": "Force case system", "user_id": str(world.referrer.actor.id), **extra}
    response = await client.post(TOKENS, json=body, headers=world.coordinator.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_new_token_is_shown_once_and_afterwards_only_its_prefix(
    client: AsyncClient, world: World
) -> None:
    created = await issue(client, world)
    secret = created["token"]
    assert len(secret) >= 40
    assert created["prefix"] == secret[:12]
    assert created["user_id"] == str(world.referrer.actor.id)
    assert created["created_by_id"] == str(world.coordinator.actor.id)
    assert created["revoked_at"] is None
    assert created["expires_at"] is None

    listing = await client.get(TOKENS, headers=world.coordinator.headers)
    assert listing.status_code == 200
    assert secret not in listing.text
    listed = next(row for row in listing.json() if row["id"] == created["id"])
    assert "token" not in listed
    assert listed["prefix"] == created["prefix"]
    assert listed["name"] == "Force case system"


async def test_a_token_authenticates_as_its_user(client: AsyncClient, world: World) -> None:
    secret = (await issue(client, world))["token"]
    me = await client.get(ME, headers=bearer(secret))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == str(world.referrer.actor.id)
    assert me.json()["role"] == "referrer"
    # and it carries that user's access, no more: a referrer cannot list users
    users = await client.get("/api/v1/users", headers=bearer(secret))
    assert users.status_code == 403


async def test_using_a_token_is_recorded(client: AsyncClient, world: World) -> None:
    created = await issue(client, world)
    assert created["last_used_at"] is None
    assert (await client.get(ME, headers=bearer(created["token"]))).status_code == 200
    listing = (await client.get(TOKENS, headers=world.coordinator.headers)).json()
    listed = next(row for row in listing if row["id"] == created["id"])
    assert listed["last_used_at"] is not None


async def test_only_coordinators_issue_list_and_revoke_tokens(
    client: AsyncClient, world: World
) -> None:
    created = await issue(client, world)
    for member in (world.facilitator, world.referrer):
        own = await client.post(
            TOKENS,
            json={"name": "my own", "user_id": str(member.actor.id)},
            headers=member.headers,
        )
        assert own.status_code == 403
        assert (await client.get(TOKENS, headers=member.headers)).status_code == 403
        revoke = await client.delete(f"{TOKENS}/{created['id']}", headers=member.headers)
        assert revoke.status_code == 403
    assert (await client.get(ME, headers=bearer(created["token"]))).status_code == 200


async def test_a_revoked_token_stops_working(client: AsyncClient, world: World) -> None:
    created = await issue(client, world)
    assert (await client.get(ME, headers=bearer(created["token"]))).status_code == 200

    response = await client.delete(f"{TOKENS}/{created['id']}", headers=world.coordinator.headers)
    assert response.status_code == 200, response.text
    assert response.json()["revoked_at"] is not None

    refused = await client.get(ME, headers=bearer(created["token"]))
    assert refused.status_code == 401
    assert refused.json()["detail"]
    # The user's other tokens are not affected.
    assert (await client.get(ME, headers=world.referrer.headers)).status_code == 200
    listing = (await client.get(TOKENS, headers=world.coordinator.headers)).json()
    assert next(row for row in listing if row["id"] == created["id"])["revoked_at"] is not None


async def test_revoking_an_unknown_token_is_not_found(client: AsyncClient, world: World) -> None:
    response = await client.delete(
        f"{TOKENS}/00000000-0000-4000-8000-000000000000", headers=world.coordinator.headers
    )
    assert response.status_code == 404


async def test_a_token_works_until_it_expires(client: AsyncClient, world: World) -> None:
    expires = (utc_now() + timedelta(hours=1)).isoformat()
    created = await issue(client, world, expires_at=expires)
    assert datetime.fromisoformat(created["expires_at"]) > utc_now()
    assert (await client.get(ME, headers=bearer(created["token"]))).status_code == 200

    await ApiToken.update({ApiToken.expires_at: utc_now() - timedelta(minutes=1)}).where(
        ApiToken.id == UUID(created["id"])
    )
    expired = await client.get(ME, headers=bearer(created["token"]))
    assert expired.status_code == 401


@pytest.mark.parametrize(
    "authorization",
    [
        "Token abc123",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer",
        "Bearer njp_this-was-never-issued",
        "njp_no-scheme-at-all",
    ],
)
async def test_a_malformed_or_unknown_authorization_header_is_refused(
    client: AsyncClient, world: World, authorization: str
) -> None:
    response = await client.get(ME, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json()["detail"]


async def test_a_bad_token_is_refused_even_alongside_a_good_session(
    client: AsyncClient, world: World
) -> None:
    """A misconfigured client hears about its broken token rather than silently acting
    as whoever's browser cookie it happens to carry."""
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "cora@scheme.example", "password": PASSWORD},
    )
    assert login.status_code == 200
    session = login.cookies["njp_session"]
    client.cookies.clear()
    response = await client.get(
        ME, headers={"Authorization": "Bearer njp_revoked", "Cookie": f"njp_session={session}"}
    )
    assert response.status_code == 401


async def test_an_expiry_in_the_past_is_refused_naming_the_field(
    client: AsyncClient, world: World
) -> None:
    body = {
        "name": "Backdated",
        "user_id": str(world.referrer.actor.id),
        "expires_at": (utc_now() - timedelta(minutes=1)).isoformat(),
    }
    response = await client.post(TOKENS, json=body, headers=world.coordinator.headers)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "expires_at"
    assert response.json()["detail"]
    listing = (await client.get(TOKENS, headers=world.coordinator.headers)).json()
    assert not any(row["name"] == "Backdated" for row in listing)


async def test_an_expiry_without_a_time_zone_is_refused_naming_the_field(
    client: AsyncClient, world: World
) -> None:
    body = {
        "name": "Which clock?",
        "user_id": str(world.referrer.actor.id),
        "expires_at": "2099-01-01T09:00:00",
    }
    response = await client.post(TOKENS, json=body, headers=world.coordinator.headers)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "expires_at"


async def test_a_token_cannot_be_issued_for_a_missing_or_deactivated_user(
    client: AsyncClient, world: World
) -> None:
    missing = await client.post(
        TOKENS,
        json={"name": "Ghost", "user_id": "00000000-0000-4000-8000-000000000000"},
        headers=world.coordinator.headers,
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "user_id"

    deactivate = await client.patch(
        f"/api/v1/users/{world.colleague.actor.id}",
        json={"active": False},
        headers=world.coordinator.headers,
    )
    assert deactivate.status_code == 200
    gone = await client.post(
        TOKENS,
        json={"name": "For a leaver", "user_id": str(world.colleague.actor.id)},
        headers=world.coordinator.headers,
    )
    assert gone.status_code == 400
    assert gone.json()["field"] == "user_id"

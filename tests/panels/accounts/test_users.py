"""Coordinators manage the scheme's accounts: users with a role in the right kind of
organisation, and the organisations themselves."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from tests.world import PASSWORD, World

USERS = "/api/v1/users"
ORGANISATIONS = "/api/v1/organisations"


def new_user(organisation: UUID, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": "nia.newcomer@scheme.example",
        "name": "Nia Newcomer",
        "role": "facilitator",
        "organisation_id": str(organisation),
        "password": "twelve chars",
    }
    body.update(extra)
    return body


async def test_a_coordinator_creates_a_user_who_can_then_sign_in(
    client: AsyncClient, world: World
) -> None:
    body = new_user(world.scheme, email="Nia.Newcomer@Scheme.example")
    response = await client.post(USERS, json=body, headers=world.coordinator.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["email"] == "nia.newcomer@scheme.example"
    assert created["name"] == "Nia Newcomer"
    assert created["role"] == "facilitator"
    assert created["organisation_id"] == str(world.scheme)
    assert created["active"] is True
    assert "password" not in response.text
    assert "argon2" not in response.text

    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "nia.newcomer@scheme.example", "password": "twelve chars"},
    )
    assert login.status_code == 200, login.text
    assert login.json()["id"] == created["id"]

    listing = await client.get(USERS, headers=world.coordinator.headers)
    assert listing.status_code == 200
    assert created["id"] in [row["id"] for row in listing.json()]
    assert "argon2" not in listing.text


async def test_only_coordinators_manage_users(client: AsyncClient, world: World) -> None:
    for member in (world.facilitator, world.referrer):
        assert (await client.get(USERS, headers=member.headers)).status_code == 403
        created = await client.post(
            USERS, json=new_user(world.scheme, role="coordinator"), headers=member.headers
        )
        assert created.status_code == 403
        promoted = await client.patch(
            f"{USERS}/{member.actor.id}", json={"role": "coordinator"}, headers=member.headers
        )
        assert promoted.status_code == 403
    assert (await client.get(USERS)).status_code == 401
    listing = (await client.get(USERS, headers=world.coordinator.headers)).json()
    assert "nia.newcomer@scheme.example" not in [row["email"] for row in listing]
    assert {row["email"]: row["role"] for row in listing}["fay@scheme.example"] == "facilitator"


@pytest.mark.parametrize(
    "password",
    ["eleven char", "short", " " * 16],
    ids=["eleven-characters", "five-characters", "only-spaces"],
)
async def test_a_weak_password_is_refused_naming_the_field(
    client: AsyncClient, world: World, password: str
) -> None:
    response = await client.post(
        USERS, json=new_user(world.scheme, password=password), headers=world.coordinator.headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "password"
    assert response.json()["detail"]
    listing = (await client.get(USERS, headers=world.coordinator.headers)).json()
    assert "nia.newcomer@scheme.example" not in [row["email"] for row in listing]


async def test_the_password_rule_says_how_long_it_must_be(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        USERS,
        json=new_user(world.scheme, password="eleven char"),
        headers=world.coordinator.headers,
    )
    assert "12 characters" in response.json()["detail"]


@pytest.mark.parametrize("email", ["fay@scheme.example", "FAY@Scheme.Example"])
async def test_an_email_already_in_use_is_refused_naming_the_field(
    client: AsyncClient, world: World, email: str
) -> None:
    response = await client.post(
        USERS, json=new_user(world.scheme, email=email), headers=world.coordinator.headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "email"
    # The existing account is untouched: its owner still signs in with their password.
    login = await client.post(
        "/api/v1/auth/login", json={"email": "fay@scheme.example", "password": PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["name"] == "Fay Facilitator"


async def test_an_email_that_is_not_an_address_is_refused_naming_the_field(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        USERS, json=new_user(world.scheme, email="not-an-email"), headers=world.coordinator.headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "email"


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        ("referrer", "scheme"),
        ("coordinator", "police"),
        ("facilitator", "housing"),
    ],
)
async def test_a_role_must_fit_the_kind_of_organisation(
    client: AsyncClient, world: World, role: str, organisation: str
) -> None:
    organisation_id = getattr(world, organisation)
    response = await client.post(
        USERS,
        json=new_user(organisation_id, role=role),
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "role"
    assert response.json()["detail"]


async def test_a_referrer_in_a_referring_organisation_is_fine(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        USERS,
        json=new_user(world.housing, role="referrer", email="new.officer@homes.example"),
        headers=world.coordinator.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["organisation_id"] == str(world.housing)


async def test_a_referrer_cannot_be_promoted_to_scheme_staff(
    client: AsyncClient, world: World
) -> None:
    response = await client.patch(
        f"{USERS}/{world.referrer.actor.id}",
        json={"role": "coordinator"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "role"
    me = await client.get("/api/v1/me", headers=world.referrer.headers)
    assert me.json()["role"] == "referrer"


async def test_a_coordinator_cannot_lock_themselves_out(client: AsyncClient, world: World) -> None:
    me = f"{USERS}/{world.coordinator.actor.id}"
    deactivate = await client.patch(me, json={"active": False}, headers=world.coordinator.headers)
    assert deactivate.status_code == 409, deactivate.text
    assert deactivate.json()["rule"] == "no_self_lockout"
    assert deactivate.json()["detail"]

    demote = await client.patch(me, json={"role": "facilitator"}, headers=world.coordinator.headers)
    assert demote.status_code == 409
    assert demote.json()["rule"] == "no_self_lockout"

    still = await client.get("/api/v1/me", headers=world.coordinator.headers)
    assert still.status_code == 200
    assert still.json()["role"] == "coordinator"
    # Renaming yourself is fine.
    rename = await client.patch(me, json={"name": "Cora C."}, headers=world.coordinator.headers)
    assert rename.status_code == 200
    assert rename.json()["name"] == "Cora C."


async def test_a_deactivated_user_can_be_reactivated(client: AsyncClient, world: World) -> None:
    path = f"{USERS}/{world.other_facilitator.actor.id}"
    off = await client.patch(path, json={"active": False}, headers=world.coordinator.headers)
    assert off.json()["active"] is False
    on = await client.patch(path, json={"active": True}, headers=world.coordinator.headers)
    assert on.status_code == 200
    assert on.json()["active"] is True
    login = await client.post(
        "/api/v1/auth/login", json={"email": "otto@scheme.example", "password": PASSWORD}
    )
    assert login.status_code == 200
    # machine access given before the deactivation stays revoked
    old_token = await client.get("/api/v1/me", headers=world.other_facilitator.headers)
    assert old_token.status_code == 401


async def test_changing_an_unknown_user_is_not_found(client: AsyncClient, world: World) -> None:
    response = await client.patch(
        f"{USERS}/00000000-0000-4000-8000-000000000000",
        json={"name": "Nobody"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 404


async def test_coordinators_list_and_add_organisations(client: AsyncClient, world: World) -> None:
    listing = await client.get(ORGANISATIONS, headers=world.coordinator.headers)
    assert listing.status_code == 200
    assert [(row["name"], row["kind"]) for row in listing.json()] == [
        ("Testshire Homes", "housing"),
        ("Testshire Justice Panel", "scheme"),
        ("Testshire Police", "police"),
    ]

    created = await client.post(
        ORGANISATIONS,
        json={"name": "Testshire Council ASB Team", "kind": "council"},
        headers=world.coordinator.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Testshire Council ASB Team"
    assert created.json()["kind"] == "council"

    names = [
        row["name"]
        for row in (await client.get(ORGANISATIONS, headers=world.coordinator.headers)).json()
    ]
    assert "Testshire Council ASB Team" in names

    # A referrer can now be added to it.
    officer = await client.post(
        USERS,
        json=new_user(UUID(created.json()["id"]), role="referrer", email="asb@council.example"),
        headers=world.coordinator.headers,
    )
    assert officer.status_code == 201, officer.text


@pytest.mark.parametrize("name", ["Testshire Police", "testshire police", "  TESTSHIRE POLICE  "])
async def test_an_organisation_name_can_be_used_once_whatever_its_case(
    client: AsyncClient, world: World, name: str
) -> None:
    response = await client.post(
        ORGANISATIONS, json={"name": name, "kind": "police"}, headers=world.coordinator.headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "name"
    listing = (await client.get(ORGANISATIONS, headers=world.coordinator.headers)).json()
    assert len(listing) == 3


async def test_only_coordinators_manage_organisations(client: AsyncClient, world: World) -> None:
    for member in (world.facilitator, world.referrer):
        assert (await client.get(ORGANISATIONS, headers=member.headers)).status_code == 403
        created = await client.post(
            ORGANISATIONS, json={"name": "Rogue Org", "kind": "police"}, headers=member.headers
        )
        assert created.status_code == 403
    listing = (await client.get(ORGANISATIONS, headers=world.coordinator.headers)).json()
    assert "Rogue Org" not in [row["name"] for row in listing]

"""Who may call what: every HTTP route, called by every kind of caller, is allowed or
refused exactly as the access rules say, and a route without a row here fails the suite."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar
from litestar.routes import HTTPRoute

from panels.access import PUBLIC, declared_access
from panels.accounts import service as accounts
from panels.accounts.schemas import ApiTokenIn
from panels.accounts.tables import Role
from panels.cases.tables import Case, CaseStatus
from panels.clock import LONDON
from panels.piccolo_app import APP_CONFIG
from tests.world import PASSWORD, World, party, referral

# The callers World builds, and the role each signs in with (None: no credentials).
CALLERS: dict[str, Role | None] = {
    "coordinator": Role.coordinator,
    "facilitator_assigned": Role.facilitator,
    "facilitator_unassigned": Role.facilitator,
    "referrer_same_org": Role.referrer,
    "referrer_other_org": Role.referrer,
    "anonymous": None,
}
# Whose scope holds world.case_id: coordinators see every case, a facilitator the cases
# they lead, a referrer their own organisation's.
SEE_THE_CASE = {"coordinator", "facilitator_assigned", "referrer_same_org"}

EVERYONE_SIGNED_IN = frozenset(Role)
STAFF = frozenset({Role.coordinator, Role.facilitator})
REFERRING = frozenset({Role.coordinator, Role.referrer})
COORDINATORS = frozenset({Role.coordinator})


@dataclass(frozen=True)
class Call:
    """What one caller sends: values for the path's placeholders and the JSON body."""

    path_values: dict[str, Any] = field(default_factory=dict)
    json: Any = None


Prepare = Callable[[World, str], Awaitable[Call]]


async def no_body(world: World, caller: str) -> Call:
    return Call()


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as the app declares it, without the converters ({case_id}, not {case_id:uuid})
    roles: frozenset[Role] | None  # None: public
    success: int
    prepare: Prepare = no_body

    @property
    def about_one_case(self) -> bool:
        return "{case_id}" in self.path


def expected_status(row: Row, caller: str) -> int:
    """The access rules: public routes answer everyone; anonymous callers must sign in;
    a role the route is not declared for is refused before anything is looked up; a case
    outside the caller's scope is not found, so ids cannot be probed."""
    role = CALLERS[caller]
    if row.roles is None:
        return row.success
    if role is None:
        return 401
    if role not in row.roles:
        return 403
    if row.about_one_case and caller not in SEE_THE_CASE:
        return 404
    return row.success


# Requests that are valid for the caller, so a refusal can only be about access ---------


async def sign_in(world: World, caller: str) -> Call:
    member = world.members.get(caller, world.referrer)
    return Call(json={"email": member.actor.email, "password": PASSWORD})


async def new_organisation(world: World, caller: str) -> Call:
    return Call(json={"name": "Testshire Borough Council", "kind": "council"})


async def new_user(world: World, caller: str) -> Call:
    return Call(
        json={
            "email": "nia@homes.example",
            "name": "Nia Newcomer",
            "role": "referrer",
            "organisation_id": str(world.housing),
            "password": PASSWORD,
        }
    )


async def rename_user(world: World, caller: str) -> Call:
    return Call(
        path_values={"user_id": world.other_facilitator.actor.id}, json={"name": "Otto Renamed"}
    )


async def new_api_token(world: World, caller: str) -> Call:
    return Call(json={"name": "Police case system", "user_id": str(world.referrer.actor.id)})


async def revoke_api_token(world: World, caller: str) -> Call:
    # A token of its own, so revoking it cannot take away the caller's credentials.
    token = await accounts.create_api_token(
        world.coordinator.actor,
        ApiTokenIn(name="Police case system", user_id=world.referrer.actor.id),
    )
    return Call(path_values={"token_id": token["id"]})


async def new_referral(world: World, caller: str) -> Call:
    return Call(json=referral())


async def change_status(world: World, caller: str) -> Call:
    if CALLERS[caller] is Role.facilitator:
        # Recording that the panel was held is a move facilitators may ask for.
        await Case.update({Case.status: CaseStatus.scheduled}).where(Case.id == world.case_id)
        return Call(json={"to": "held"})
    return Call(
        json={
            "to": "closed",
            "outcome": "not_proceeding",
            "reason": "The person harmed moved out of the area.",
        }
    )


async def new_party(world: World, caller: str) -> Call:
    return Call(json=party("supporter"))


async def consent(world: World, caller: str) -> Call:
    return Call(json={"decision": "given", "method": "phone_call"})


async def admission(world: World, caller: str) -> Call:
    return Call(
        path_values={"party_id": world.harm_causer_id},
        json={"admits": True, "method": "phone_call"},
    )


async def contact_attempt(world: World, caller: str) -> Call:
    return Call(
        json={
            "attempted_at": datetime.now(UTC).isoformat(),
            "method": "phone_call",
            "outcome": "left_message",
        }
    )


async def availability(world: World, caller: str) -> Call:
    evening = (datetime.now(LONDON) + timedelta(days=2)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    windows = [
        {"start": evening.isoformat(), "end": (evening + timedelta(hours=3)).isoformat()},
        {
            "start": (evening + timedelta(days=1)).isoformat(),
            "end": (evening + timedelta(days=1, hours=2)).isoformat(),
        },
    ]
    return Call(json={"windows": windows})


def default_path_values(world: World) -> dict[str, Any]:
    return {"case_id": world.case_id, "party_id": world.victim_id}


CASE = "/api/v1/cases/{case_id}"
PARTY = CASE + "/parties/{party_id}"

ROWS = [
    Row("GET", "/health", None, 200),
    Row("GET", "/schema", None, 200),
    Row("GET", "/schema/openapi.json", None, 200),
    Row("POST", "/api/v1/auth/login", None, 200, sign_in),
    Row("POST", "/api/v1/auth/logout", EVERYONE_SIGNED_IN, 204),
    Row("GET", "/api/v1/me", EVERYONE_SIGNED_IN, 200),
    Row("GET", "/api/v1/organisations", COORDINATORS, 200),
    Row("POST", "/api/v1/organisations", COORDINATORS, 201, new_organisation),
    Row("GET", "/api/v1/users", COORDINATORS, 200),
    Row("POST", "/api/v1/users", COORDINATORS, 201, new_user),
    Row("PATCH", "/api/v1/users/{user_id}", COORDINATORS, 200, rename_user),
    Row("GET", "/api/v1/api-tokens", COORDINATORS, 200),
    Row("POST", "/api/v1/api-tokens", COORDINATORS, 201, new_api_token),
    Row("DELETE", "/api/v1/api-tokens/{token_id}", COORDINATORS, 200, revoke_api_token),
    Row("GET", "/api/v1/cases", EVERYONE_SIGNED_IN, 200),
    Row("POST", "/api/v1/cases", REFERRING, 201, new_referral),
    Row("GET", CASE, EVERYONE_SIGNED_IN, 200),
    Row("GET", CASE + "/timeline", EVERYONE_SIGNED_IN, 200),
    Row("GET", CASE + "/views", COORDINATORS, 200),
    Row("POST", CASE + "/transitions", STAFF, 201, change_status),
    Row("POST", CASE + "/parties", STAFF, 201, new_party),
    Row("POST", PARTY + "/consent", STAFF, 201, consent),
    Row("POST", PARTY + "/admission", STAFF, 201, admission),
    Row("POST", PARTY + "/contact-attempts", STAFF, 201, contact_attempt),
    Row("GET", PARTY + "/availability", STAFF, 200),
    Row("PUT", PARTY + "/availability", STAFF, 200, availability),
]

MATRIX = [
    pytest.param(
        row,
        caller,
        id=f"{row.method} {row.path} as {caller} -> {expected_status(row, caller)}",
    )
    for row in ROWS
    for caller in CALLERS
]


async def stored_records() -> dict[str, list[str]]:
    """Every row in every table, except when each API token was last used: a refused
    request still presents its token, and noting that is not a change to the records."""
    records: dict[str, list[str]] = {}
    for table in APP_CONFIG.table_classes:
        rows = await table.select()
        records[table._meta.tablename] = sorted(
            repr({key: value for key, value in row.items() if key != "last_used_at"})
            for row in rows
        )
    return records


@pytest.mark.parametrize(("row", "caller"), MATRIX)
async def test_access(client: AsyncClient, world: World, row: Row, caller: str) -> None:
    call = await row.prepare(world, caller)
    url = row.path.format(**{**default_path_values(world), **call.path_values})
    expected = expected_status(row, caller)
    refused = expected >= 400
    before = await stored_records() if refused else {}

    response = await client.request(row.method, url, json=call.json, headers=world.as_role(caller))

    assert response.status_code == expected, (
        f"{row.method} {url} as {caller}: expected {expected}, "
        f"got {response.status_code} {response.text[:300]}"
    )
    if refused:
        assert response.json()["detail"], "a refusal says why"
        after = await stored_records()
        changed = sorted(name for name in before if before[name] != after[name])
        assert not changed, f"a refused request changed {changed}"


def _template(path: str) -> str:
    """/users/{user_id:uuid} -> /users/{user_id}"""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


async def test_every_route_has_a_row_in_the_matrix(app: Litestar) -> None:
    declared = {
        (method, _template(route.path)): handler
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        # Litestar answers OPTIONS itself; the app-wide guard covers those.
        if handler.http_methods != {"OPTIONS"}
        for method in handler.http_methods
    }
    covered = {(row.method, row.path) for row in ROWS}

    # The API viewer's own assets are not requested one by one; they must be public,
    # like the description they show.
    viewer_assets = {key for key in declared.keys() - covered if key[1].startswith("/schema/")}
    not_public = sorted(key for key in viewer_assets if declared_access(declared[key]) != PUBLIC)
    assert not not_public, f"API viewer routes that are not public: {not_public}"

    without_a_row = sorted(declared.keys() - covered - viewer_assets)
    assert not without_a_row, f"routes missing from the access matrix: {without_a_row}"
    rows_without_a_route = sorted(covered - declared.keys())
    assert not rows_without_a_route, f"matrix rows for routes the app lacks: {rows_without_a_route}"

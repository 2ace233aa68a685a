"""A small scheme to test against: organisations, one user per kind of access, and a case
that the police referrer referred and facilitator A leads. Names and phone numbers made
here are registered as sensitive, so the log check can look for them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts import service as accounts
from panels.accounts.passwords import hash_password
from panels.accounts.schemas import ApiTokenIn, OrganisationIn
from panels.accounts.tables import OrganisationKind, Role, User
from panels.cases import service as cases
from panels.cases.schemas import ContactAttemptIn, PartyIn, ReferralIn, TransitionIn
from panels.cases.tables import CaseStatus, ContactMethod, ContactOutcome
from panels.clock import london_today

PASSWORD = "correct horse battery staple"
# Hashed once: argon2 is slow on purpose, and every test builds several users.
PASSWORD_HASH = hash_password(PASSWORD)

SENSITIVE: set[str] = set()
_numbers = itertools.count(1)


def person_name() -> str:
    """A unique, unmistakable name, so finding it in a log cannot be a coincidence."""
    name = f"Testperson Qz{next(_numbers):05d}"
    SENSITIVE.add(name)
    return name


def phone_number() -> str:
    """A number in Ofcom's drama range, in the national format people type."""
    n = next(_numbers) % 1000
    SENSITIVE.add(f"+447700900{n:03d}")
    return f"07700 900{n:03d}"


def party(role: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"role": role, "name": person_name(), "phone": phone_number()}
    body.update(extra)
    return body


def referral(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "offence_category": "criminal_damage",
        "incident_date": (london_today() - timedelta(days=3)).isoformat(),
        "summary": "A garden fence was kicked down after an argument.",
        "area": "Millbrook",
        "admits_responsibility": True,
        "parties": [party("victim"), party("harm_causer")],
    }
    body.update(extra)
    return body


@dataclass
class Member:
    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    scheme: UUID
    police: UUID
    housing: UUID
    coordinator: Member
    facilitator: Member
    other_facilitator: Member
    referrer: Member
    colleague: Member
    other_referrer: Member
    case_id: UUID
    victim_id: UUID
    harm_causer_id: UUID
    members: dict[str, Member] = field(default_factory=dict)

    def as_role(self, who: str) -> dict[str, str]:
        return {} if who == "anonymous" else self.members[who].headers


async def _organisation(name: str, kind: OrganisationKind) -> UUID:
    row = await accounts.create_organisation(OrganisationIn(name=name, kind=kind))
    return UUID(str(row["id"]))


async def add_member(
    name: str, email: str, role: Role, organisation: UUID, coordinator: Actor | None = None
) -> Member:
    """A user with the test password, and an API token to act as them."""
    user = User(
        email=email, name=name, role=role, organisation=organisation, password_hash=PASSWORD_HASH
    )
    await user.save()
    actor = Actor(id=user.id, email=email, name=name, role=role, organisation_id=organisation)
    token = await accounts.create_api_token(
        coordinator or actor, ApiTokenIn(name=f"tests for {email}", user_id=user.id)
    )
    return Member(actor=actor, token=token["token"])


async def refer(member: Member, **extra: Any) -> UUID:
    return await cases.refer(member.actor, ReferralIn.model_validate(referral(**extra)), 48)


async def build_world() -> World:
    scheme = await _organisation("Testshire Justice Panel", OrganisationKind.scheme)
    police = await _organisation("Testshire Police", OrganisationKind.police)
    housing = await _organisation("Testshire Homes", OrganisationKind.housing)
    coordinator = await add_member(
        "Cora Coordinator", "cora@scheme.example", Role.coordinator, scheme
    )
    c = coordinator.actor
    facilitator = await add_member(
        "Fay Facilitator", "fay@scheme.example", Role.facilitator, scheme, c
    )
    other_facilitator = await add_member(
        "Otto Facilitator", "otto@scheme.example", Role.facilitator, scheme, c
    )
    referrer = await add_member("PC Rhys Referrer", "rhys@police.example", Role.referrer, police, c)
    colleague = await add_member(
        "PC Cath Colleague", "cath@police.example", Role.referrer, police, c
    )
    other_referrer = await add_member("Hal Housing", "hal@homes.example", Role.referrer, housing, c)
    case_id = await refer(referrer)
    await cases.transition(
        c, case_id, TransitionIn(to=CaseStatus.accepted, lead_facilitator_id=facilitator.actor.id)
    )
    detail = await cases.read_case(c, case_id, "tests")
    ids = {p["role"]: p["id"] for p in detail["parties"]}
    await cases.record_contact_attempt(
        facilitator.actor,
        case_id,
        ids["victim"],
        ContactAttemptIn(
            attempted_at=datetime.now(UTC),
            method=ContactMethod.phone_call,
            outcome=ContactOutcome.spoke,
        ),
    )
    world = World(
        scheme=scheme,
        police=police,
        housing=housing,
        coordinator=coordinator,
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        referrer=referrer,
        colleague=colleague,
        other_referrer=other_referrer,
        case_id=case_id,
        victim_id=ids["victim"],
        harm_causer_id=ids["harm_causer"],
    )
    world.members = {
        "coordinator": coordinator,
        "facilitator_assigned": facilitator,
        "facilitator_unassigned": other_facilitator,
        "referrer_same_org": colleague,
        "referrer_other_org": other_referrer,
    }
    return world


def party_in(role: str, **extra: Any) -> PartyIn:
    return PartyIn.model_validate(party(role, **extra))

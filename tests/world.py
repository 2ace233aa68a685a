"""A small scheme to test against: organisations, one user per kind of access, and a case
that the police referrer referred and facilitator A leads. Names and phone numbers made
here are registered as sensitive, so the log check can look for them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts import service as accounts
from panels.accounts.passwords import hash_password
from panels.accounts.schemas import ApiTokenIn, OrganisationIn
from panels.accounts.tables import OrganisationKind, Role, User
from panels.availability import service as availability
from panels.availability.schemas import AvailabilityIn, WeeklyWindowIn
from panels.availability.service import Owner
from panels.cases import service as cases
from panels.cases.schemas import (
    AdmissionIn,
    ConsentIn,
    ContactAttemptIn,
    PartyAvailabilityIn,
    PartyIn,
    ReferralIn,
    TransitionIn,
    Window,
)
from panels.cases.tables import CaseStatus, ConsentDecision, ContactMethod, ContactOutcome
from panels.clock import LONDON, london_today
from panels.facilitators import service as facilitators
from panels.facilitators.schemas import FacilitatorIn
from panels.venues import service as venues
from panels.venues.schemas import VenueIn

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


# Scheduling: facilitators with profiles, a venue, and cases ready to schedule ---------


def local(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time `days_ahead` days from today (before it, if negative)."""
    day = london_today() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def evening(days_ahead: int, hour: int = 18) -> datetime:
    """An evening in London `days_ahead` days from today, when everyone in the scheme
    staff_the_scheme makes is free."""
    return local(days_ahead, hour)


async def _every_day(owner: Owner, starts: time, ends: time, first_day: date) -> None:
    every_day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    await availability.replace(
        owner,
        AvailabilityIn(
            weekly=[WeeklyWindowIn(days=every_day, starts=starts, ends=ends, first_day=first_day)]
        ),
        first_day,
    )


async def free_every_evening(
    member: Member,
    skills: list[str],
    *,
    first_day: date | None = None,
    bank_holidays: bool = True,
    dbs_expires_on: date | None = None,
) -> UUID:
    """A facilitator profile for `member`, in Millbrook, free every evening 17:00-22:00
    from `first_day` (today), bank holidays included unless `bank_holidays` is False; its
    id."""
    start = first_day or london_today()
    profile = await facilitators.create(
        FacilitatorIn(
            user_id=member.actor.id,
            skills=skills,
            dbs_expires_on=dbs_expires_on or start + timedelta(days=800),
            areas=["Millbrook"],
            max_panels_per_month=20,
            works_bank_holidays=bank_holidays,
        )
    )
    await _every_day(Owner(facilitator=profile["id"]), time(17), time(22), start)
    return UUID(str(profile["id"]))


async def staff_the_scheme(
    world: World, *, first_day: date | None = None, bank_holidays: bool = True
) -> dict[str, Any]:
    """Fay (a lead) and Otto (a co-facilitator) free every evening 17:00-22:00, and a
    two-room, step-free venue open 09:00-22:00 every day, from `first_day`; bank holidays
    included unless `bank_holidays` is False. A test may run on any date, and over
    Christmas or Easter "three evenings from now" can be a bank holiday; the tests of the
    bank-holiday rule itself say so."""

    start = first_day or london_today()
    people = {
        member.actor.name: await free_every_evening(
            member, skills, first_day=start, bank_holidays=bank_holidays
        )
        for member, skills in (
            (world.facilitator, ["lead"]),
            (world.other_facilitator, ["co_facilitator"]),
        )
    }
    venue = await venues.create(
        VenueIn(
            name="Millbrook Community Centre",
            address="14 Chapel Lane, Millbrook",
            postcode="NS1 4AB",
            area="Millbrook",
            capacity=30,
            rooms=2,
            features=["step_free"],
            setup_minutes=15,
            cleardown_minutes=15,
            opens_on_bank_holidays=bank_holidays,
        )
    )
    await _every_day(Owner(venue=venue["id"]), time(9), time(22), start)
    return {
        "lead": people["Fay Facilitator"],
        "co": people["Otto Facilitator"],
        "venue": venue["id"],
    }


async def ready_case(world: World, windows: list[tuple[datetime, datetime]]) -> UUID:
    """A referral taken through triage, contact and consent to ready to schedule, with
    both parties able to come in `windows`."""

    case_id = await refer(world.referrer)
    coordinator = world.coordinator.actor
    await cases.transition(
        coordinator,
        case_id,
        TransitionIn(to=CaseStatus.accepted, lead_facilitator_id=world.facilitator.actor.id),
    )
    detail = await cases.read_case(coordinator, case_id, "tests")
    for person in detail["parties"]:
        await cases.set_availability(
            coordinator,
            case_id,
            person["id"],
            PartyAvailabilityIn(windows=[Window(start=s, end=e) for s, e in windows]),
            now=min(s for s, _ in windows) - timedelta(days=1),
        )
        await cases.record_consent(
            coordinator,
            case_id,
            person["id"],
            ConsentIn(decision=ConsentDecision.given, method=ContactMethod.phone_call),
        )
        if person["role"] == "harm_causer":
            await cases.record_admission(
                coordinator,
                case_id,
                person["id"],
                AdmissionIn(admits=True, method=ContactMethod.in_person),
            )
    return case_id

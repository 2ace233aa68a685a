"""Who may call what: every HTTP route, API and web page, called by every kind of caller, is
allowed or refused exactly as the access rules say, and a route without a row here fails the
suite."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from httpx import ASGITransport, AsyncClient, Response
from litestar import Litestar
from litestar.routes import HTTPRoute

from panels import db
from panels.access import PUBLIC, declared_access
from panels.accounts import service as accounts
from panels.accounts.schemas import ApiTokenIn
from panels.accounts.tables import Role, User
from panels.bookings import service as bookings
from panels.bookings.schemas import BookingIn
from panels.calendars import feeds
from panels.cases.tables import Case, CaseStatus, Party
from panels.clock import LONDON, london_today
from panels.db import write_transaction
from panels.facilitators import service as facilitators
from panels.facilitators.schemas import CalendarIn, FacilitatorIn
from panels.facilitators.tables import Skill
from panels.feedback import service as feedback
from panels.feedback.tables import Survey, SurveyKind
from panels.outcomes import service as outcomes
from panels.outcomes.schemas import ActionIn, PanelRecordIn
from panels.outcomes.tables import PanelRecord
from panels.piccolo_app import APP_CONFIG
from panels.reparation import service as reparation
from panels.reparation.schemas import AttendanceRecord, PlacementIn, ProviderIn, SessionsIn
from panels.settings import get_settings
from panels.support import service as support
from panels.support.schemas import SupportServiceIn
from panels.tasks.service import raise_task
from panels.tasks.tables import TaskKind
from panels.venues import service as venues
from panels.venues.schemas import VenueIn
from tests.world import (
    PASSWORD,
    World,
    add_member,
    evening,
    free_every_evening,
    party,
    ready_case,
    referral,
    staff_the_scheme,
)

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
SEE_THE_CASE = frozenset({"coordinator", "facilitator_assigned", "referrer_same_org"})
# Whose scope holds facilitator A's profile: coordinators, and A themself; another
# facilitator is not told it exists.
SEE_THE_PROFILE = frozenset({"coordinator", "facilitator_assigned"})
# Who /availability can send to their own times: A; B has no profile in that row.
HAVE_A_PROFILE = frozenset({"facilitator_assigned"})
# Whose scope holds the booked panel: coordinators, and A, who leads its case and sits on
# it. B has no part in it, so is not told it exists.
SEE_THE_PANEL = frozenset({"coordinator", "facilitator_assigned"})

EVERYONE_SIGNED_IN = frozenset(Role)
STAFF = frozenset({Role.coordinator, Role.facilitator})
REFERRING = frozenset({Role.coordinator, Role.referrer})
COORDINATORS = frozenset({Role.coordinator})
FACILITATORS = frozenset({Role.facilitator})

# Where "/" and the sign-in page send a caller who is already signed in.
HOMES = {Role.coordinator: "/dashboard", Role.facilitator: "/cases", Role.referrer: "/cases"}
# What a browser holds after opening any page, and echoes in every form it posts.
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "_csrf_token"


@dataclass(frozen=True)
class Call:
    """What one caller sends: values for the path's placeholders, the query string, and the
    JSON body (API) or the form's fields (pages; the CSRF token is added when the form is
    posted; a list is a field sent more than once, like ticked checkboxes)."""

    path_values: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str | list[str]] = field(default_factory=dict)


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
    # A web page: it posts forms, refuses in HTML, and sends anonymous callers to sign in.
    page: bool = False
    # A public page that answers signed-in callers differently (it sends them home).
    signed_in: int | None = None
    # Where a successful 303 sends the caller (the start of it); {home}: the caller's home.
    to: str | None = None
    # The address to request, for a route whose path is free-form (a static file).
    address: str | None = None
    # The callers whose scope holds what the route is about; others are told it is not
    # found. None: a route about one case is seen by SEE_THE_CASE, any other by everyone
    # its roles allow.
    scope: frozenset[str] | None = None
    # What a successful answer is (the start of its content type), where that matters.
    content_type: str | None = None

    @property
    def seen_by(self) -> frozenset[str] | None:
        if self.scope is not None:
            return self.scope
        return SEE_THE_CASE if "{case_id}" in self.path else None


def expected_status(row: Row, caller: str) -> int:
    """The access rules: public routes answer everyone; anonymous callers must sign in
    (the API says so, a page sends them to the sign-in page); a role the route is not
    declared for is refused before anything is looked up; a case outside the caller's scope
    is not found, so ids cannot be probed (and so is a facilitator's profile outside it)."""
    role = CALLERS[caller]
    if row.roles is None:
        return row.signed_in if role is not None and row.signed_in else row.success
    if role is None:
        return 303 if row.page else 401
    if role not in row.roles:
        return 403
    if row.seen_by is not None and caller not in row.seen_by:
        return 404
    return row.success


def is_refused(row: Row, caller: str) -> bool:
    """Refused, or sent to sign in first."""
    return expected_status(row, caller) >= 400 or (
        row.roles is not None and CALLERS[caller] is None
    )


def expected_location(row: Row, caller: str, url: str, path_values: dict[str, Any]) -> str | None:
    """Where a redirect must point: an anonymous caller to the sign-in page (back to the
    page they asked for, when they asked to see one); a successful call onward."""
    role = CALLERS[caller]
    if row.page and row.roles is not None and role is None:
        return f"/sign-in?next={url}" if row.method == "GET" else "/sign-in"
    if expected_status(row, caller) == 303 and row.to is not None:
        home = HOMES[role] if role is not None else "/sign-in"
        return row.to.format(home=home, **path_values)
    return None


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
        # Moving a held case on to its agreement is a move facilitators may ask for.
        await Case.update({Case.status: CaseStatus.held}).where(Case.id == world.case_id)
        return Call(json={"to": "agreement"})
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


# The same, as the pages' forms post them ---------------------------------------------


def date_fields(name: str, day: date) -> dict[str, str]:
    """A GOV.UK date input."""
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


async def sign_in_form(world: World, caller: str) -> Call:
    return Call(form=(await sign_in(world, caller)).json)


async def new_user_form(world: World, caller: str) -> Call:
    return Call(form=(await new_user(world, caller)).json)


async def one_user(world: World, caller: str) -> Call:
    return Call(path_values={"user_id": world.other_facilitator.actor.id})


async def change_user_form(world: World, caller: str) -> Call:
    return Call(
        path_values={"user_id": world.other_facilitator.actor.id},
        form={"name": "Otto Renamed", "role": "facilitator", "active": "yes"},
    )


async def new_api_token_form(world: World, caller: str) -> Call:
    return Call(
        form={
            "name": "Police case system",
            "user_id": str(world.referrer.actor.id),
            **date_fields("expires_at", london_today() + timedelta(days=90)),
        }
    )


async def referral_form(world: World, caller: str) -> Call:
    sent = referral()
    form = {
        "action": "send",
        "people": str(len(sent["parties"])),
        "offence_category": sent["offence_category"],
        **date_fields("incident_date", date.fromisoformat(sent["incident_date"])),
        "area": sent["area"],
        "summary": sent["summary"],
        "admits_responsibility": "yes",
    }
    for index, person in enumerate(sent["parties"]):
        prefix = f"parties-{index}-"
        form.update(
            {
                f"{prefix}role": person["role"],
                f"{prefix}name": person["name"],
                f"{prefix}phone": person["phone"],
                f"{prefix}contact_preference": "sms",
                f"{prefix}language": "en",
            }
        )
    return Call(form=form)


async def change_status_form(world: World, caller: str) -> Call:
    return Call(form=(await change_status(world, caller)).json)


async def new_party_form(world: World, caller: str) -> Call:
    person = party("supporter", email="sam.supporter@homes.example", contact_preference="sms")
    return Call(form=person)


async def consent_form(world: World, caller: str) -> Call:
    return Call(form={"decision": "given", "method": "phone_call"})


async def admission_form(world: World, caller: str) -> Call:
    return Call(
        path_values={"party_id": world.harm_causer_id},
        form={"admits": "yes", "method": "phone_call"},
    )


async def contact_attempt_form(world: World, caller: str) -> Call:
    # This minute, London time: a time field has no seconds, so it is not in the future.
    now = datetime.now(LONDON)
    return Call(
        form={
            **date_fields("attempted_at", now.date()),
            "attempted_at-time": f"{now:%H:%M}",
            "method": "phone_call",
            "outcome": "left_message",
            "notes": "Left a message asking for a call back.",
        }
    )


async def availability_form(world: World, caller: str) -> Call:
    return Call(
        form={
            **date_fields("on", london_today() + timedelta(days=2)),
            "from": "18:00",
            "to": "21:00",
        }
    )


# Facilitators' profiles and venues: World has none, so each row makes what it needs -----


def dbs_expiry() -> date:
    return london_today() + timedelta(days=365)


async def profile_of(world: World, member: str) -> UUID:
    user = world.members[member].actor
    created = await facilitators.create(FacilitatorIn(user_id=user.id, skills=[Skill.lead]))
    return UUID(str(created["id"]))


async def profile(world: World) -> UUID:
    """Facilitator A's profile. B has one of their own, so B is refused A's for being someone
    else, not for having no profile."""
    await profile_of(world, "facilitator_unassigned")
    return await profile_of(world, "facilitator_assigned")


async def one_profile(world: World, caller: str) -> Call:
    return Call(path_values={"facilitator_id": await profile(world)})


async def new_profile(world: World, caller: str) -> Call:
    # Facilitator B, who has no profile yet.
    return Call(
        json={
            "user_id": str(world.other_facilitator.actor.id),
            "skills": ["co_facilitator"],
            "dbs_expires_on": dbs_expiry().isoformat(),
        }
    )


def profile_change(caller: str) -> dict[str, Any]:
    """What the caller may change: a facilitator their own languages, areas, load, conflicts
    and bank holidays; a coordinator their training and DBS check as well."""
    change: dict[str, Any] = {
        "languages": ["en", "cy"],
        "areas": ["Millbrook", "Eastfield"],
        "max_panels_per_month": 2,
        "conflicts": [{"kind": "street", "value": "Mill Lane"}],
        "works_bank_holidays": True,
    }
    if CALLERS[caller] is Role.coordinator:
        change |= {
            "skills": ["lead", "youth"],
            "dbs_expires_on": (dbs_expiry() + timedelta(days=30)).isoformat(),
        }
    return change


async def change_profile(world: World, caller: str) -> Call:
    return Call(path_values={"facilitator_id": await profile(world)}, json=profile_change(caller))


def times() -> dict[str, Any]:
    """Tuesday and Thursday evenings, and a week away."""
    away = (datetime.now(LONDON) + timedelta(days=7)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return {
        "weekly": [{"days": ["TU", "TH"], "starts": "18:00", "ends": "20:30"}],
        "one_offs": [
            {
                "start": away.isoformat(),
                "end": (away + timedelta(days=7)).isoformat(),
                "available": False,
                "note": "On holiday",
            }
        ],
    }


def free_between() -> dict[str, str]:
    start = datetime.now(LONDON).replace(microsecond=0)
    return {"start": start.isoformat(), "end": (start + timedelta(days=14)).isoformat()}


async def profile_times(world: World, caller: str) -> Call:
    return Call(path_values={"facilitator_id": await profile(world)}, json=times())


async def profile_free(world: World, caller: str) -> Call:
    return Call(path_values={"facilitator_id": await profile(world)}, query=free_between())


def calendar_file() -> str:
    """A facilitator's own calendar, exported as .ics: busy tomorrow evening."""
    busy = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//njp tests//EN",
            "BEGIN:VEVENT",
            "UID:evening-class@njp.tests",
            f"DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART:{busy:%Y%m%dT%H%M%SZ}",
            f"DTEND:{busy + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
            "SUMMARY:Evening class",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


async def own_calendar(world: World, caller: str) -> Call:
    return Call(path_values={"facilitator_id": await profile(world)}, json={"ics": calendar_file()})


async def facilitator_feed(world: World, caller: str) -> Call:
    """The feed's address, as the profile shows it: the token is the key."""
    address = await feeds.link("facilitator", await profile(world))
    return Call(path_values={"filename": urlsplit(address).path.rsplit("/", 1)[-1]})


def venue_fields(name: str = "Millbrook Community Centre") -> dict[str, Any]:
    return {
        "name": name,
        "address": "1 Mill Lane, Millbrook",
        "postcode": "MB1 2CD",
        "area": "Millbrook",
        "capacity": 12,
        "rooms": 2,
        "features": ["step_free", "hearing_loop"],
    }


async def venue(world: World) -> UUID:
    created = await venues.create(VenueIn.model_validate(venue_fields()))
    return UUID(str(created["id"]))


async def one_venue(world: World, caller: str) -> Call:
    return Call(path_values={"venue_id": await venue(world)})


async def new_venue(world: World, caller: str) -> Call:
    return Call(json=venue_fields("Riverside Library"))


async def change_venue(world: World, caller: str) -> Call:
    return Call(path_values={"venue_id": await venue(world)}, json={"capacity": 20, "rooms": 3})


async def venue_hours(world: World, caller: str) -> Call:
    return Call(path_values={"venue_id": await venue(world)}, json=times())


async def venue_free(world: World, caller: str) -> Call:
    return Call(path_values={"venue_id": await venue(world)}, query=free_between())


async def venue_feed(world: World, caller: str) -> Call:
    address = await feeds.link("venue", await venue(world))
    return Call(path_values={"filename": urlsplit(address).path.rsplit("/", 1)[-1]})


# ... and as the pages' forms post them.


async def new_profile_form(world: World, caller: str) -> Call:
    return Call(form={"user_id": str(world.other_facilitator.actor.id)})


async def profile_form(world: World, caller: str) -> Call:
    form: dict[str, str | list[str]] = {
        "languages": "en, cy",
        "areas": "Millbrook\nEastfield",
        "max_panels_per_month": "2",
        "works_bank_holidays": "yes",
        "conflicts-street": "Mill Lane",
    }
    if CALLERS[caller] is Role.coordinator:
        form |= {"skills": ["lead", "youth"], **date_fields("dbs_expires_on", dbs_expiry())}
    return Call(path_values={"facilitator_id": await profile(world)}, form=form)


def weekly_form(days: list[str], starts: str, ends: str) -> dict[str, str | list[str]]:
    return {"form": "weekly", "days": days, "from": starts, "to": ends, "every": "1"}


async def profile_times_form(world: World, caller: str) -> Call:
    return Call(
        path_values={"facilitator_id": await profile(world)},
        form=weekly_form(["TU", "TH"], "18:00", "20:30"),
    )


async def stop_calendar_form(world: World, caller: str) -> Call:
    facilitator_id = await profile(world)
    # A calendar in use, so a refused request that stopped it would show.
    await facilitators.set_calendar(
        world.coordinator.actor, facilitator_id, CalendarIn(ics=calendar_file())
    )
    return Call(path_values={"facilitator_id": facilitator_id}, form={"stop": "yes"})


async def own_profile_only(world: World, caller: str) -> Call:
    # Facilitator A's, where A is sent; B has none.
    return Call(path_values={"facilitator_id": await profile_of(world, "facilitator_assigned")})


def venue_form(fields: dict[str, Any]) -> dict[str, str | list[str]]:
    return {
        **{key: str(value) for key, value in fields.items() if key != "features"},
        "features": list(fields["features"]),
        "setup_minutes": "15",
        "cleardown_minutes": "15",
        "opens_on_bank_holidays": "no",
        "active": "yes",
    }


async def new_venue_form(world: World, caller: str) -> Call:
    return Call(form=venue_form(venue_fields("Riverside Library")))


async def change_venue_form(world: World, caller: str) -> Call:
    changed = {**venue_fields(), "capacity": 20, "rooms": 3}
    return Call(path_values={"venue_id": await venue(world)}, form=venue_form(changed))


async def venue_hours_form(world: World, caller: str) -> Call:
    return Call(
        path_values={"venue_id": await venue(world)},
        form=weekly_form(["MO", "TU", "WE", "TH", "FR"], "09:00", "21:00"),
    )


# Panels: World's case is not ready to schedule, so each row arranges one that is ---------

# The evenings the case's people can come, days from today: booked on the first, moved to
# the second.
FIRST_EVENING = 3
SECOND_EVENING = 5


@dataclass(frozen=True)
class Arranged:
    """A case A leads, ready to schedule, and what its panel can be booked with: the
    scheme's venue, A to lead, and Cleo, a co-facilitator who is none of the callers."""

    case_id: UUID
    venue_id: UUID
    facilitator_ids: list[UUID]

    def at(self, start: datetime) -> dict[str, str | list[str]]:
        """A booking at `start`, as the API's body and the pages' forms both send it."""
        return {
            "start": start.isoformat(),
            "venue_id": str(self.venue_id),
            "facilitator_ids": [str(f) for f in self.facilitator_ids],
        }


async def co_facilitator_cleo(world: World) -> UUID:
    """Cleo's profile, free every evening like A and B. A panel she and A hold is one B
    has no part in, so B can be seen to be refused it."""
    cleo = await add_member(
        "Cleo Cofacilitator",
        "cleo@scheme.example",
        Role.facilitator,
        world.scheme,
        world.coordinator.actor,
    )
    return await free_every_evening(cleo, [Skill.co_facilitator], dbs_expires_on=dbs_expiry())


async def arrange(world: World) -> Arranged:
    staff = await staff_the_scheme(world)
    cleo = await co_facilitator_cleo(world)
    windows = [(evening(days), evening(days, 21)) for days in (FIRST_EVENING, SECOND_EVENING)]
    case_id = await ready_case(world, windows)
    return Arranged(case_id, UUID(str(staff["venue"])), [UUID(str(staff["lead"])), cleo])


async def ready(world: World, caller: str) -> Call:
    return Call(path_values={"case_id": (await arrange(world)).case_id})


async def booking(world: World, caller: str) -> Call:
    arranged = await arrange(world)
    return Call(path_values={"case_id": arranged.case_id}, json=arranged.at(evening(FIRST_EVENING)))


async def booked_panel(world: World) -> tuple[Arranged, UUID]:
    arranged = await arrange(world)
    chosen = BookingIn.model_validate(arranged.at(evening(FIRST_EVENING)))
    panel_id = await bookings.book(world.coordinator.actor, arranged.case_id, chosen)
    return arranged, panel_id


async def one_panel(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(path_values={"case_id": arranged.case_id, "panel_id": panel_id})


def moved(arranged: Arranged) -> dict[str, str | list[str]]:
    return {**arranged.at(evening(SECOND_EVENING)), "reason": "The venue's hall is flooded."}


async def move_panel(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(
        path_values={"case_id": arranged.case_id, "panel_id": panel_id}, json=moved(arranged)
    )


CANCELLED: dict[str, str | list[str]] = {"reason": "The person responsible is in hospital."}


async def cancel_panel(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(path_values={"case_id": arranged.case_id, "panel_id": panel_id}, json=CANCELLED)


async def backlog(world: World, caller: str) -> Call:
    """A backlog of one ready case, so there is something to plan."""
    await arrange(world)
    return Call()


async def plan_backlog(world: World, caller: str) -> Call:
    arranged = await arrange(world)
    # A short limit: one case is planned at once, and a slow plan would only slow the run.
    return Call(json={"case_ids": [str(arranged.case_id)], "seconds": 2})


# ... and as the pages' forms post them.


async def booking_form(world: World, caller: str) -> Call:
    arranged = await arrange(world)
    return Call(path_values={"case_id": arranged.case_id}, form=arranged.at(evening(FIRST_EVENING)))


async def move_panel_form(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(
        path_values={"case_id": arranged.case_id, "panel_id": panel_id}, form=moved(arranged)
    )


async def cancel_panel_form(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(path_values={"case_id": arranged.case_id, "panel_id": panel_id}, form=CANCELLED)


async def book_the_plan_form(world: World, caller: str) -> Call:
    """The plan as the backlog page posts it back: one panel, case|start|venue|people."""
    arranged = await arrange(world)
    entry = [
        str(arranged.case_id),
        evening(FIRST_EVENING).isoformat(),
        str(arranged.venue_id),
        *(str(f) for f in arranged.facilitator_ids),
    ]
    return Call(form={"panel": "|".join(entry)})


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

FACILITATOR = "/api/v1/facilitators/{facilitator_id}"
VENUE = "/api/v1/venues/{venue_id}"
MINE = SEE_THE_PROFILE

ROWS += [
    Row("GET", "/api/v1/facilitators", COORDINATORS, 200, one_profile),
    Row("POST", "/api/v1/facilitators", COORDINATORS, 201, new_profile),
    Row("GET", FACILITATOR, STAFF, 200, one_profile, scope=MINE),
    Row("PATCH", FACILITATOR, STAFF, 200, change_profile, scope=MINE),
    Row("GET", FACILITATOR + "/availability", STAFF, 200, one_profile, scope=MINE),
    Row("PUT", FACILITATOR + "/availability", STAFF, 200, profile_times, scope=MINE),
    Row("GET", FACILITATOR + "/free", STAFF, 200, profile_free, scope=MINE),
    Row("PUT", FACILITATOR + "/calendar", STAFF, 200, own_calendar, scope=MINE),
    # Reading the link makes it on first use: only an allowed call may.
    Row("GET", FACILITATOR + "/feed", STAFF, 200, one_profile, scope=MINE),
    Row("POST", FACILITATOR + "/feed", STAFF, 201, one_profile, scope=MINE),
    Row("GET", "/api/v1/venues", STAFF, 200, one_venue),
    Row("POST", "/api/v1/venues", COORDINATORS, 201, new_venue),
    Row("GET", VENUE, STAFF, 200, one_venue),
    Row("PATCH", VENUE, COORDINATORS, 200, change_venue),
    Row("GET", VENUE + "/hours", STAFF, 200, one_venue),
    Row("PUT", VENUE + "/hours", COORDINATORS, 200, venue_hours),
    Row("GET", VENUE + "/free", STAFF, 200, venue_free),
    Row("GET", VENUE + "/feed", COORDINATORS, 200, one_venue),
    Row("POST", VENUE + "/feed", COORDINATORS, 201, one_venue),
    # Calendar apps subscribe without an account: the token in the address is the key.
    Row(
        "GET",
        "/calendars/facilitators/{filename}",
        None,
        200,
        facilitator_feed,
        content_type="text/calendar",
    ),
    Row("GET", "/calendars/venues/{filename}", None, 200, venue_feed, content_type="text/calendar"),
]

PANEL = "/api/v1/panels/{panel_id}"

ROWS += [
    Row("GET", CASE + "/slot-suggestions", STAFF, 200, ready),
    Row("POST", CASE + "/panels", STAFF, 201, booking),
    Row("GET", CASE + "/panels", STAFF, 200, one_panel),
    Row("GET", PANEL, STAFF, 200, one_panel, scope=SEE_THE_PANEL),
    Row("PATCH", PANEL, STAFF, 200, move_panel, scope=SEE_THE_PANEL),
    Row("POST", PANEL + "/cancel", STAFF, 200, cancel_panel, scope=SEE_THE_PANEL),
    # For the panel's facilitators, and coordinators (who see every panel).
    Row(
        "GET",
        PANEL + "/invitation.ics",
        STAFF,
        200,
        one_panel,
        scope=SEE_THE_PANEL,
        content_type="text/calendar",
    ),
    Row("POST", "/api/v1/plans", COORDINATORS, 200, plan_backlog),
]


async def a_task(world: World, caller: str) -> Call:
    """A task on the world's case (which facilitator A leads)."""
    async with write_transaction():
        task_id = await raise_task(
            world.case_id, TaskKind.call_party, "Please call.", datetime.now(UTC)
        )
    return Call(path_values={"task_id": task_id})


async def held_panel(world: World) -> tuple[UUID, UUID]:
    """A booked panel recorded as held (both sides came and agreed), with one action."""
    arranged, panel_id = await booked_panel(world)
    parties = await Party.select(Party.id).where(Party.case == arranged.case_id)
    attendance = [{"party_id": p["id"], "attended": True, "agrees": True} for p in parties]
    await outcomes.record_panel(
        world.coordinator.actor,
        panel_id,
        PanelRecordIn.model_validate({"result": "held", "attendance": attendance}),
        now=evening(FIRST_EVENING, 21),
    )
    return arranged.case_id, panel_id


def an_apology(owner: UUID) -> dict[str, Any]:
    return {
        "kind": "spoken_apology",
        "owner_party_id": str(owner),
        "description": "Say sorry to the neighbour at the panel's follow-up meeting.",
        "deadline": (london_today() + timedelta(days=30)).isoformat(),
    }


async def postponing(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(
        path_values={"case_id": arranged.case_id, "panel_id": panel_id},
        json={"result": "postponed", "reason": "The hall is flooded."},
    )


async def recorded_panel(world: World, caller: str) -> Call:
    case_id, panel_id = await held_panel(world)
    return Call(path_values={"case_id": case_id, "panel_id": panel_id})


async def more_of_the_agreement(world: World, caller: str) -> Call:
    case_id, _ = await held_panel(world)
    owner = await Party.select(Party.id).where(Party.case == case_id).first()
    assert owner is not None
    return Call(path_values={"case_id": case_id}, json=[an_apology(owner["id"])])


async def an_action(world: World, caller: str) -> Call:
    case_id, _ = await held_panel(world)
    owner = await Party.select(Party.id).where(Party.case == case_id).first()
    assert owner is not None
    [action_id] = await outcomes.add_actions(
        world.coordinator.actor, case_id, [ActionIn.model_validate(an_apology(owner["id"]))]
    )
    return Call(path_values={"action_id": action_id}, json={"status": "done"})


ROWS += [
    Row("POST", PANEL + "/record", STAFF, 204, postponing, scope=SEE_THE_PANEL),
    Row("GET", CASE + "/agreement", STAFF, 200, recorded_panel),
    Row("POST", CASE + "/agreement/actions", STAFF, 201, more_of_the_agreement),
    Row(
        "PATCH",
        "/api/v1/agreement-actions/{action_id}",
        STAFF,
        204,
        an_action,
        scope=frozenset({"coordinator", "facilitator_assigned"}),
    ),
]


async def food_bank(world: World) -> tuple[UUID, list[dict[str, Any]]]:
    provider = await reparation.add_provider(
        world.coordinator.actor,
        ProviderIn(name="Food Bank", kind="food_bank", address="2 Mill Lane", area="Millbrook"),
    )
    made = await reparation.add_sessions(
        world.coordinator.actor,
        provider["id"],
        SessionsIn(
            first_day=london_today() + timedelta(days=7),
            starts=time(10),
            minutes=120,
            capacity=2,
            supervisor_name="Sam Supervisor",
        ),
    )
    return provider["id"], made


async def reparation_agreed(world: World) -> tuple[UUID, int]:
    case_id, _ = await held_panel(world)
    owner = (
        await Party.select(Party.id)
        .where((Party.case == case_id) & (Party.role == "harm_causer"))
        .first()
    )
    assert owner is not None
    hours = {
        **an_apology(owner["id"]),
        "kind": "reparation_hours",
        "description": "Helping at the food bank.",
        "hours": 6,
        "task_type": "food bank",
    }
    [action_id] = await outcomes.add_actions(
        world.coordinator.actor, case_id, [ActionIn.model_validate(hours)]
    )
    return case_id, action_id


async def a_breach_decision(world: World, caller: str) -> Call:
    case_id, _ = await reparation_agreed(world)
    return Call(
        path_values={"case_id": case_id},
        json={"decision": "carry_on", "reason": "They called to explain."},
    )


async def a_provider(world: World, caller: str) -> Call:
    provider_id, _ = await food_bank(world)
    return Call(
        path_values={"provider_id": provider_id},
        json={
            "first_day": (london_today() + timedelta(days=14)).isoformat(),
            "starts": "10:00",
            "minutes": 120,
            "capacity": 2,
            "supervisor_name": "Sam Supervisor",
        },
    )


async def new_provider(world: World, caller: str) -> Call:
    return Call(
        json={"name": "Allotments", "kind": "allotment", "address": "Field Rd", "area": "Millbrook"}
    )


async def a_placement(world: World, caller: str) -> Call:
    case_id, action_id = await reparation_agreed(world)
    _, [session] = await food_bank(world)
    return Call(
        path_values={"case_id": case_id},
        json={"session_id": str(session["id"]), "action_id": action_id},
    )


async def a_booked_place(world: World) -> tuple[UUID, int, dict[str, Any]]:
    case_id, action_id = await reparation_agreed(world)
    _, [session] = await food_bank(world)
    placement = await reparation.book(
        world.coordinator.actor,
        case_id,
        PlacementIn(session_id=session["id"], action_id=action_id),
    )
    return case_id, placement, session


async def a_place_to_cancel(world: World, caller: str) -> Call:
    case_id, placement, _ = await a_booked_place(world)
    return Call(
        path_values={"case_id": case_id, "placement_id": placement},
        json={"reason": "The session moved."},
    )


async def a_missed_session(world: World, caller: str) -> Call:
    case_id, placement, session = await a_booked_place(world)
    await reparation.record_by_staff(
        world.coordinator.actor,
        session["id"],
        [AttendanceRecord(placement_id=placement, attended=False)],
        now=session["starts_at"] + timedelta(hours=1),
    )
    return Call(
        path_values={"case_id": case_id, "placement_id": placement},
        json={"reason": "They were in hospital."},
    )


async def an_empty_session(world: World, caller: str) -> Call:
    _, [session] = await food_bank(world)
    return Call(path_values={"session_id": session["id"]}, json=[])


async def a_supervisor_link(world: World, caller: str) -> Call:
    _, [session] = await food_bank(world)
    return Call(path_values={"token": session["link"]})


ROWS += [
    Row("POST", CASE + "/breach-decision", COORDINATORS, 204, a_breach_decision),
    Row("GET", "/api/v1/reparation/providers", STAFF, 200),
    Row("POST", "/api/v1/reparation/providers", COORDINATORS, 201, new_provider),
    Row(
        "POST", "/api/v1/reparation/providers/{provider_id}/sessions", COORDINATORS, 201, a_provider
    ),
    Row("GET", "/api/v1/reparation/sessions", STAFF, 200),
    Row("POST", CASE + "/reparation/placements", STAFF, 201, a_placement),
    Row(
        "POST",
        CASE + "/reparation/placements/{placement_id}/cancel",
        STAFF,
        204,
        a_place_to_cancel,
    ),
    Row(
        "POST",
        CASE + "/reparation/placements/{placement_id}/accept-absence",
        STAFF,
        204,
        a_missed_session,
    ),
    # Attendance before a session has started is refused, whoever asks: the scope and
    # the rule are the service's (tests/panels/reparation); here, who may reach it.
    Row(
        "POST",
        "/api/v1/reparation/sessions/{session_id}/attendance",
        STAFF,
        204,
        an_empty_session,
    ),
]


# Twilio's webhooks are open to anyone, and act only on what Twilio signed: an unsigned
# request is refused whoever sends it (tests/panels/messaging/test_webhooks.py signs).
ROWS += [
    Row("GET", CASE + "/texts", STAFF, 200),
    Row("GET", "/api/v1/tasks", STAFF, 200),
    Row(
        "POST",
        "/api/v1/tasks/{task_id}/done",
        STAFF,
        204,
        a_task,
        scope=frozenset({"coordinator", "facilitator_assigned"}),
    ),
    Row("POST", "/webhooks/twilio/sms", None, 403),
    Row("POST", "/webhooks/twilio/status", None, 403),
]


def page(
    method: str,
    path: str,
    roles: frozenset[Role] | None,
    success: int,
    prepare: Prepare = no_body,
    **more: Any,
) -> Row:
    return Row(method, path, roles, success, prepare, page=True, **more)


PAGE_CASE = "/cases/{case_id}"
PAGE_PARTY = PAGE_CASE + "/parties/{party_id}"
BACK_TO_CASE = PAGE_CASE + "?done="

ROWS += [
    page("GET", "/", None, 303, to="{home}"),
    page("GET", "/sign-in", None, 200, signed_in=303, to="{home}"),
    page("POST", "/sign-in", None, 303, sign_in_form),
    page("POST", "/sign-out", EVERYONE_SIGNED_IN, 303, to="/sign-in?signed_out=1"),
    page("GET", "/users", COORDINATORS, 200),
    page("GET", "/users/new", COORDINATORS, 200),
    page("POST", "/users/new", COORDINATORS, 303, new_user_form, to="/users?done=added"),
    page("GET", "/users/{user_id}", COORDINATORS, 200, one_user),
    page("POST", "/users/{user_id}", COORDINATORS, 303, change_user_form, to="/users?done=changed"),
    page("GET", "/api-tokens", COORDINATORS, 200),
    page("POST", "/api-tokens", COORDINATORS, 201, new_api_token_form),
    page(
        "POST",
        "/api-tokens/{token_id}/revoke",
        COORDINATORS,
        303,
        revoke_api_token,
        to="/api-tokens?done=revoked",
    ),
    page("GET", "/dashboard", COORDINATORS, 200),
    page("GET", "/cases", EVERYONE_SIGNED_IN, 200),
    page("GET", "/cases/new", REFERRING, 200),
    page("POST", "/cases/new", REFERRING, 303, referral_form, to="/cases/"),
    page("GET", PAGE_CASE + "/referred", REFERRING, 200),
    page("GET", PAGE_CASE, EVERYONE_SIGNED_IN, 200),
    page("POST", PAGE_CASE + "/transitions", STAFF, 303, change_status_form, to=BACK_TO_CASE),
    page("POST", PAGE_CASE + "/parties", STAFF, 303, new_party_form, to=BACK_TO_CASE + "person"),
    page("POST", PAGE_PARTY + "/consent", STAFF, 303, consent_form, to=BACK_TO_CASE + "consent"),
    page(
        "POST",
        PAGE_PARTY + "/admission",
        STAFF,
        303,
        admission_form,
        to=BACK_TO_CASE + "admission",
    ),
    page(
        "POST",
        PAGE_PARTY + "/contact-attempts",
        STAFF,
        303,
        contact_attempt_form,
        to=BACK_TO_CASE + "contact",
    ),
    page(
        "POST",
        PAGE_PARTY + "/availability",
        STAFF,
        303,
        availability_form,
        to=BACK_TO_CASE + "availability",
    ),
    # The pages' own script and icon, committed with the code; anyone may fetch them.
    Row("GET", "/static/{file_path}", None, 200, address="/static/njp.js"),
    Row("HEAD", "/static/{file_path}", None, 200, address="/static/favicon.svg"),
]

PAGE_PROFILE = "/facilitators/{facilitator_id}"
BACK_TO_TIMES = PAGE_PROFILE + "/availability?done="
PAGE_VENUE = "/venues/{venue_id}"

ROWS += [
    page("GET", "/facilitators", COORDINATORS, 200, one_profile),
    page("POST", "/facilitators", COORDINATORS, 303, new_profile_form, to="/facilitators/"),
    page("GET", PAGE_PROFILE, STAFF, 200, one_profile, scope=MINE),
    page(
        "POST", PAGE_PROFILE, STAFF, 303, profile_form, scope=MINE, to=PAGE_PROFILE + "?done=saved"
    ),
    page("GET", PAGE_PROFILE + "/availability", STAFF, 200, one_profile, scope=MINE),
    page(
        "POST",
        PAGE_PROFILE + "/availability",
        STAFF,
        303,
        profile_times_form,
        scope=MINE,
        to=BACK_TO_TIMES + "times",
    ),
    page(
        "POST",
        PAGE_PROFILE + "/calendar",
        STAFF,
        303,
        stop_calendar_form,
        scope=MINE,
        to=BACK_TO_TIMES + "calendar",
    ),
    page(
        "POST",
        PAGE_PROFILE + "/feed",
        STAFF,
        303,
        one_profile,
        scope=MINE,
        to=BACK_TO_TIMES + "feed",
    ),
    # A facilitator's own times; one with no profile yet has none to be sent to.
    page(
        "GET",
        "/availability",
        FACILITATORS,
        303,
        own_profile_only,
        scope=HAVE_A_PROFILE,
        to=PAGE_PROFILE + "/availability",
    ),
    page("GET", "/venues", COORDINATORS, 200, one_venue),
    page("GET", "/venues/new", COORDINATORS, 200),
    page("POST", "/venues/new", COORDINATORS, 303, new_venue_form, to="/venues/"),
    page("GET", PAGE_VENUE, COORDINATORS, 200, one_venue),
    page("POST", PAGE_VENUE, COORDINATORS, 303, change_venue_form, to=PAGE_VENUE + "?done=saved"),
    page(
        "POST",
        PAGE_VENUE + "/hours",
        COORDINATORS,
        303,
        venue_hours_form,
        to=PAGE_VENUE + "?done=times",
    ),
    page("POST", PAGE_VENUE + "/feed", COORDINATORS, 303, one_venue, to=PAGE_VENUE + "?done=feed"),
]

PAGE_PANEL = "/panels/{panel_id}"

ROWS += [
    page("GET", PAGE_CASE + "/times", STAFF, 200, ready),
    page("POST", PAGE_CASE + "/panels", STAFF, 303, booking_form, to=BACK_TO_CASE + "booked"),
    page("GET", PAGE_PANEL + "/move", STAFF, 200, one_panel, scope=SEE_THE_PANEL),
    page(
        "POST",
        PAGE_PANEL + "/move",
        STAFF,
        303,
        move_panel_form,
        scope=SEE_THE_PANEL,
        to=BACK_TO_CASE + "moved-panel",
    ),
    page(
        "POST",
        PAGE_PANEL + "/cancel",
        STAFF,
        303,
        cancel_panel_form,
        scope=SEE_THE_PANEL,
        to=BACK_TO_CASE + "cancelled-panel",
    ),
    page("GET", "/scheduling", COORDINATORS, 200, backlog),
    page("POST", "/scheduling/plan", COORDINATORS, 200, backlog),
    page("POST", "/scheduling/book", COORDINATORS, 200, book_the_plan_form),
]

ROWS += [
    # The scheme's latest texts, numbers masked.
    page("GET", "/texts", COORDINATORS, 200),
    # A task of World's case, which A leads: marked done from the case's page.
    page("POST", PAGE_CASE + "/tasks/{task_id}/done", STAFF, 303, a_task, to=BACK_TO_CASE + "task"),
]


# The support services directory: World has none, so each row adds what it needs --------


def support_service_fields(name: str = "Millbrook Money Advice") -> dict[str, Any]:
    return {
        "name": name,
        "category": "debt",
        "offers": "Free debt advice.",
        "eligibility": "Adults living in Millbrook.",
        "how_to_refer": "Phone 0113 496 0101; self-referral welcome.",
        "phone": "0113 496 0101",
        "areas": ["Millbrook"],
    }


async def support_service(world: World) -> UUID:
    created = await support.create(SupportServiceIn.model_validate(support_service_fields()))
    return UUID(str(created["id"]))


async def one_support_service(world: World, caller: str) -> Call:
    return Call(path_values={"service_id": await support_service(world)})


async def new_support_service(world: World, caller: str) -> Call:
    return Call(json=support_service_fields("Northshire Debt Line"))


async def change_support_service(world: World, caller: str) -> Call:
    return Call(
        path_values={"service_id": await support_service(world)},
        json={"areas": ["Millbrook", "Eastgate"], "active": False},
    )


def support_service_form(fields: dict[str, Any]) -> dict[str, str | list[str]]:
    return {
        **{key: str(value) for key, value in fields.items() if key != "areas"},
        "areas": "\n".join(fields["areas"]),
        "active": "yes",
    }


async def new_support_service_form(world: World, caller: str) -> Call:
    return Call(form=support_service_form(support_service_fields("Northshire Debt Line")))


async def change_support_service_form(world: World, caller: str) -> Call:
    changed = {**support_service_fields(), "areas": ["Millbrook", "Eastgate"]}
    return Call(
        path_values={"service_id": await support_service(world)},
        form=support_service_form(changed),
    )


SUPPORT_SERVICE = "/api/v1/support-services/{service_id}"
PAGE_SUPPORT_SERVICE = "/support-services/{service_id}"

ROWS += [
    Row("GET", "/api/v1/support-services", STAFF, 200, one_support_service),
    Row("POST", "/api/v1/support-services", COORDINATORS, 201, new_support_service),
    Row("GET", SUPPORT_SERVICE, STAFF, 200, one_support_service),
    Row("PATCH", SUPPORT_SERVICE, COORDINATORS, 200, change_support_service),
    page("GET", "/support-services", STAFF, 200, one_support_service),
    page("GET", "/support-services/new", COORDINATORS, 200),
    page(
        "POST",
        "/support-services/new",
        COORDINATORS,
        303,
        new_support_service_form,
        to="/support-services/",
    ),
    page("GET", PAGE_SUPPORT_SERVICE, STAFF, 200, one_support_service),
    page(
        "POST",
        PAGE_SUPPORT_SERVICE,
        COORDINATORS,
        303,
        change_support_service_form,
        to=PAGE_SUPPORT_SERVICE + "?done=saved",
    ),
]


# After the panel, as the pages' forms post it: recording it (postponed, which needs no
# waiting for the start), more of the agreement, an action done, and the printed summary.


async def postponing_form(world: World, caller: str) -> Call:
    arranged, panel_id = await booked_panel(world)
    return Call(
        path_values={"case_id": arranged.case_id, "panel_id": panel_id},
        form={"result": "postponed", "reason": "The hall is flooded.", "people": "0"},
    )


def apology_form(owner: UUID) -> dict[str, str | list[str]]:
    action = an_apology(owner)
    return {
        "kind": action["kind"],
        "owner_party_id": action["owner_party_id"],
        "description": action["description"],
        **date_fields("deadline", date.fromisoformat(action["deadline"])),
    }


async def more_of_the_agreement_form(world: World, caller: str) -> Call:
    case_id, _ = await held_panel(world)
    owner = await Party.select(Party.id).where(Party.case == case_id).first()
    assert owner is not None
    return Call(path_values={"case_id": case_id}, form=apology_form(owner["id"]))


async def an_action_done_form(world: World, caller: str) -> Call:
    case_id, _ = await held_panel(world)
    owner = await Party.select(Party.id).where(Party.case == case_id).first()
    assert owner is not None
    [action_id] = await outcomes.add_actions(
        world.coordinator.actor, case_id, [ActionIn.model_validate(an_apology(owner["id"]))]
    )
    return Call(
        path_values={"case_id": case_id, "action_id": action_id},
        form={"status": "done", "case_id": str(case_id)},
    )


ROWS += [
    page("GET", PAGE_PANEL + "/record", STAFF, 200, one_panel, scope=SEE_THE_PANEL),
    page(
        "POST",
        PAGE_PANEL + "/record",
        STAFF,
        303,
        postponing_form,
        scope=SEE_THE_PANEL,
        to=BACK_TO_CASE + "recorded-postponed",
    ),
    page(
        "POST",
        PAGE_CASE + "/agreement/actions",
        STAFF,
        303,
        more_of_the_agreement_form,
        to=BACK_TO_CASE + "action-added",
    ),
    page(
        "POST",
        "/agreement-actions/{action_id}",
        STAFF,
        303,
        an_action_done_form,
        scope=frozenset({"coordinator", "facilitator_assigned"}),
        to=BACK_TO_CASE + "action-done",
    ),
    page("GET", PAGE_CASE + "/agreement/print", STAFF, 200, recorded_panel),
]


async def a_place_form(world: World, caller: str) -> Call:
    case_id, action_id = await reparation_agreed(world)
    _, [session] = await food_bank(world)
    return Call(
        path_values={"case_id": case_id},
        form={"action_id": str(action_id), "session_id": str(session["id"])},
    )


async def a_place_to_cancel_form(world: World, caller: str) -> Call:
    api = await a_place_to_cancel(world, caller)
    return Call(path_values=api.path_values, form=api.json)


async def a_missed_session_form(world: World, caller: str) -> Call:
    api = await a_missed_session(world, caller)
    return Call(path_values=api.path_values, form=api.json)


# Reparation on the case page: booking, cancelling a place, accepting a reason.
ROWS += [
    page(
        "POST",
        PAGE_CASE + "/reparation/places",
        STAFF,
        303,
        a_place_form,
        to=BACK_TO_CASE + "place-booked",
    ),
    page(
        "POST",
        PAGE_CASE + "/reparation/places/{placement_id}/cancel",
        STAFF,
        303,
        a_place_to_cancel_form,
        to=BACK_TO_CASE + "place-cancelled",
    ),
    page(
        "POST",
        PAGE_CASE + "/reparation/places/{placement_id}/accept-absence",
        STAFF,
        303,
        a_missed_session_form,
        to=BACK_TO_CASE + "absence-accepted",
    ),
]

# A reparation supervisor's page: anyone holding the link; what it refuses and records
# is tested in tests/panels/reparation. An empty form for a session nobody is booked
# into shows the page again.
ROWS += [
    page("GET", "/r/{token}", None, 200, a_supervisor_link),
    page("POST", "/r/{token}", None, 200, a_supervisor_link),
]


# Feedback: the figures for referrers and coordinators, and the survey page a person
# harmed opens from a text (anyone holding the link; it reaches one survey).


async def a_survey_link(world: World, caller: str) -> Call:
    case_id, panel_id = await held_panel(world)
    record = await PanelRecord.select(PanelRecord.id).where(PanelRecord.panel == panel_id).first()
    assert record is not None
    now = datetime.now(UTC)
    async with write_transaction():
        await feedback.schedule_surveys(case_id, record["id"], now)
        survey = (
            await Survey.select()
            .where((Survey.case == case_id) & (Survey.kind == SurveyKind.after_panel))
            .first()
        )
        assert survey is not None
        url = await feedback.issue_link(survey, now, get_settings())
    return Call(path_values={"token": url.rsplit("/", 1)[1]})


async def a_survey_answered(world: World, caller: str) -> Call:
    link = await a_survey_link(world, caller)
    answers: dict[str, str | list[str]] = {"listened": "4", "agreed": "5", "recommend": "3"}
    return Call(path_values=link.path_values, form=answers)


ROWS += [
    Row("GET", "/api/v1/feedback/summary", REFERRING, 200),
    page("GET", "/s/{token}", None, 200, a_survey_link),
    page("POST", "/s/{token}", None, 200, a_survey_answered),
]

MATRIX = [
    pytest.param(
        row,
        caller,
        id=f"{row.method} {row.address or row.path} as {caller} -> {expected_status(row, caller)}",
    )
    for row in ROWS
    for caller in CALLERS
]


async def stored_records() -> dict[str, list[str]]:
    """Every row in every table, except when each API token was last used: a refused
    request still presents its token, and noting that is not a change to the records."""
    records: dict[str, list[str]] = {}
    # One transaction, so one connection reads every table (SQLite opens one per query).
    async with db.engine().transaction():
        for table in APP_CONFIG.table_classes:
            rows = await table.select()
            records[table._meta.tablename] = sorted(
                repr({key: value for key, value in row.items() if key != "last_used_at"})
                for row in rows
            )
    return records


async def csrf_token(client: AsyncClient) -> str:
    """The token a form echoes: the CSRF cookie, which opening any page leaves behind."""
    if CSRF_COOKIE not in client.cookies:
        opened = await client.get("/sign-in")
        assert opened.status_code == 200, opened.text[:300]
    return str(client.cookies[CSRF_COOKIE])


# How a page tells a person in a browser that they cannot have what they asked for.
REFUSAL_PAGE_TITLES = {403: "You cannot use this page", 404: "Page not found"}


def assert_refusal_explained(row: Row, response: Response) -> None:
    if not row.page:
        assert response.json()["detail"], "a refusal says why"
    elif response.status_code in REFUSAL_PAGE_TITLES:
        assert response.headers["content-type"].startswith("text/html"), "a page, not data"
        assert REFUSAL_PAGE_TITLES[response.status_code] in response.text


@pytest.mark.parametrize(("row", "caller"), MATRIX)
async def test_access(client: AsyncClient, world: World, row: Row, caller: str) -> None:
    call = await row.prepare(world, caller)
    path_values = {**default_path_values(world), **call.path_values}
    url = row.address or row.path.format(**path_values)
    expected = expected_status(row, caller)
    refused = is_refused(row, caller)
    form = None
    if row.page and row.method == "POST":
        # With the CSRF token, as a browser that opened the form's page sends it.
        form = {**call.form, CSRF_FIELD: await csrf_token(client)}
    before = await stored_records() if refused else {}

    response = await client.request(
        row.method,
        url,
        params=call.query or None,
        json=call.json,
        data=form,
        headers=world.as_role(caller),
    )

    assert response.status_code == expected, (
        f"{row.method} {url} as {caller}: expected {expected}, "
        f"got {response.status_code} {response.headers.get('location', '')} "
        f"{response.text[:300]}"
    )
    if row.content_type is not None and not refused:
        assert response.headers["content-type"].startswith(row.content_type), (
            f"{row.method} {url} answered {response.headers['content-type']}"
        )
    location = expected_location(row, caller, url, path_values)
    if location is not None:
        sent_to = response.headers["location"]
        # Sent to sign in, exactly; onward after success, wherever that page's anchor is.
        assert sent_to == location if refused else sent_to.startswith(location), (
            f"{row.method} {url} as {caller} was sent to {sent_to}, not {location}"
        )
    if refused:
        assert_refusal_explained(row, response)
        after = await stored_records()
        changed = sorted(name for name in before if before[name] != after[name])
        assert not changed, f"a refused request changed {changed}"


ONLY_DECLARED = ("/schema/", "/assets/")


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

    # Asset routes not requested one by one must be public: the API viewer's own assets,
    # like the description they show, and the pages' built styles and scripts (var/static,
    # which a test run may not have built).
    assets = {key for key in declared.keys() - covered if key[1].startswith(ONLY_DECLARED)}
    not_public = sorted(key for key in assets if declared_access(declared[key]) != PUBLIC)
    assert not not_public, f"asset routes that are not public: {not_public}"

    without_a_row = sorted(declared.keys() - covered - assets)
    assert not without_a_row, f"routes missing from the access matrix: {without_a_row}"
    rows_without_a_route = sorted(covered - declared.keys())
    assert not rows_without_a_route, f"matrix rows for routes the app lacks: {rows_without_a_route}"


@pytest.mark.parametrize("token", ["missing", "another browser's"])
async def test_a_form_posted_without_its_csrf_token_changes_nothing(
    app: Litestar, client: AsyncClient, world: World, token: str
) -> None:
    """A page on another site can make a signed-in coordinator's browser post a form here,
    session cookie and all; it cannot read the CSRF cookie, so it cannot echo the token."""
    coordinator = world.coordinator.actor
    signed_in = await client.post(
        "/sign-in",
        data={
            "email": coordinator.email,
            "password": PASSWORD,
            CSRF_FIELD: await csrf_token(client),
        },
    )
    assert signed_in.headers["location"] == HOMES[Role.coordinator], signed_in.text[:300]
    form = (await new_user(world, "coordinator")).json
    if token != "missing":
        async with AsyncClient(
            transport=ASGITransport(app=app), base_url=str(client.base_url)
        ) as other_browser:
            form[CSRF_FIELD] = await csrf_token(other_browser)
    before = await stored_records()

    response = await client.post("/users/new", data=form)

    assert response.status_code == 403, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert await stored_records() == before
    assert not await User.exists().where(User.email == form["email"])

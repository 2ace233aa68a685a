"""Fictional but believable demo data: a police force, a housing association, a council
ASB team and the scheme; twelve facilitators, five community venues and twenty cases
across the lifecycle. Everything goes through the same services real users do, so the
timelines are what they would be.

It loads as of any moment (`now`), whatever the weekday, season or hour: every panel time
is chosen from what the scheduling library finds free, never a fixed offset from today.
It loads in one transaction, so it completes or leaves the database as it was.

Every name is invented, every email is under the reserved `.example` domain and every
phone number is in Ofcom's drama range, so a demo can never reach a real person.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from panels.access import Actor
from panels.accounts import service as accounts
from panels.accounts.passwords import hash_password
from panels.accounts.schemas import OrganisationIn, UserIn
from panels.accounts.tables import Organisation, OrganisationKind, Role
from panels.availability import service as availability_service
from panels.availability.schemas import AvailabilityIn, OneOffIn, WeeklyWindowIn
from panels.availability.service import Owner
from panels.bookings import instances
from panels.bookings import service as bookings
from panels.bookings.schemas import BookingIn
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
from panels.cases.tables import (
    Case,
    CaseStatus,
    ConsentDecision,
    ContactMethod,
    ContactOutcome,
    ContactPreference,
    Language,
    OffenceCategory,
    Outcome,
    Party,
    PartyRole,
)
from panels.clock import LONDON, london_today, running_from, utc_now
from panels.db import write_transaction
from panels.facilitators import service as facilitator_service
from panels.facilitators.schemas import Conflict, FacilitatorIn
from panels.facilitators.tables import ConflictKind, Skill
from panels.settings import SettingsError, get_settings
from panels.venues import service as venue_service
from panels.venues.schemas import VenueIn
from panels.venues.tables import Venue, VenueFeature
from scheduling.intervals import Interval
from scheduling.suggest import suggest

DEMO_PASSWORD = "njp-demo-password"  # noqa: S105 - printed for the demo, never used in production

SCHEME = "Northshire Neighbourhood Justice Panel"
POLICE = "Northshire Police"
HOUSING = "Riverside Homes"
COUNCIL = "Northshire District Council ASB Team"

FACILITATORS = [
    ("Tom Evans", "facilitator@northshire-njp.example"),
    ("Margaret Okafor", "margaret.okafor@northshire-njp.example"),
    ("Gareth Pritchard", "gareth.pritchard@northshire-njp.example"),
    ("Aisha Rahman", "aisha.rahman@northshire-njp.example"),
    ("Declan Murphy", "declan.murphy@northshire-njp.example"),
    ("Helen Castell", "helen.castell@northshire-njp.example"),
    ("Sunil Mehta", "sunil.mehta@northshire-njp.example"),
    ("Rhiannon Lloyd", "rhiannon.lloyd@northshire-njp.example"),
    ("Patrick Doyle", "patrick.doyle@northshire-njp.example"),
    ("Joy Adeyemi", "joy.adeyemi@northshire-njp.example"),
    ("Colin Barraclough", "colin.barraclough@northshire-njp.example"),
    ("Fatima Hussain", "fatima.hussain@northshire-njp.example"),
]

VENUES = [
    (
        "Millbrook Community Centre",
        "14 Chapel Lane, Millbrook",
        "NS1 4AB",
        "Millbrook",
        30,
        2,
        [VenueFeature.step_free, VenueFeature.hearing_loop, VenueFeature.accessible_toilet],
    ),
    (
        "St Anne's Church Hall",
        "2 Vicarage Road, Eastgate",
        "NS3 7QT",
        "Eastgate",
        40,
        2,
        [VenueFeature.step_free, VenueFeature.accessible_toilet],
    ),
    (
        "Northshire Central Library",
        "Market Square, Northshire",
        "NS1 1AA",
        "Town Centre",
        16,
        3,
        [VenueFeature.step_free, VenueFeature.hearing_loop, VenueFeature.accessible_toilet],
    ),
    ("Hollins Park Pavilion", "Hollins Park, Westfield", "NS5 2HP", "Westfield", 12, 1, []),
    (
        "Ashworth Youth Centre",
        "9 Ashworth Street, Ashworth",
        "NS4 8YC",
        "Ashworth",
        20,
        2,
        [VenueFeature.step_free],
    ),
]


# A demo panel is offered from five days ahead (time to tell everyone) for three weeks,
# inside the four weeks that the suggestions page looks at.
OFFER_FROM = timedelta(days=5)
OFFER_FOR = timedelta(days=21)


class DatabaseNotEmpty(RuntimeError):
    pass


class DemoDataFailed(RuntimeError):
    """The demo could not be loaded; nothing of it was kept. The message says why."""


@dataclass(frozen=True)
class Cast:
    coordinator: Actor
    referrers: list[Actor]
    facilitators: list[Actor]


def _phone(n: int) -> str:
    return f"07700 900{n:03d}"


def _party(role: PartyRole, name: str, n: int, **extra: Any) -> PartyIn:
    return PartyIn(role=role, name=name, phone=_phone(n), **extra)


# Twenty referrals: (days ago received, category, area, summary, parties, where it got to)
def _referrals() -> list[tuple[int, OffenceCategory, str, str, list[PartyIn], str]]:
    hc, v, g, s, cr = (
        PartyRole.harm_causer,
        PartyRole.victim,
        PartyRole.guardian,
        PartyRole.supporter,
        PartyRole.community_representative,
    )
    return [
        (
            0,
            OffenceCategory.anti_social_behaviour,
            "Millbrook",
            "Repeated late-night noise and shouting outside a neighbour's flat.",
            [_party(v, "Eileen Marsh", 101), _party(hc, "Kieran Doherty", 102)],
            "referred",
        ),
        (
            1,
            OffenceCategory.criminal_damage,
            "Eastgate",
            "Wing mirror snapped off a parked car after an argument about parking.",
            [_party(v, "Raj Patel", 103), _party(hc, "Lee Carver", 104)],
            "referred",
        ),
        (
            4,
            OffenceCategory.neighbour_dispute,
            "Westfield",
            "Hedge cut back without agreement; rubbish thrown over the fence in return.",
            [
                _party(v, "Doreen Whitlock", 105, step_free_access=True),
                _party(hc, "Shaun Bellamy", 106),
            ],
            "referred_overdue",
        ),
        (
            5,
            OffenceCategory.low_value_shop_theft,
            "Town Centre",
            "Two bottles of wine taken from a corner shop; the owner wants to talk.",
            [_party(v, "Mohammed Iqbal", 107), _party(hc, "Jade Fenwick", 108)],
            "referred_overdue",
        ),
        (
            9,
            OffenceCategory.public_order,
            "Town Centre",
            "Shouting and swearing at bus station staff.",
            [_party(v, "Carol Nash", 109), _party(hc, "Ryan Tully", 110)],
            "rejected",
        ),
        (
            12,
            OffenceCategory.harassment,
            "Ashworth",
            "Messages left on a neighbour's car windscreen over several weeks.",
            [_party(v, "Beverley Shaw", 111), _party(hc, "Gordon Pike", 112)],
            "rejected",
        ),
        (
            3,
            OffenceCategory.criminal_damage,
            "Ashworth",
            "Graffiti sprayed on the youth centre's shutters.",
            [
                _party(cr, "Paula Grant", 113),
                _party(hc, "Callum Reid", 114, date_of_birth=date(2011, 5, 14)),
                _party(g, "Andrea Reid", 115),
            ],
            "accepted",
        ),
        (
            6,
            OffenceCategory.anti_social_behaviour,
            "Eastgate",
            "Football repeatedly kicked against a neighbour's garage door.",
            [
                _party(v, "Stanley Brookes", 116, hearing_loop=True),
                _party(hc, "Tyler Mason", 117, date_of_birth=date(2010, 9, 2)),
                _party(g, "Nicola Mason", 118),
            ],
            "accepted",
        ),
        (
            7,
            OffenceCategory.neighbour_dispute,
            "Millbrook",
            "Dispute over a shared bin store led to a damaged door.",
            [
                _party(v, "Angharad Powell", 119, language=Language.cy),
                _party(hc, "Martin Kaye", 120),
            ],
            "accepted",
        ),
        (
            8,
            OffenceCategory.anti_social_behaviour,
            "Westfield",
            "Motorbike ridden across the park playing field at night.",
            [_party(cr, "Revd. Alan Forbes", 121), _party(hc, "Dean Walsh", 122)],
            "contacting",
        ),
        (
            10,
            OffenceCategory.harassment,
            "Town Centre",
            "Abusive comments towards a market trader.",
            [
                _party(v, "Wen Li", 123, interpreter_language="Mandarin"),
                _party(hc, "Barry Stokes", 124),
            ],
            "contacting",
        ),
        (
            11,
            OffenceCategory.criminal_damage,
            "Millbrook",
            "Plant pots smashed along a terrace after a party.",
            [
                _party(v, "June Aldridge", 125),
                _party(v, "Peter Aldridge", 126),
                _party(hc, "Connor Hale", 127),
            ],
            "contacting",
        ),
        (
            13,
            OffenceCategory.low_value_shop_theft,
            "Eastgate",
            "Chocolate and energy drinks taken from a supermarket, twice.",
            [
                _party(v, "Sandra Kelly", 128),
                _party(hc, "Liam Foster", 129),
                _party(s, "Irene Foster", 130),
            ],
            "contacting_withdrawn",
        ),
        (
            14,
            OffenceCategory.anti_social_behaviour,
            "Ashworth",
            "Eggs thrown at the windows of a care home.",
            [
                _party(cr, "Bernard Oyelaran", 131),
                _party(hc, "Ellie Sutton", 132, date_of_birth=date(2010, 2, 20)),
                _party(g, "Karen Sutton", 133),
            ],
            "ready",
        ),
        (
            16,
            OffenceCategory.neighbour_dispute,
            "Westfield",
            "Loud music through a shared wall, and a shouting match on the landing.",
            [_party(v, "Gwen Howells", 134, language=Language.cy), _party(hc, "Darren Price", 135)],
            "ready",
        ),
        (
            18,
            OffenceCategory.criminal_damage,
            "Town Centre",
            "Bus shelter panel kicked in on a night out.",
            [_party(cr, "Ian Bradshaw", 136), _party(hc, "Josh Whitaker", 137)],
            "ready",
        ),
        (
            20,
            OffenceCategory.public_order,
            "Millbrook",
            "Threatening behaviour in a takeaway queue.",
            [
                _party(v, "Hassan Ali", 138),
                _party(hc, "Scott Rigby", 139),
                _party(s, "Maureen Rigby", 140),
            ],
            "scheduled",
        ),
        (
            25,
            OffenceCategory.anti_social_behaviour,
            "Eastgate",
            "Repeatedly blocking a neighbour's driveway.",
            [_party(v, "Robert Crane", 141), _party(hc, "Wayne Dixon", 142)],
            "closed_declined",
        ),
        (
            30,
            OffenceCategory.other,
            "Westfield",
            "Dog repeatedly let off the lead in a neighbour's garden.",
            [_party(v, "Lorna Gibb", 143), _party(hc, "Vince Harper", 144)],
            "closed_moved_away",
        ),
        (
            # A day old: inside the first-contact target at whatever hour the demo loads.
            1,
            OffenceCategory.harassment,
            "Millbrook",
            "Unwanted knocking on a neighbour's door late at night.",
            [
                _party(v, "Olive Simmons", 145, contact_preference=ContactPreference.phone_call),
                _party(hc, "Nathan Bright", 146),
            ],
            "accepted",
        ),
    ]


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once per process: argon2 is slow on purpose, and sixteen accounts share it."""
    return hash_password(DEMO_PASSWORD)


async def _make_organisations_and_people() -> Cast:
    organisations = {}
    for name, kind in (
        (SCHEME, OrganisationKind.scheme),
        (POLICE, OrganisationKind.police),
        (HOUSING, OrganisationKind.housing),
        (COUNCIL, OrganisationKind.council),
    ):
        organisations[name] = (
            await accounts.create_organisation(OrganisationIn(name=name, kind=kind))
        )["id"]

    async def person(name: str, email: str, role: Role, organisation: str) -> Actor:
        row = await accounts.create_user(
            UserIn(
                email=email,
                name=name,
                role=role,
                organisation_id=organisations[organisation],
                password=DEMO_PASSWORD,
            ),
            password_hash=_demo_password_hash(),
        )
        return Actor(
            id=row["id"],
            email=row["email"],
            name=row["name"],
            role=role,
            organisation_id=organisations[organisation],
        )

    coordinator = await person(
        "Priya Shah", "coordinator@northshire-njp.example", Role.coordinator, SCHEME
    )
    referrers = [
        await person(
            "PC Sarah Collins", "referrer@northshire-police.example", Role.referrer, POLICE
        ),
        await person(
            "Mark Ellison", "mark.ellison@riverside-homes.example", Role.referrer, HOUSING
        ),
        await person(
            "Dawn Fairweather",
            "dawn.fairweather@northshire-council.example",
            Role.referrer,
            COUNCIL,
        ),
    ]
    facilitators = [
        await person(name, email, Role.facilitator, SCHEME) for name, email in FACILITATORS
    ]
    return Cast(coordinator, referrers, facilitators)


async def _make_venues() -> None:
    """The five venues through the venue service, open weekday daytimes and evenings and
    Saturday mornings, and one closed for a week of repairs."""
    today = london_today()
    for index, (name, address, postcode, area, capacity, rooms, features) in enumerate(VENUES):
        venue = await venue_service.create(
            VenueIn(
                name=name,
                address=address,
                postcode=postcode,
                area=area,
                capacity=capacity,
                rooms=rooms,
                features=list(features),
                contact_phone=_phone(200 + index),
            )
        )
        closed = (
            [
                OneOffIn(
                    start=_at_day(today + timedelta(days=10), 0),
                    end=_at_day(today + timedelta(days=17), 0),
                    available=False,
                    note="Roof repairs",
                )
            ]
            if index == 3
            else []
        )
        await venue_service.replace_hours(
            venue["id"],
            AvailabilityIn(
                weekly=[
                    WeeklyWindowIn(
                        days=["MO", "TU", "WE", "TH", "FR"], starts=time(9), ends=time(21)
                    ),
                    WeeklyWindowIn(days=["SA"], starts=time(9), ends=time(13)),
                ],
                one_offs=closed,
            ),
        )


# (name index -> skills, languages, DBS months from now, areas, most a month, weekly times)
PROFILES: list[tuple[list[Skill], list[str], int, list[str], int, list[WeeklyWindowIn]]] = [
    (
        [Skill.lead, Skill.youth],
        ["en"],
        20,
        ["Millbrook", "Town Centre"],
        4,
        [WeeklyWindowIn(days=["TU", "TH"], starts=time(18), ends=time(21))],
    ),
    (
        [Skill.lead, Skill.hate_crime],
        ["en"],
        30,
        ["Eastgate"],
        3,
        [WeeklyWindowIn(days=["MO", "WE"], starts=time(10), ends=time(16))],
    ),
    (
        [Skill.lead],
        ["en", "cy"],
        14,
        ["Westfield", "Millbrook"],
        4,
        [WeeklyWindowIn(days=["TU", "WE", "TH"], starts=time(17, 30), ends=time(20, 30))],
    ),
    (
        [Skill.lead, Skill.youth],
        ["en", "bn"],
        26,
        ["Ashworth"],
        2,
        [WeeklyWindowIn(days=["SA"], starts=time(9), ends=time(13))],
    ),
    (
        [Skill.lead],
        ["en"],
        8,
        ["Town Centre"],
        5,
        [WeeklyWindowIn(days=["MO", "FR"], starts=time(18), ends=time(21))],
    ),
    (
        [Skill.co_facilitator],
        ["en"],
        18,
        ["Eastgate", "Ashworth"],
        3,
        [WeeklyWindowIn(days=["WE"], starts=time(18), ends=time(21))],
    ),
    (
        [Skill.co_facilitator, Skill.hate_crime],
        ["en", "gu"],
        22,
        ["Town Centre"],
        4,
        [WeeklyWindowIn(days=["TU", "TH"], starts=time(10), ends=time(15))],
    ),
    (
        [Skill.co_facilitator],
        ["en", "cy"],
        11,
        ["Westfield"],
        2,
        [WeeklyWindowIn(days=["MO", "TH"], starts=time(18), ends=time(20, 30))],
    ),
    (
        [Skill.co_facilitator, Skill.youth],
        ["en"],
        9,
        ["Millbrook"],
        3,
        [WeeklyWindowIn(days=["SA"], starts=time(10), ends=time(13))],
    ),
    # a check expiring within the month, and one already expired: the dashboard shows both
    (
        [Skill.co_facilitator],
        ["en", "yo"],
        0,
        ["Eastgate"],
        3,
        [WeeklyWindowIn(days=["FR"], starts=time(14), ends=time(18))],
    ),
    (
        [Skill.co_facilitator],
        ["en"],
        -2,
        ["Ashworth"],
        2,
        [WeeklyWindowIn(days=["WE", "FR"], starts=time(18), ends=time(20))],
    ),
    (
        [Skill.co_facilitator, Skill.hate_crime],
        ["en", "ur"],
        28,
        ["Town Centre", "Eastgate"],
        4,
        [WeeklyWindowIn(days=["TU"], starts=time(9), ends=time(17))],
    ),
]


async def _make_profiles(cast: Cast) -> None:
    today = london_today()
    for index, (person, (skills, languages, months, areas, most, weekly)) in enumerate(
        zip(cast.facilitators, PROFILES, strict=True)
    ):
        expires = today + timedelta(days=21) if months == 0 else today + timedelta(days=30 * months)
        conflicts = [{"kind": ConflictKind.street, "value": "Chapel Lane"}] if index == 2 else []
        profile = await facilitator_service.create(
            FacilitatorIn(
                user_id=person.id,
                skills=skills,
                languages=languages,
                dbs_expires_on=expires,
                areas=areas,
                max_panels_per_month=most,
                conflicts=[Conflict.model_validate(c) for c in conflicts],
                # A mobile for texts about their panels (drama range, like every number here).
                phone=_phone(300 + index),
            )
        )
        await availability_service.replace(
            Owner(facilitator=profile["id"]), AvailabilityIn(weekly=weekly), today
        )


def _at_day(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(day.astimezone(LONDON).date(), time(hour, minute), tzinfo=LONDON)
    return local.astimezone(day.tzinfo)


async def _walk(case_id: Any, stage: str, received: datetime, cast: Cast, lead: Actor) -> None:
    """Take one referral as far through the lifecycle as `stage` says, at believable times."""
    coordinator = cast.coordinator
    if stage.startswith("referred"):
        return
    triage = received + timedelta(hours=3)
    if stage == "rejected":
        await cases.transition(
            coordinator,
            case_id,
            TransitionIn(
                to=CaseStatus.rejected,
                reason="The person responsible does not accept what happened; "
                "suggest a community resolution instead.",
            ),
            now=triage,
        )
        return
    await cases.transition(
        coordinator,
        case_id,
        TransitionIn(to=CaseStatus.accepted, lead_facilitator_id=lead.id),
        now=triage,
    )
    if stage == "accepted":
        return
    # Read straight from the table: the loader is not a person viewing the case, so it
    # leaves no view in the access log.
    parties = (
        await Party.select(Party.id, Party.role)
        .where(Party.case == case_id)
        .order_by(Party.created_at)
    )
    contact = triage + timedelta(hours=20)
    for party in parties:
        await cases.record_contact_attempt(
            lead,
            case_id,
            party["id"],
            ContactAttemptIn(
                attempted_at=_at(contact, 18),
                method=ContactMethod.phone_call,
                outcome=ContactOutcome.spoke,
                notes="Explained how a panel works.",
            ),
            now=_at(contact, 18, 20),
        )
    if stage == "contacting":
        await cases.record_consent(
            lead,
            case_id,
            parties[0]["id"],
            ConsentIn(decision=ConsentDecision.given, method=ContactMethod.phone_call),
            now=_at(contact, 18, 30),
        )
        return
    consent_day = contact + timedelta(days=2)
    for party in parties:
        if party["role"] in {PartyRole.supporter, PartyRole.community_representative}:
            continue
        decision = ConsentDecision.given
        if stage == "closed_declined" and party["role"] == PartyRole.victim:
            decision = ConsentDecision.declined
        await cases.record_consent(
            lead,
            case_id,
            party["id"],
            ConsentIn(decision=decision, method=ContactMethod.in_person),
            now=_at(consent_day, 11),
        )
        if party["role"] == PartyRole.harm_causer:
            await cases.record_admission(
                lead,
                case_id,
                party["id"],
                AdmissionIn(admits=True, method=ContactMethod.in_person),
                now=_at(consent_day, 11, 5),
            )
    for party in parties:
        if party["role"] == PartyRole.community_representative:
            await cases.record_consent(
                lead,
                case_id,
                party["id"],
                ConsentIn(decision=ConsentDecision.given, method=ContactMethod.email),
                now=_at(consent_day, 15),
            )
    if stage == "contacting_withdrawn":
        victim = next(p for p in parties if p["role"] == PartyRole.victim)
        await cases.record_consent(
            lead,
            case_id,
            victim["id"],
            ConsentIn(decision=ConsentDecision.withdrawn, method=ContactMethod.phone_call),
            now=_at(consent_day + timedelta(days=1), 10),
        )
    if stage in {"ready", "scheduled"}:
        windows = await _times_that_work(case_id)
        for party in parties:
            await cases.set_availability(
                lead,
                case_id,
                party["id"],
                PartyAvailabilityIn(windows=windows),
                now=_at(consent_day, 16),
            )
    if stage == "scheduled":
        await _book_first_suggestion(coordinator, case_id)
    if stage.startswith("closed"):
        reason = (
            "The person harmed decided not to take part."
            if stage == "closed_declined"
            else "The person responsible moved out of the area."
        )
        await cases.transition(
            coordinator,
            case_id,
            TransitionIn(to=CaseStatus.closed, outcome=Outcome.not_proceeding, reason=reason),
            now=_at(consent_day + timedelta(days=3), 9),
        )


def _widened(assignment_start: datetime, assignment_end: datetime) -> Window:
    """From the whole hour before a panel to the whole hour after it: how people say when
    they can come ("from five till nine")."""
    hour = timedelta(hours=1)
    start = assignment_start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end = assignment_end.astimezone(UTC)
    if end.minute or end.second or end.microsecond:
        end = end.replace(minute=0, second=0, microsecond=0) + hour
    return Window(start=start - hour, end=end + hour)


async def _times_that_work(case_id: Any) -> list[Window]:
    """When the case's parties can come: around the first two times, on different days,
    at which the scheduling library finds a lead, a second facilitator and a venue that
    suit this case all free (their weekly times, less bank holidays, closures, time away
    and panels already booked)."""
    start = instances.horizon_from(utc_now()).start + OFFER_FROM
    region = await instances.region(
        [case_id], Interval(start, start + OFFER_FOR), parties_free=True
    )
    (panel,) = region.instance.panels
    windows: list[Window] = []
    earliest = start
    reasons: tuple[str, ...] = ()
    for _ in range(2):
        asked = dataclasses.replace(
            region.instance, panels=(dataclasses.replace(panel, earliest=earliest),)
        )
        found = suggest(asked, panel.id, 1)
        if not found.options:
            reasons = found.reasons
            break
        chosen = found.options[0].assignment
        windows.append(_widened(chosen.start, chosen.end))
        # The next time on another day: from the local midnight after this one.
        next_day = chosen.start.astimezone(LONDON).date() + timedelta(days=1)
        earliest = datetime.combine(next_day, time(0), tzinfo=LONDON)
    if not windows:
        raise DemoDataFailed(
            f"no time for a panel of {panel.duration_minutes} minutes (NJP_PANEL_MINUTES) "
            f"in the three weeks from {start.astimezone(LONDON):%-d %B %Y}: "
            f"{'; '.join(reasons)}"
        )
    return windows


async def _book_first_suggestion(coordinator: Actor, case_id: Any) -> None:
    found = await bookings.suggestions(coordinator, case_id)
    if not found["options"]:
        raise DemoDataFailed(f"no time for a panel ({'; '.join(found['reasons'])})")
    best = found["options"][0]
    await bookings.book(
        coordinator,
        case_id,
        BookingIn(
            start=best["start"],
            venue_id=best["venue"]["id"],
            facilitator_ids=[person["id"] for person in best["facilitators"]],
        ),
    )


async def _refuse_part_of_a_demo() -> None:
    """A database with the demo's scheme in it but fewer than its twenty cases (cases
    are never deleted) holds what a load that stopped part-way left, before loads were
    whole: say so, rather than let it be served as if it were the demo."""
    demo = await Organisation.exists().where(Organisation.name == SCHEME)
    if demo and await Case.count() < len(_referrals()):
        raise DemoDataFailed(
            "this database holds only part of the demo, left by a load that stopped "
            "part-way. It holds nothing else: delete it (var/njp.sqlite, unless "
            "DATABASE_URL names another) and load the demo again"
        )


async def load_demo_data(now: datetime | None = None) -> str:
    """Fill an empty database as of `now` (this moment unless given); returns what to
    tell the person who ran it. All of it in one transaction: DemoDataFailed, saying
    why, leaves the database as it was."""
    moment = now or utc_now()
    with running_from(moment):
        try:
            async with write_transaction():
                if await Organisation.count() > 0 or await Venue.count() > 0:
                    await _refuse_part_of_a_demo()
                    raise DatabaseNotEmpty()
                cast = await _fill(moment)
        except (DatabaseNotEmpty, DemoDataFailed, SettingsError):
            raise
        except Exception as problem:
            raise DemoDataFailed(f"{type(problem).__name__}: {problem}") from problem
    return "\n".join(
        [
            "Demo data loaded (fictional people; every phone number is in Ofcom's drama range).",
            f"Sign in as any of these, with the password {DEMO_PASSWORD!r}:",
            f"  coordinator  {cast.coordinator.email}",
            f"  facilitator  {cast.facilitators[0].email}",
            f"  referrer     {cast.referrers[0].email}",
            "These accounts are for demonstration only.",
        ]
    )


async def _fill(now: datetime) -> Cast:
    cast = await _make_organisations_and_people()
    await _make_venues()
    await _make_profiles(cast)
    hours = get_settings().first_contact_hours
    # Oldest first, so references run in the order the referrals arrived.
    referrals = sorted(_referrals(), key=lambda referral: -referral[0])
    for index, (days_ago, category, area, summary, parties, stage) in enumerate(referrals):
        received = _at(now - timedelta(days=days_ago), 9 + index % 8, 15)
        if received > now:
            received = now - timedelta(minutes=30)
        referrer = cast.referrers[index % len(cast.referrers)]
        case_id = await cases.refer(
            referrer,
            ReferralIn(
                offence_category=category,
                incident_date=(received - timedelta(days=6)).date(),
                summary=summary,
                area=area,
                admits_responsibility=True,
                parties=parties,
            ),
            hours,
            now=received,
        )
        lead = cast.facilitators[0] if index % 3 == 0 else cast.facilitators[1 + index % 11]
        await _walk(case_id, stage, received, cast, lead)
    return cast

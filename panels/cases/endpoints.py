"""HTTP routes for cases: referral, lists, reading, transitions, parties, consent,
admissions, contact attempts, availability, the timeline and the view log."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED

from panels.access import COORDINATORS, SIGNED_IN, Actor, allow
from panels.accounts.tables import Role
from panels.cases import service
from panels.cases.schemas import (
    AdmissionIn,
    CaseDetail,
    CaseListPage,
    CaseSummary,
    CaseSummaryPage,
    ConsentIn,
    ContactAttemptIn,
    PartyAvailabilityIn,
    PartyAvailabilityOut,
    PartyIn,
    PartyOut,
    ReferralIn,
    StatusChange,
    TimelineEntry,
    TransitionIn,
    ViewLogEntry,
)
from panels.cases.tables import CaseStatus
from panels.settings import Settings

REFERRERS = allow(Role.referrer, Role.coordinator)
CASE_WORKERS = allow(Role.coordinator, Role.facilitator)

CaseRead = CaseSummary | CaseDetail


async def _read(actor: Actor, case_id: FromPath[UUID], request: Request[Any, Any, Any]) -> CaseRead:
    row = await service.read_case(actor, case_id, request.url.path)
    if actor.role is Role.referrer:
        return CaseSummary.model_validate(row)
    return CaseDetail.model_validate(row)


@post("/", opt=REFERRERS, status_code=HTTP_201_CREATED)
async def refer_case(
    actor: NamedDependency[Actor],
    data: JSONBody[ReferralIn],
    settings: NamedDependency[Settings],
    request: Request[Any, Any, Any],
) -> CaseRead:
    """Refer a case. The answer is the case as the referrer may see it, with its reference."""
    case_id = await service.refer(actor, data, settings.first_contact_hours)
    return await _read(actor, case_id, request)


@get("/", opt=SIGNED_IN)
async def list_cases(
    actor: NamedDependency[Actor],
    status: Annotated[
        list[CaseStatus] | None, Parameter(description="Repeat to match any.")
    ] = None,
    organisation_id: FromQuery[UUID | None] = None,
    overdue: Annotated[
        bool | None, Parameter(description="Only cases whose first contact is overdue (or not).")
    ] = None,
    page: Annotated[int, Parameter(ge=1)] = 1,
    page_size: Annotated[int, Parameter(ge=1, le=service.MAX_PAGE_SIZE)] = 50,
) -> CaseSummaryPage | CaseListPage:
    """Cases in your scope: referrers see their organisation's, facilitators the ones they
    lead, coordinators all."""
    rows, total = await service.list_cases(
        actor,
        statuses=status,
        organisation_id=organisation_id,
        overdue=overdue,
        page=page,
        page_size=page_size,
    )
    shape = CaseSummaryPage if actor.role is Role.referrer else CaseListPage
    return shape.model_validate(
        {"items": rows, "total": total, "page": page, "page_size": page_size}
    )


@get("/{case_id:uuid}", opt=SIGNED_IN)
async def read_case(
    actor: NamedDependency[Actor], case_id: FromPath[UUID], request: Request[Any, Any, Any]
) -> CaseRead:
    """One case; referrers see status and outcome only. Every read is logged."""
    return await _read(actor, case_id, request)


@post("/{case_id:uuid}/transitions", opt=CASE_WORKERS, status_code=HTTP_201_CREATED)
async def move_case(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    data: JSONBody[TransitionIn],
    request: Request[Any, Any, Any],
) -> CaseRead:
    """Move the case to another status. A move the lifecycle does not allow is 409."""
    await service.transition(actor, case_id, data)
    return await _read(actor, case_id, request)


@get("/{case_id:uuid}/timeline", opt=SIGNED_IN)
async def timeline(
    actor: NamedDependency[Actor], case_id: FromPath[UUID], request: Request[Any, Any, Any]
) -> list[TimelineEntry] | list[StatusChange]:
    """Every change to the case; referrers see status changes only."""
    rows = await service.case_timeline(actor, case_id, request.url.path)
    if actor.role is Role.referrer:
        return [StatusChange.model_validate(row) for row in rows]
    return [TimelineEntry.model_validate(row) for row in rows]


@get("/{case_id:uuid}/views", opt=COORDINATORS)
async def view_log(actor: NamedDependency[Actor], case_id: FromPath[UUID]) -> list[ViewLogEntry]:
    """Who read this case's personal data, newest first."""
    return [ViewLogEntry.model_validate(row) for row in await service.case_views(actor, case_id)]


@post("/{case_id:uuid}/parties", opt=CASE_WORKERS, status_code=HTTP_201_CREATED)
async def add_party(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    data: JSONBody[PartyIn],
    request: Request[Any, Any, Any],
) -> PartyOut:
    party_id = await service.add_party(actor, case_id, data)
    detail = await service.read_case(actor, case_id, request.url.path)
    party = next(p for p in detail["parties"] if p["id"] == party_id)
    return PartyOut.model_validate(party)


@post(
    "/{case_id:uuid}/parties/{party_id:uuid}/consent",
    opt=CASE_WORKERS,
    status_code=HTTP_201_CREATED,
)
async def record_consent(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
    data: JSONBody[ConsentIn],
    request: Request[Any, Any, Any],
) -> CaseRead:
    """Append a consent entry (given, declined or withdrawn); the latest one counts."""
    await service.record_consent(actor, case_id, party_id, data)
    return await _read(actor, case_id, request)


@post(
    "/{case_id:uuid}/parties/{party_id:uuid}/admission",
    opt=CASE_WORKERS,
    status_code=HTTP_201_CREATED,
)
async def record_admission(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
    data: JSONBody[AdmissionIn],
    request: Request[Any, Any, Any],
) -> CaseRead:
    """Record the person responsible's admission, as confirmed in contact."""
    await service.record_admission(actor, case_id, party_id, data)
    return await _read(actor, case_id, request)


@post(
    "/{case_id:uuid}/parties/{party_id:uuid}/contact-attempts",
    opt=CASE_WORKERS,
    status_code=HTTP_201_CREATED,
)
async def record_contact_attempt(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
    data: JSONBody[ContactAttemptIn],
    request: Request[Any, Any, Any],
) -> CaseRead:
    """Record a contact attempt; the first one stops the first-contact clock."""
    await service.record_contact_attempt(actor, case_id, party_id, data)
    return await _read(actor, case_id, request)


@get("/{case_id:uuid}/parties/{party_id:uuid}/availability", opt=CASE_WORKERS)
async def read_availability(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
    request: Request[Any, Any, Any],
) -> PartyAvailabilityOut:
    windows = await service.availability(actor, case_id, party_id, request.url.path)
    return PartyAvailabilityOut(party_id=party_id, windows=windows)  # type: ignore[arg-type]


@put("/{case_id:uuid}/parties/{party_id:uuid}/availability", opt=CASE_WORKERS)
async def replace_availability(
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
    data: JSONBody[PartyAvailabilityIn],
) -> PartyAvailabilityOut:
    """Replace the party's availability with these windows (overlaps are merged)."""
    windows = await service.set_availability(actor, case_id, party_id, data)
    return PartyAvailabilityOut(party_id=party_id, windows=windows)  # type: ignore[arg-type]


router = Router(
    path="/cases",
    route_handlers=[
        refer_case,
        list_cases,
        read_case,
        move_case,
        timeline,
        view_log,
        add_party,
        record_consent,
        record_admission,
        record_contact_attempt,
        read_availability,
        replace_availability,
    ],
    tags=["cases"],
)

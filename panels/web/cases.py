"""Case pages: lists, referring a case, a case's page shaped by role, and the forms on it
(triage, contact attempts, consent, admission, availability, adding a person)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import SIGNED_IN, Actor, allow
from panels.accounts import service as accounts
from panels.accounts.tables import Role
from panels.bookings import service as bookings
from panels.cases import service
from panels.cases.schemas import (
    AdmissionIn,
    ConsentIn,
    ContactAttemptIn,
    PartyIn,
    ReferralIn,
    TransitionIn,
    Window,
)
from panels.cases.tables import CaseStatus
from panels.clock import utc_now
from panels.errors import DomainError, InvalidInput, NotFound, RuleBroken
from panels.facilitators import service as facilitator_profiles
from panels.settings import Settings, get_settings
from panels.tasks import service as tasks
from panels.web import outcomes, placements, texts
from panels.web.forms import (
    FormErrors,
    date_from,
    errors_from,
    moment_from,
    number,
    optional,
    posted,
    text,
)
from panels.web.rendering import page
from panels.web.timeline import describe

REFERRERS = allow(Role.referrer, Role.coordinator)
CASE_WORKERS = allow(Role.coordinator, Role.facilitator)
PAGE_SIZE = 25
MAX_PEOPLE = 12

DONE = {
    "accepted": "Case accepted and lead facilitator assigned",
    "rejected": "Referral not accepted; the referrer can see why",
    "closed": "Case closed",
    "moved": "Case updated",
    "contact": "Contact attempt recorded",
    "consent": "Consent recorded",
    "admission": "Admission recorded",
    "availability": "Availability updated",
    "person": "Person added",
    "booked": "Panel booked: everyone will be told",
    "moved-panel": "Panel moved: everyone will be told the new time",
    "cancelled-panel": "Panel cancelled: everyone will be told",
    "task": "Marked as done",
    "task-was-done": "That was already marked as done",
    **outcomes.DONE,
    **placements.DONE,
}

# The form's own words for what is missing or malformed (see forms.errors_from).
REFERRAL_MESSAGES = {
    "offence_category": "Select what kind of incident it was",
    "incident_date": "Enter the date of the incident as a real date, like 27 3 2026",
    "summary": "Describe what happened",
    "area": "Enter the area where it happened",
    "admits_responsibility": "Select whether the person responsible admits what they did",
    "parties-*-role": "Select who this person is",
    "parties-*-name": "Enter the person's name",
    "parties-*-email": "Enter an email address in the correct format, like name@example.org",
    "parties-*-language": "Select the language to contact them in",
    "parties-*-contact_preference": "Select how to contact them",
    "parties-*-date_of_birth": "Enter a real date of birth, like 14 5 2010",
}
REFERRAL_ANCHORS = {
    "incident_date": "incident_date-day",
    "parties": "parties-0-role",
    "parties-*": "parties-*-phone",
    "parties-*-date_of_birth": "parties-*-date_of_birth-day",
}
PARTY_MESSAGES = {
    key.removeprefix("parties-*-"): message
    for key, message in REFERRAL_MESSAGES.items()
    if key.startswith("parties-*-")
}
CASE_FORM_MESSAGES = {
    "lead_facilitator_id": "Select the lead facilitator",
    "reason": "Give a reason",
    "outcome": "Select the outcome",
    "method": "Select how you made contact",
    "outcome_contact": "Select what happened",
    "decision": "Select the person's decision",
    "admits": "Select whether they admit responsibility",
    "attempted_at": "Enter when you tried, as a date and a time like 14:30",
    "windows": "Enter a date, and a start and end time like 18:00 and 20:00",
}


# Lists --------------------------------------------------------------------------------


@get("/cases", opt=SIGNED_IN, include_in_schema=False)
async def cases_page(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    status: FromQuery[list[CaseStatus] | None] = None,
    organisation: FromQuery[UUID | None] = None,
    overdue: FromQuery[bool | None] = None,
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    rows, total = await service.list_cases(
        actor,
        statuses=status,
        organisation_id=organisation,
        overdue=overdue or None,
        page=page_number,
        page_size=PAGE_SIZE,
    )
    organisations = await accounts.list_organisations() if actor.is_coordinator else []
    pages = max(1, -(-total // PAGE_SIZE))
    return page(
        request,
        "cases.html",
        title="Cases" if actor.is_coordinator else "Your cases",
        cases=rows,
        total=total,
        page_number=page_number,
        pages=pages,
        filters={
            "status": [s.value for s in status or []],
            "organisation": organisation,
            "overdue": bool(overdue),
        },
        organisations={o["id"]: o["name"] for o in organisations},
        query=request.url.query,
        # A facilitator's home: what is left for them to do, above their cases.
        tasks=await tasks.open_tasks(actor) if actor.role is Role.facilitator else [],
    )


@get("/dashboard", opt=allow(Role.coordinator), include_in_schema=False)
async def dashboard_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor]
) -> Template:
    now = utc_now()
    triage, _ = await service.list_cases(
        actor, statuses=[CaseStatus.referred], page_size=service.MAX_PAGE_SIZE
    )
    watch, _ = await service.list_cases(
        actor, first_contact_due_before=now + timedelta(hours=12), page_size=service.MAX_PAGE_SIZE
    )
    counts = {}
    for status in CaseStatus:
        _, counts[status.value] = await service.list_cases(actor, statuses=[status], page_size=1)
    return page(
        request,
        "dashboard.html",
        title="Dashboard",
        triage=list(reversed(triage)),
        overdue=[case for case in watch if case["first_contact_overdue"]],
        due_soon=[case for case in watch if not case["first_contact_overdue"]],
        counts=counts,
        facilitators=await _facilitators(),
        organisations={o["id"]: o["name"] for o in await accounts.list_organisations()},
        dbs_attention=await facilitator_profiles.list_facilitators(dbs_expiring_within_days=30),
        tasks=await tasks.open_tasks(actor),
    )


async def _facilitators() -> list[dict[str, Any]]:
    return [u for u in await accounts.list_users() if u["role"] == Role.facilitator and u["active"]]


# Referring ----------------------------------------------------------------------------

NEW_PERSON = {"role": "", "language": "en", "contact_preference": "sms"}


def _referral_values(form: dict[str, Any]) -> dict[str, Any]:
    """What was typed, to show the form again."""
    count = min(max(number(form, "people", 2), 1), MAX_PEOPLE)
    people = []
    for index in range(count):
        prefix = f"parties-{index}-"
        person = {
            key.removeprefix(prefix): value for key, value in form.items() if key.startswith(prefix)
        }
        needs = form.get(f"{prefix}needs") or []
        person["needs"] = [needs] if isinstance(needs, str) else list(needs)
        people.append(person)
    values = {key: value for key, value in form.items() if not key.startswith("parties-")}
    values["parties"] = people
    return values


def _party_payload(values: dict[str, Any], form: dict[str, Any], prefix: str) -> dict[str, Any]:
    needs = set(values.get("needs") or [])
    date_of_birth = date_from(form, f"{prefix}date_of_birth")
    return {
        "role": text(values, "role") or None,
        "name": text(values, "name"),
        "phone": optional(values, "phone"),
        "email": optional(values, "email"),
        "language": text(values, "language") or "en",
        "contact_preference": text(values, "contact_preference") or None,
        "interpreter_language": optional(values, "interpreter_language"),
        "step_free_access": "step_free_access" in needs,
        "hearing_loop": "hearing_loop" in needs,
        "young_person": "young_person" in needs,
        "date_of_birth": date_of_birth,
        "safeguarding_notes": text(values, "safeguarding_notes"),
    }


def _referral_payload(values: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
    admits = text(values, "admits_responsibility")
    return {
        "offence_category": text(values, "offence_category") or None,
        "incident_date": date_from(form, "incident_date"),
        "summary": text(values, "summary"),
        "area": text(values, "area"),
        "admits_responsibility": {"yes": True, "no": False}.get(admits),
        "parties": [
            _party_payload(person, form, f"parties-{index}-")
            for index, person in enumerate(values["parties"])
        ],
    }


def _refer_page(
    request: Request[Any, Any, Any], values: dict[str, Any], errors: FormErrors | None = None
) -> Template:
    return page(
        request,
        "refer.html",
        status_code=400 if errors else 200,
        title="Refer a case",
        values=values,
        errors=errors,
        max_people=MAX_PEOPLE,
        first_contact_hours=get_settings().first_contact_hours,
    )


@get("/cases/new", opt=REFERRERS, include_in_schema=False)
async def refer_page(request: Request[Any, Any, Any]) -> Template:
    starting = [{**NEW_PERSON, "role": "victim"}, {**NEW_PERSON, "role": "harm_causer"}]
    return _refer_page(request, {"parties": starting})


@post("/cases/new", opt=REFERRERS, include_in_schema=False)
async def refer(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
) -> Template | Redirect:
    form = await posted(request)
    values = _referral_values(form)
    action = text(form, "action")
    if action == "add-person":
        if len(values["parties"]) < MAX_PEOPLE:
            values["parties"].append(dict(NEW_PERSON))
        return _refer_page(request, values)
    if action.startswith("remove-person-"):
        which = action.removeprefix("remove-person-")
        index = int(which) if which.isdigit() else -1
        if 0 <= index < len(values["parties"]) and len(values["parties"]) > 1:
            values["parties"].pop(index)
        return _refer_page(request, values)
    try:
        referral = ReferralIn.model_validate(_referral_payload(values, form))
        case_id = await service.refer(actor, referral, settings.first_contact_hours)
    except (ValidationError, DomainError) as problem:
        return _refer_page(
            request, values, errors_from(problem, REFERRAL_MESSAGES, REFERRAL_ANCHORS)
        )
    return Redirect(path=f"/cases/{case_id}/referred", status_code=303)


@get("/cases/{case_id:uuid}/referred", opt=REFERRERS, include_in_schema=False)
async def referred_page(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    case_id: FromPath[UUID],
) -> Template:
    case = await service.read_case(actor, case_id, request.url.path)
    return page(
        request,
        "referred.html",
        title="Referral sent",
        case=case,
        first_contact_hours=settings.first_contact_hours,
    )


# A case's page ------------------------------------------------------------------------


async def _case_page(
    request: Request[Any, Any, Any],
    actor: Actor,
    case_id: UUID,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    done: FromQuery[str | None] = None,
) -> Template:
    case, events = await service.case_page(actor, case_id, f"/cases/{case_id}")
    if actor.role is Role.referrer:
        return page(
            request, "case_referrer.html", title=case["reference"], case=case, events=events
        )
    timeline = [{**event, "sentence": describe(event, case)} for event in reversed(events)]
    after_panel = await outcomes.of_case(actor, case)
    actions = after_panel["agreement"]["actions"] if after_panel["agreement"] else []
    return page(
        request,
        "case.html",
        status_code=400 if errors else 200,
        title=case["reference"],
        case=case,
        timeline=timeline,
        errors=errors,
        values=values or {},
        done=DONE.get(done or ""),
        facilitators=await _facilitators() if actor.is_coordinator else [],
        panels=await bookings.panels_of_case(case_id),
        now=utc_now(),
        **await texts.of_case(case),
        **after_panel,
        **await placements.of_case(case, actions),
    )


@get("/cases/{case_id:uuid}", opt=SIGNED_IN, include_in_schema=False)
async def case_page(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    done: FromQuery[str | None] = None,
) -> Template:
    return await _case_page(request, actor, case_id, done=done)


def _back_to(case_id: UUID, done: str, anchor: str = "") -> Redirect:
    return Redirect(path=f"/cases/{case_id}?done={done}{anchor}", status_code=303)


async def _refused(
    request: Request[Any, Any, Any],
    actor: Actor,
    case_id: UUID,
    problem: ValidationError | DomainError,
    prefix: str,
    values: dict[str, Any],
    *,
    messages: dict[str, str] | None = None,
    anchors: dict[str, str] | None = None,
) -> Template:
    """Show the case again with this form's errors, each tied to the form's own fields:
    ids are `prefix-field`; `anchors` points a field's error at another input of the form
    (a date's day box), and an error about the whole form points at its button."""
    errors = FormErrors()
    for field, message in errors_from(problem, {**CASE_FORM_MESSAGES, **(messages or {})}).items:
        target = "submit" if field == "form" else (anchors or {}).get(field, field)
        errors.add(f"{prefix}-{target}", message)
    return await _case_page(request, actor, case_id, errors=errors, values=values)


async def _submitted(
    request: Request[Any, Any, Any], prefix: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The posted form, and what was typed keyed by the page's ids, to show it again."""
    form = await posted(request)
    return form, {f"{prefix}-{key}": value for key, value in form.items()}


@post("/cases/{case_id:uuid}/transitions", opt=CASE_WORKERS, include_in_schema=False)
async def move_case(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> Template | Redirect:
    form = await posted(request)
    target = text(form, "to")
    values = {f"{target}-{key}": value for key, value in form.items()}
    try:
        move = TransitionIn.model_validate(
            {
                "to": target,
                "lead_facilitator_id": optional(form, "lead_facilitator_id"),
                "reason": optional(form, "reason"),
                "outcome": optional(form, "outcome"),
            }
        )
        await service.transition(actor, case_id, move)
    except (ValidationError, DomainError) as problem:
        return await _refused(
            request,
            actor,
            case_id,
            problem,
            target,
            values,
            messages={"outcome": "Select the outcome the case closes with"},
        )
    return _back_to(case_id, target if target in {"accepted", "rejected", "closed"} else "moved")


PartyRecord = Callable[[Actor, UUID, UUID, Any], Awaitable[Any]]


async def _record_for_party(
    request: Request[Any, Any, Any],
    actor: Actor,
    case_id: UUID,
    party_id: UUID,
    *,
    name: str,
    build: Callable[[dict[str, Any]], Any],
    record: PartyRecord,
    messages: dict[str, str] | None = None,
    anchors: dict[str, str] | None = None,
) -> Template | Redirect:
    """One of the forms on a person's card: read it, record it, and go back to the card
    (or show the case again with what to fix)."""
    prefix = f"{name}-{party_id}"
    form, values = await _submitted(request, prefix)
    try:
        await record(actor, case_id, party_id, build(form))
    except (ValidationError, DomainError) as problem:
        return await _refused(
            request, actor, case_id, problem, prefix, values, messages=messages, anchors=anchors
        )
    return _back_to(case_id, name, f"#party-{party_id}")


def _contact_attempt(form: dict[str, Any]) -> ContactAttemptIn:
    return ContactAttemptIn.model_validate(
        {
            "attempted_at": moment_from(form, "attempted_at"),
            "method": text(form, "method") or None,
            "outcome": text(form, "outcome") or None,
            "notes": text(form, "notes"),
        }
    )


def _consent(form: dict[str, Any]) -> ConsentIn:
    return ConsentIn.model_validate(
        {"decision": text(form, "decision") or None, "method": text(form, "method") or None}
    )


def _admission(form: dict[str, Any]) -> AdmissionIn:
    return AdmissionIn.model_validate(
        {
            "admits": {"yes": True, "no": False}.get(text(form, "admits")),
            "method": text(form, "method") or None,
        }
    )


PARTY_FORM = "/cases/{case_id:uuid}/parties/{party_id:uuid}"


@post(f"{PARTY_FORM}/contact-attempts", opt=CASE_WORKERS, include_in_schema=False)
async def record_contact_attempt(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
) -> Template | Redirect:
    return await _record_for_party(
        request,
        actor,
        case_id,
        party_id,
        name="contact",
        build=_contact_attempt,
        record=service.record_contact_attempt,
        messages={"outcome": "Select what happened"},
        anchors={"attempted_at": "attempted_at-day"},
    )


@post(f"{PARTY_FORM}/consent", opt=CASE_WORKERS, include_in_schema=False)
async def record_consent(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
) -> Template | Redirect:
    return await _record_for_party(
        request,
        actor,
        case_id,
        party_id,
        name="consent",
        build=_consent,
        record=service.record_consent,
    )


@post(f"{PARTY_FORM}/admission", opt=CASE_WORKERS, include_in_schema=False)
async def record_admission(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
) -> Template | Redirect:
    return await _record_for_party(
        request,
        actor,
        case_id,
        party_id,
        name="admission",
        build=_admission,
        record=service.record_admission,
    )


async def _edit_availability(
    actor: Actor, case_id: UUID, party_id: UUID, form: dict[str, Any]
) -> None:
    """Add the window typed (a date, a start and an end time), or remove the one whose
    start was posted."""
    remove = text(form, "remove")
    if remove:
        try:
            starting = datetime.fromisoformat(remove)
        except ValueError:
            raise InvalidInput(
                "That time could not be found; it may have been removed already."
            ) from None
        await service.edit_availability(actor, case_id, party_id, remove_starting=starting)
        return
    window = Window.model_validate(
        {"start": moment_from(form, "on", "from"), "end": moment_from(form, "on", "to")}
    )
    await service.edit_availability(actor, case_id, party_id, add=window)


@post(f"{PARTY_FORM}/availability", opt=CASE_WORKERS, include_in_schema=False)
async def change_availability(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    party_id: FromPath[UUID],
) -> Template | Redirect:
    return await _record_for_party(
        request,
        actor,
        case_id,
        party_id,
        name="availability",
        build=lambda form: form,
        record=_edit_availability,
        # one window is added at a time: every problem with it is shown at its date
        anchors={"": "on-day", "start": "on-day", "end": "on-day", "windows": "on-day"},
    )


@post("/cases/{case_id:uuid}/parties", opt=CASE_WORKERS, include_in_schema=False)
async def add_person(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> Template | Redirect:
    form, values = await _submitted(request, "person")
    try:
        await service.add_party(
            actor, case_id, PartyIn.model_validate(_party_payload(form, form, ""))
        )
    except (ValidationError, DomainError) as problem:
        return await _refused(
            request,
            actor,
            case_id,
            problem,
            "person",
            values,
            messages=PARTY_MESSAGES,
            anchors={"": "phone", "date_of_birth": "date_of_birth-day"},
        )
    return _back_to(case_id, "person", "#people")


@post("/cases/{case_id:uuid}/tasks/{task_id:int}/done", opt=CASE_WORKERS, include_in_schema=False)
async def mark_task_done(
    actor: NamedDependency[Actor], case_id: FromPath[UUID], task_id: FromPath[int]
) -> Redirect:
    # Only a task of this case: the address says which case's page to go back to.
    if task_id not in {task["id"] for task in await tasks.tasks_of_case(case_id)}:
        raise NotFound("No such task.")
    try:
        await tasks.mark_done(actor, task_id)
    except RuleBroken as problem:
        if problem.rule != "task_done":
            raise
        # Someone else (or a second click) got there first: it is done either way.
        return _back_to(case_id, "task-was-done", "#things-to-do")
    return _back_to(case_id, "task", "#things-to-do")


ROUTES = [
    cases_page,
    dashboard_page,
    refer_page,
    refer,
    referred_page,
    case_page,
    move_case,
    record_contact_attempt,
    record_consent,
    record_admission,
    change_availability,
    add_person,
    mark_task_done,
]

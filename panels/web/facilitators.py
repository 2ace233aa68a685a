"""Pages for facilitators' profiles and availability: coordinators manage everyone's;
a facilitator keeps their own times, imports their own calendar and copies their feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import COORDINATORS, Actor, allow
from panels.accounts import service as accounts
from panels.accounts.tables import Role
from panels.availability import service as availability
from panels.availability.service import Owner
from panels.calendars import feeds
from panels.errors import DomainError, NotFound
from panels.facilitators import service
from panels.facilitators.schemas import CalendarIn, FacilitatorChange, FacilitatorIn
from panels.facilitators.tables import ConflictKind
from panels.web import availability as forms_for_times
from panels.web.forms import FormErrors, date_from, errors_from, number, optional, posted, text
from panels.web.rendering import page

STAFF = allow(Role.coordinator, Role.facilitator)
FacilitatorId = FromPath[UUID]

DONE = {
    "created": "Profile created",
    "saved": "Profile saved",
    "times": "Times saved",
    "calendar": "Calendar saved",
    "feed": "New calendar link made: the old one no longer works",
}
PROFILE_MESSAGES = {
    "dbs_expires_on": "Enter the date the DBS check expires as a real date, like 31 3 2028",
    "max_panels_per_month": "Enter a number of panels a month, from 0 to 31",
    "languages": "Enter languages as two or three letter codes separated by commas, like en, cy",
}


def _lines(raw: Any) -> list[str]:
    return [line.strip() for line in str(raw or "").replace(",", "\n").splitlines() if line.strip()]


@get("/facilitators", opt=COORDINATORS, include_in_schema=False)
async def facilitators_page(request: Request[Any, Any, Any]) -> Template:
    profiles = await service.list_facilitators()
    with_profile = {row["user_id"] for row in profiles}
    without = [
        user
        for user in await accounts.list_users()
        if user["role"] == Role.facilitator and user["active"] and user["id"] not in with_profile
    ]
    return page(
        request, "facilitators.html", title="Facilitators", profiles=profiles, without=without
    )


@post("/facilitators", opt=COORDINATORS, include_in_schema=False)
async def create_profile(request: Request[Any, Any, Any]) -> Redirect:
    form = await posted(request)
    created = await service.create(FacilitatorIn.model_validate({"user_id": text(form, "user_id")}))
    return Redirect(path=f"/facilitators/{created['id']}?done=created", status_code=303)


async def _profile_page(
    request: Request[Any, Any, Any],
    actor: Actor,
    facilitator_id: UUID,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    done: str | None = None,
) -> Template:
    profile = await service.read(actor, facilitator_id)
    conflicts = {
        kind.value: [c["value"] for c in profile["conflicts"] if c["kind"] == kind]
        for kind in ConflictKind
    }
    return page(
        request,
        "facilitator.html",
        status_code=400 if errors else 200,
        title=profile["name"],
        profile=profile,
        conflicts=conflicts,
        errors=errors,
        values=values or {},
        done=DONE.get(done or ""),
    )


@get("/facilitators/{facilitator_id:uuid}", opt=STAFF, include_in_schema=False)
async def profile_page(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    facilitator_id: FacilitatorId,
    done: FromQuery[str | None] = None,
) -> Template:
    return await _profile_page(request, actor, facilitator_id, done=done)


@post("/facilitators/{facilitator_id:uuid}", opt=STAFF, include_in_schema=False)
async def save_profile(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], facilitator_id: FacilitatorId
) -> Template | Redirect:
    form = await posted(request)
    change: dict[str, Any] = {
        "languages": _lines(form.get("languages")),
        "areas": _lines(form.get("areas")),
        "max_panels_per_month": number(form, "max_panels_per_month", -1),
        "works_bank_holidays": text(form, "works_bank_holidays") == "yes",
        # Left empty: no texts about their panels.
        "phone": optional(form, "phone"),
        "conflicts": [
            {"kind": kind.value, "value": value}
            for kind in ConflictKind
            for value in _lines(form.get(f"conflicts-{kind.value}"))
        ],
    }
    if actor.is_coordinator:
        skills = form.get("skills") or []
        change["skills"] = [skills] if isinstance(skills, str) else list(skills)
        change["dbs_expires_on"] = date_from(form, "dbs_expires_on")
    try:
        await service.change(actor, facilitator_id, FacilitatorChange.model_validate(change))
    except (ValidationError, DomainError) as problem:
        errors = errors_from(problem, PROFILE_MESSAGES, {"dbs_expires_on": "dbs_expires_on-day"})
        return await _profile_page(request, actor, facilitator_id, errors=errors, values=form)
    return Redirect(path=f"/facilitators/{facilitator_id}?done=saved", status_code=303)


# Availability --------------------------------------------------------------------------


@get("/availability", opt=allow(Role.facilitator), include_in_schema=False)
async def my_availability(actor: NamedDependency[Actor]) -> Redirect:
    mine = await service.profile_of_user(actor.id)
    if mine is None:
        raise NotFound("You do not have a facilitator profile yet; ask your coordinator.")
    return Redirect(path=f"/facilitators/{mine}/availability", status_code=303)


async def _availability_page(
    request: Request[Any, Any, Any],
    actor: Actor,
    facilitator_id: UUID,
    *,
    month: str | None = None,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    done: str | None = None,
) -> Template:
    profile = await service.read(actor, facilitator_id)
    shown = forms_for_times.parse_month(month)
    start, end = forms_for_times.month_bounds(shown)
    free = await service.free_time(actor, facilitator_id, start, end)
    stored = await availability.read(Owner(facilitator=facilitator_id))
    return page(
        request,
        "availability.html",
        status_code=400 if errors else 200,
        title=f"Availability: {profile['name']}" if actor.is_coordinator else "Your availability",
        profile=profile,
        weekly=[{**row, "words": forms_for_times.describe_weekly(row)} for row in stored["weekly"]],
        one_offs=stored["one_offs"],
        month=shown,
        previous_month=(shown - timedelta(days=1)).replace(day=1),
        next_month=(shown + timedelta(days=32)).replace(day=1),
        weeks=forms_for_times.month_grid(shown),
        free=forms_for_times.by_day(free),
        feed=await feeds.link("facilitator", facilitator_id),
        base=f"/facilitators/{facilitator_id}",
        errors=errors,
        values=values or {},
        done=DONE.get(done or ""),
    )


@get("/facilitators/{facilitator_id:uuid}/availability", opt=STAFF, include_in_schema=False)
async def availability_page(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    facilitator_id: FacilitatorId,
    month: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
) -> Template:
    return await _availability_page(request, actor, facilitator_id, month=month, done=done)


@post("/facilitators/{facilitator_id:uuid}/availability", opt=STAFF, include_in_schema=False)
async def change_availability(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], facilitator_id: FacilitatorId
) -> Template | Redirect:
    await service.read(actor, facilitator_id)  # theirs, or a coordinator's to change
    form = await posted(request)
    errors = await forms_for_times.change(Owner(facilitator=facilitator_id), form)
    if errors:
        values = {f"{text(form, 'form')}-{key}": value for key, value in form.items()}
        return await _availability_page(
            request, actor, facilitator_id, errors=errors, values=values
        )
    return Redirect(path=f"/facilitators/{facilitator_id}/availability?done=times", status_code=303)


@post("/facilitators/{facilitator_id:uuid}/calendar", opt=STAFF, include_in_schema=False)
async def set_calendar(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], facilitator_id: FacilitatorId
) -> Template | Redirect:
    form = await request.form()
    upload = form.get("file")
    data: dict[str, Any] = {}
    if text(form, "stop") != "yes":
        if isinstance(upload, UploadFile) and upload.filename:
            data["ics"] = (await upload.read()).decode("utf-8", errors="replace")
        elif text(form, "url"):
            data["url"] = text(form, "url")
    try:
        await service.set_calendar(actor, facilitator_id, CalendarIn.model_validate(data))
    except (ValidationError, DomainError) as problem:
        errors = errors_from(
            problem, {}, {"": "calendar-url", "ics": "calendar-file", "url": "calendar-url"}
        )
        return await _availability_page(
            request,
            actor,
            facilitator_id,
            errors=errors,
            values={"calendar-url": text(form, "url")},
        )
    return Redirect(
        path=f"/facilitators/{facilitator_id}/availability?done=calendar", status_code=303
    )


@post("/facilitators/{facilitator_id:uuid}/feed", opt=STAFF, include_in_schema=False)
async def renew_feed(actor: NamedDependency[Actor], facilitator_id: FacilitatorId) -> Redirect:
    await service.read(actor, facilitator_id)
    await feeds.renew("facilitator", facilitator_id)
    return Redirect(path=f"/facilitators/{facilitator_id}/availability?done=feed", status_code=303)


ROUTES = [
    facilitators_page,
    create_profile,
    profile_page,
    save_profile,
    my_availability,
    availability_page,
    change_availability,
    set_calendar,
    renew_feed,
]

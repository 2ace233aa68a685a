"""Pages for the support services directory: staff search it on a phone for the service
that fits someone after a panel; coordinators add services and keep them up to date."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.errors import DomainError
from panels.support import service
from panels.support.schemas import MAX_AREAS, SupportServiceChange, SupportServiceIn
from panels.support.tables import SupportCategory
from panels.web import wording
from panels.web.forms import FormErrors, errors_from, optional, posted, text
from panels.web.rendering import option_items, page

STAFF = allow(Role.coordinator, Role.facilitator)
ServiceId = FromPath[UUID]

DONE = {"created": "Service added", "saved": "Service saved"}
SERVICE_MESSAGES = {
    "name": "Enter the service's name",
    "category": "Select the kind of help it gives",
    "offers": "Enter what the service offers",
    "eligibility": "Enter who can use the service",
    "how_to_refer": "Enter how to refer someone, like a phone number or email address",
    "areas": f"Enter up to {MAX_AREAS} areas, or leave it empty if it covers every area",
    "areas-*": "Enter each area's name in 100 characters or fewer, one on each line",
}
# Every problem with one of the areas sends people to the box they type them all in.
ANCHORS = {"areas-*": "areas"}


def _category(raw: str | None) -> SupportCategory | None:
    """The kind of help searched for; anything else (a mangled address) means any kind."""
    try:
        return SupportCategory(raw) if raw else None
    except ValueError:
        return None


def _areas(raw: Any) -> list[str]:
    """One area a line (or separated by commas), as the form's box takes them."""
    return [line.strip() for line in str(raw or "").replace(",", "\n").splitlines() if line.strip()]


def _service_fields(form: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": text(form, "name"),
        "category": text(form, "category"),
        "offers": text(form, "offers"),
        "eligibility": text(form, "eligibility"),
        "how_to_refer": text(form, "how_to_refer"),
        "phone": optional(form, "phone"),
        "email": optional(form, "email"),
        "website": optional(form, "website"),
        "areas": _areas(form.get("areas")),
        "active": text(form, "active") != "no",
    }


def _form_values(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored service as its form shows it: the areas one a line."""
    return {**stored, "areas": "\n".join(stored["areas"])}


@get("/support-services", opt=STAFF, include_in_schema=False)
async def services_page(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    area: FromQuery[str | None] = None,
    include_inactive: FromQuery[str | None] = None,
) -> Template:
    kind = _category(category)
    everything = actor.is_coordinator and include_inactive == "yes"
    words = (q or "").strip()[:200]
    where = (area or "").strip()[:100]
    services = await service.search(
        category=kind, area=where, words=words, include_inactive=everything
    )
    areas = await service.areas_named()
    if where and where.casefold() not in {known.casefold() for known in areas}:
        areas.append(where)
    return page(
        request,
        "support_services.html",
        title="Support services",
        services=services,
        categories=wording.SUPPORT_CATEGORY,
        category_items=option_items("support_category", kind, "Any kind of help"),
        area_items=[{"value": "", "text": "Any area"}]
        + [
            {"value": name, "text": name, "selected": name.casefold() == where.casefold()}
            for name in areas
        ],
        filters={"q": words, "category": kind, "area": where, "include_inactive": everything},
        searched=bool(words or kind or where),
    )


@get("/support-services/new", opt=COORDINATORS, include_in_schema=False)
async def new_service_page(request: Request[Any, Any, Any]) -> Template:
    return page(
        request,
        "support_service.html",
        title="Add a support service",
        service=None,
        values={"active": True},
        category_items=option_items("support_category"),
    )


@post("/support-services/new", opt=COORDINATORS, include_in_schema=False)
async def add_service(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await posted(request)
    try:
        created = await service.create(SupportServiceIn.model_validate(_service_fields(form)))
    except (ValidationError, DomainError) as problem:
        return page(
            request,
            "support_service.html",
            status_code=400,
            title="Add a support service",
            service=None,
            values=form,
            category_items=option_items("support_category", text(form, "category")),
            errors=errors_from(problem, SERVICE_MESSAGES, ANCHORS),
        )
    return Redirect(path=f"/support-services/{created['id']}?done=created", status_code=303)


async def _service_page(
    request: Request[Any, Any, Any],
    service_id: UUID,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    done: str | None = None,
) -> Template:
    stored = await service.read(service_id)
    shown = values or _form_values(stored)
    return page(
        request,
        "support_service.html",
        status_code=400 if errors else 200,
        title=stored["name"],
        service=stored,
        categories=wording.SUPPORT_CATEGORY,
        values=shown,
        category_items=option_items("support_category", shown.get("category")),
        errors=errors,
        done=DONE.get(done or ""),
    )


@get("/support-services/{service_id:uuid}", opt=STAFF, include_in_schema=False)
async def service_page(
    request: Request[Any, Any, Any], service_id: ServiceId, done: FromQuery[str | None] = None
) -> Template:
    return await _service_page(request, service_id, done=done)


@post("/support-services/{service_id:uuid}", opt=COORDINATORS, include_in_schema=False)
async def save_service(
    request: Request[Any, Any, Any], service_id: ServiceId
) -> Template | Redirect:
    form = await posted(request)
    try:
        await service.change(service_id, SupportServiceChange.model_validate(_service_fields(form)))
    except (ValidationError, DomainError) as problem:
        return await _service_page(
            request,
            service_id,
            errors=errors_from(problem, SERVICE_MESSAGES, ANCHORS),
            values=form,
        )
    return Redirect(path=f"/support-services/{service_id}?done=saved", status_code=303)


ROUTES = [services_page, new_service_page, add_service, service_page, save_service]

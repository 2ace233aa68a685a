"""Pages for coordinators to keep venues: their details, opening hours and closures, and
a week at a glance."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import COORDINATORS
from panels.availability import service as availability
from panels.availability.service import Owner
from panels.calendars import feeds
from panels.clock import LONDON, london_today
from panels.errors import DomainError
from panels.venues import service
from panels.venues.schemas import VenueChange, VenueIn
from panels.web import availability as forms_for_times
from panels.web.forms import FormErrors, errors_from, number, optional, posted, text
from panels.web.rendering import page

VenueId = FromPath[UUID]
DONE = {
    "created": "Venue added",
    "saved": "Venue saved",
    "times": "Opening times saved",
    "feed": "New calendar link made: the old one no longer works",
}
VENUE_MESSAGES = {
    "name": "Enter the venue's name",
    "address": "Enter the address",
    "postcode": "Enter the postcode",
    "area": "Enter the area, for example Millbrook",
    "capacity": "Enter how many people fit, from 2 to 500",
    "rooms": "Enter how many rooms there are, 1 or more",
    "contact_email": "Enter an email address in the correct format, like name@example.org",
    "setup_minutes": "Enter minutes to set up, from 0 to 240",
    "cleardown_minutes": "Enter minutes to clear down, from 0 to 240",
}


def _venue_fields(form: dict[str, Any]) -> dict[str, Any]:
    features = form.get("features") or []
    return {
        "name": text(form, "name"),
        "address": text(form, "address"),
        "postcode": text(form, "postcode").upper(),
        "area": text(form, "area"),
        "capacity": number(form, "capacity", 0),
        "rooms": number(form, "rooms", 0),
        "features": [features] if isinstance(features, str) else list(features),
        "contact_name": text(form, "contact_name"),
        "contact_phone": optional(form, "contact_phone"),
        "contact_email": optional(form, "contact_email"),
        "setup_minutes": number(form, "setup_minutes", -1),
        "cleardown_minutes": number(form, "cleardown_minutes", -1),
        "opens_on_bank_holidays": text(form, "opens_on_bank_holidays") == "yes",
        "active": text(form, "active") != "no",
    }


@get("/venues", opt=COORDINATORS, include_in_schema=False)
async def venues_page(
    request: Request[Any, Any, Any], done: FromQuery[str | None] = None
) -> Template:
    return page(
        request,
        "venues.html",
        title="Venues",
        venues=await service.list_venues(),
        done=DONE.get(done or ""),
    )


@get("/venues/new", opt=COORDINATORS, include_in_schema=False)
async def new_venue_page(request: Request[Any, Any, Any]) -> Template:
    defaults = {"rooms": 1, "setup_minutes": 15, "cleardown_minutes": 15, "active": True}
    return page(request, "venue_new.html", title="Add a venue", values=defaults)


@post("/venues/new", opt=COORDINATORS, include_in_schema=False)
async def create_venue(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await posted(request)
    fields = _venue_fields(form)
    try:
        created = await service.create(VenueIn.model_validate(fields))
    except (ValidationError, DomainError) as problem:
        return page(
            request,
            "venue_new.html",
            status_code=400,
            title="Add a venue",
            values={**form, "features": fields["features"]},
            errors=errors_from(problem, VENUE_MESSAGES),
        )
    return Redirect(path=f"/venues/{created['id']}?done=created", status_code=303)


def _week_of(raw: str | None) -> date:
    """The Monday of the week asked for (?week=2027-03-22), or of this week."""
    try:
        day = date.fromisoformat(raw) if raw else london_today()
    except ValueError:
        day = london_today()
    return day - timedelta(days=day.weekday())


async def _venue_page(
    request: Request[Any, Any, Any],
    venue_id: UUID,
    *,
    week: str | None = None,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    done: str | None = None,
) -> Template:
    venue = await service.read(venue_id)
    monday = _week_of(week)
    start = datetime.combine(monday, time(0), tzinfo=LONDON)
    free = await service.free_time(venue_id, start, start + timedelta(days=7))
    stored = await availability.read(Owner(venue=venue_id))
    return page(
        request,
        "venue.html",
        status_code=400 if errors else 200,
        title=venue["name"],
        venue=venue,
        values=values or venue,
        weekly=[{**row, "words": forms_for_times.describe_weekly(row)} for row in stored["weekly"]],
        one_offs=stored["one_offs"],
        days=[monday + timedelta(days=n) for n in range(7)],
        open_times=forms_for_times.by_day(free),
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        feed=await feeds.link("venue", venue_id),
        base=f"/venues/{venue_id}",
        errors=errors,
        done=DONE.get(done or ""),
    )


@get("/venues/{venue_id:uuid}", opt=COORDINATORS, include_in_schema=False)
async def venue_page(
    request: Request[Any, Any, Any],
    venue_id: VenueId,
    week: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
) -> Template:
    return await _venue_page(request, venue_id, week=week, done=done)


@post("/venues/{venue_id:uuid}", opt=COORDINATORS, include_in_schema=False)
async def save_venue(request: Request[Any, Any, Any], venue_id: VenueId) -> Template | Redirect:
    form = await posted(request)
    fields = _venue_fields(form)
    try:
        await service.change(venue_id, VenueChange.model_validate(fields))
    except (ValidationError, DomainError) as problem:
        return await _venue_page(
            request,
            venue_id,
            errors=errors_from(problem, VENUE_MESSAGES),
            values={**form, "features": fields["features"]},
        )
    return Redirect(path=f"/venues/{venue_id}?done=saved", status_code=303)


@post("/venues/{venue_id:uuid}/hours", opt=COORDINATORS, include_in_schema=False)
async def change_hours(request: Request[Any, Any, Any], venue_id: VenueId) -> Template | Redirect:
    await service.read(venue_id)
    form = await posted(request)
    errors = await forms_for_times.change(Owner(venue=venue_id), form)
    if errors:
        values = {f"{text(form, 'form')}-{key}": value for key, value in form.items()}
        venue = await service.read(venue_id)
        return await _venue_page(request, venue_id, errors=errors, values={**venue, **values})
    return Redirect(path=f"/venues/{venue_id}?done=times", status_code=303)


@post("/venues/{venue_id:uuid}/feed", opt=COORDINATORS, include_in_schema=False)
async def renew_feed(venue_id: VenueId) -> Redirect:
    await service.read(venue_id)
    await feeds.renew("venue", venue_id)
    return Redirect(path=f"/venues/{venue_id}?done=feed", status_code=303)


ROUTES = [
    venues_page,
    new_venue_page,
    create_venue,
    venue_page,
    save_venue,
    change_hours,
    renew_feed,
]

"""HTTP routes for facilitator profiles, their availability, free time, own calendar and
subscription feed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Router, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.availability.schemas import AvailabilityIn, AvailabilityOut, FreeTime
from panels.calendars import feeds
from panels.facilitators import service
from panels.facilitators.schemas import (
    CalendarIn,
    FacilitatorChange,
    FacilitatorIn,
    FacilitatorOut,
    FeedLink,
)

STAFF = allow(Role.coordinator, Role.facilitator)
FacilitatorId = FromPath[UUID]


@get("/", opt=COORDINATORS)
async def list_facilitators(
    dbs_expiring_within_days: Annotated[
        int | None,
        QueryParameter(ge=0, le=365, description="Only checks expired or expiring this soon."),
    ] = None,
) -> list[FacilitatorOut]:
    rows = await service.list_facilitators(dbs_expiring_within_days=dbs_expiring_within_days)
    return [FacilitatorOut.model_validate(row) for row in rows]


@post("/", opt=COORDINATORS, status_code=HTTP_201_CREATED)
async def create_facilitator(data: JSONBody[FacilitatorIn]) -> FacilitatorOut:
    """Give a facilitator user their volunteer profile."""
    return FacilitatorOut.model_validate(await service.create(data))


@get("/{facilitator_id:uuid}", opt=STAFF)
async def read_facilitator(
    actor: NamedDependency[Actor], facilitator_id: FacilitatorId
) -> FacilitatorOut:
    """Coordinators see everyone; a facilitator sees their own profile."""
    return FacilitatorOut.model_validate(await service.read(actor, facilitator_id))


@patch("/{facilitator_id:uuid}", opt=STAFF)
async def change_facilitator(
    actor: NamedDependency[Actor],
    facilitator_id: FacilitatorId,
    data: JSONBody[FacilitatorChange],
) -> FacilitatorOut:
    """A facilitator changes their own languages, areas, load and conflicts; training and
    the DBS check are a coordinator's to record."""
    return FacilitatorOut.model_validate(await service.change(actor, facilitator_id, data))


@get("/{facilitator_id:uuid}/availability", opt=STAFF)
async def read_availability(
    actor: NamedDependency[Actor], facilitator_id: FacilitatorId
) -> AvailabilityOut:
    return AvailabilityOut.model_validate(await service.read_availability(actor, facilitator_id))


@put("/{facilitator_id:uuid}/availability", opt=STAFF)
async def replace_availability(
    actor: NamedDependency[Actor],
    facilitator_id: FacilitatorId,
    data: JSONBody[AvailabilityIn],
) -> AvailabilityOut:
    """Replace the weekly pattern (London times) and one-off windows."""
    return AvailabilityOut.model_validate(
        await service.replace_availability(actor, facilitator_id, data)
    )


@get("/{facilitator_id:uuid}/free", opt=STAFF)
async def free_time(
    actor: NamedDependency[Actor],
    facilitator_id: FacilitatorId,
    start: FromQuery[datetime],
    end: FromQuery[datetime],
) -> FreeTime:
    """When they are free between start and end: pattern and one-offs, less bank
    holidays, their own calendar's busy times, and any time after their DBS check."""
    windows = await service.free_time(actor, facilitator_id, start, end)
    return FreeTime.model_validate(
        {"start": start, "end": end, "windows": [{"start": w.start, "end": w.end} for w in windows]}
    )


@put("/{facilitator_id:uuid}/calendar", opt=STAFF)
async def set_calendar(
    actor: NamedDependency[Actor], facilitator_id: FacilitatorId, data: JSONBody[CalendarIn]
) -> FacilitatorOut:
    """Their own calendar (a feed address, or an .ics file's text), whose busy times
    block panels. An empty body stops using one."""
    return FacilitatorOut.model_validate(await service.set_calendar(actor, facilitator_id, data))


@get("/{facilitator_id:uuid}/feed", opt=STAFF)
async def feed_link(actor: NamedDependency[Actor], facilitator_id: FacilitatorId) -> FeedLink:
    """The private address to subscribe to their panels in a calendar app."""
    await service.read(actor, facilitator_id)
    return FeedLink(url=await feeds.link("facilitator", facilitator_id))


@post("/{facilitator_id:uuid}/feed", opt=STAFF, status_code=HTTP_201_CREATED)
async def renew_feed_link(actor: NamedDependency[Actor], facilitator_id: FacilitatorId) -> FeedLink:
    """A new private address; the old one stops working."""
    await service.read(actor, facilitator_id)
    return FeedLink(url=await feeds.renew("facilitator", facilitator_id))


router = Router(
    path="/facilitators",
    route_handlers=[
        list_facilitators,
        create_facilitator,
        read_facilitator,
        change_facilitator,
        read_availability,
        replace_availability,
        free_time,
        set_calendar,
        feed_link,
        renew_feed_link,
    ],
    tags=["facilitators"],
)

"""HTTP routes for venues: details, opening hours and closures, free time, and feed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Router, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from panels.access import COORDINATORS, allow
from panels.accounts.tables import Role
from panels.availability.schemas import AvailabilityIn, AvailabilityOut, FreeTime
from panels.calendars import feeds
from panels.facilitators.schemas import FeedLink
from panels.venues import service
from panels.venues.schemas import VenueChange, VenueIn, VenueOut

STAFF = allow(Role.coordinator, Role.facilitator)
VenueId = FromPath[UUID]


@get("/", opt=STAFF)
async def list_venues() -> list[VenueOut]:
    return [VenueOut.model_validate(row) for row in await service.list_venues()]


@post("/", opt=COORDINATORS, status_code=HTTP_201_CREATED)
async def create_venue(data: JSONBody[VenueIn]) -> VenueOut:
    return VenueOut.model_validate(await service.create(data))


@get("/{venue_id:uuid}", opt=STAFF)
async def read_venue(venue_id: VenueId) -> VenueOut:
    return VenueOut.model_validate(await service.read(venue_id))


@patch("/{venue_id:uuid}", opt=COORDINATORS)
async def change_venue(venue_id: VenueId, data: JSONBody[VenueChange]) -> VenueOut:
    return VenueOut.model_validate(await service.change(venue_id, data))


@get("/{venue_id:uuid}/hours", opt=STAFF)
async def read_hours(venue_id: VenueId) -> AvailabilityOut:
    """Opening hours (weekly, London time), closures and extra openings."""
    return AvailabilityOut.model_validate(await service.read_hours(venue_id))


@put("/{venue_id:uuid}/hours", opt=COORDINATORS)
async def replace_hours(venue_id: VenueId, data: JSONBody[AvailabilityIn]) -> AvailabilityOut:
    return AvailabilityOut.model_validate(await service.replace_hours(venue_id, data))


@get("/{venue_id:uuid}/free", opt=STAFF)
async def free_time(
    venue_id: VenueId, start: FromQuery[datetime], end: FromQuery[datetime]
) -> FreeTime:
    windows = await service.free_time(venue_id, start, end)
    return FreeTime.model_validate(
        {"start": start, "end": end, "windows": [{"start": w.start, "end": w.end} for w in windows]}
    )


@get("/{venue_id:uuid}/feed", opt=COORDINATORS)
async def feed_link(venue_id: VenueId) -> FeedLink:
    await service.read(venue_id)
    return FeedLink(url=await feeds.link("venue", venue_id))


@post("/{venue_id:uuid}/feed", opt=COORDINATORS, status_code=HTTP_201_CREATED)
async def renew_feed_link(venue_id: VenueId) -> FeedLink:
    await service.read(venue_id)
    return FeedLink(url=await feeds.renew("venue", venue_id))


router = Router(
    path="/venues",
    route_handlers=[
        list_venues,
        create_venue,
        read_venue,
        change_venue,
        read_hours,
        replace_hours,
        free_time,
        feed_link,
        renew_feed_link,
    ],
    tags=["venues"],
)

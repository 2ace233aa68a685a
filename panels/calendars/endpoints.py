"""Subscription feeds: /calendars/facilitators/{token}.ics and /calendars/venues/{token}.ics.
No account: the unguessable token in the address is the key, and a wrong, old or
malformed one is simply not found."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath

from panels.access import public
from panels.bookings import service as bookings
from panels.calendars import feeds
from panels.clock import utc_now
from panels.errors import NotFound
from panels.facilitators.tables import Facilitator
from panels.settings import get_settings
from panels.venues.tables import Venue
from scheduling.icalendar_out import feed

ICS = "text/calendar; charset=utf-8"


def _token(filename: str) -> str:
    if not filename.endswith(".ics"):
        raise NotFound("No such calendar.")
    return filename.removesuffix(".ics")


@get("/calendars/facilitators/{filename:str}", opt=public(), include_in_schema=False)
async def facilitator_feed(filename: FromPath[str]) -> Response[bytes]:
    owner = await feeds.owner_of("facilitator", _token(filename))
    row = await Facilitator.select(Facilitator.id).where(Facilitator.id == owner).first()
    if row is None:
        raise NotFound("No such calendar.")
    name = f"{get_settings().scheme_name}: my panels"
    entries = await bookings.entries_for_facilitator(owner)
    return Response(feed(name, entries, now=utc_now()), media_type=ICS)


@get("/calendars/venues/{filename:str}", opt=public(), include_in_schema=False)
async def venue_feed(filename: FromPath[str]) -> Response[bytes]:
    owner = await feeds.owner_of("venue", _token(filename))
    row = await Venue.select(Venue.name).where(Venue.id == owner).first()
    if row is None:
        raise NotFound("No such calendar.")
    name = f"{get_settings().scheme_name}: panels at {row['name']}"
    entries = await bookings.entries_for_venue(owner)
    return Response(feed(name, entries, now=utc_now()), media_type=ICS)


ROUTES = [facilitator_feed, venue_feed]

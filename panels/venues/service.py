"""Venues: the rooms panels meet in, when they are open, and when they are free."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from panels.availability import service as availability
from panels.availability.schemas import AvailabilityIn
from panels.availability.service import Owner
from panels.clock import london_today
from panels.db import write_transaction
from panels.errors import InvalidInput, NotFound
from panels.venues.schemas import VenueChange, VenueIn
from panels.venues.tables import Venue
from scheduling.intervals import Interval

_COLUMNS = (
    Venue.id,
    Venue.name,
    Venue.address,
    Venue.postcode,
    Venue.area,
    Venue.capacity,
    Venue.rooms,
    Venue.features,
    Venue.contact_name,
    Venue.contact_phone,
    Venue.contact_email,
    Venue.setup_minutes,
    Venue.cleardown_minutes,
    Venue.opens_on_bank_holidays,
    Venue.active,
)


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "separate_waiting": row["rooms"] >= 2}


async def list_venues(*, active_only: bool = False) -> list[dict[str, Any]]:
    query = Venue.select(*_COLUMNS).order_by(Venue.name).output(load_json=True)
    if active_only:
        query = query.where(Venue.active == True)  # noqa: E712 - a SQL comparison
    return [_shape(row) for row in await query]


async def read(venue_id: UUID) -> dict[str, Any]:
    row = await Venue.select(*_COLUMNS).where(Venue.id == venue_id).output(load_json=True).first()
    if row is None:
        raise NotFound("No such venue.")
    return _shape(row)


async def _name_taken(name: str, other_than: UUID | None = None) -> bool:
    wanted = name.strip().casefold()
    return any(
        row["name"].casefold() == wanted and row["id"] != other_than
        for row in await Venue.select(Venue.id, Venue.name)
    )


def _values(data: VenueChange) -> dict[Any, Any]:
    fields = data.model_dump(exclude_unset=True)
    return {getattr(Venue, name): value for name, value in fields.items() if value is not None}


async def create(data: VenueIn) -> dict[str, Any]:
    async with write_transaction():
        if await _name_taken(data.name):
            raise InvalidInput("A venue with this name already exists.", field="name")
        venue = Venue(**{column._meta.name: value for column, value in _values(data).items()})
        await venue.save()
    return await read(venue.id)


async def change(venue_id: UUID, data: VenueChange) -> dict[str, Any]:
    await read(venue_id)
    async with write_transaction():
        if data.name and await _name_taken(data.name, other_than=venue_id):
            raise InvalidInput("A venue with this name already exists.", field="name")
        values = _values(data)
        if values:
            await Venue.update(values).where(Venue.id == venue_id)
    return await read(venue_id)


async def read_hours(venue_id: UUID) -> dict[str, Any]:
    await read(venue_id)
    return await availability.read(Owner(venue=venue_id))


async def replace_hours(venue_id: UUID, data: AvailabilityIn) -> dict[str, Any]:
    """Opening hours (weekly), closures (one-offs not available) and extra openings."""
    await read(venue_id)
    await availability.replace(Owner(venue=venue_id), data, london_today())
    return await availability.read(Owner(venue=venue_id))


async def free_time(venue_id: UUID, start: datetime, end: datetime) -> list[Interval]:
    """When the venue is open and not closed. Booked panels, with the venue's set-up and
    clear-down either side, are taken out by the panel booking work."""
    venue = await read(venue_id)
    return await availability.free(
        Owner(venue=venue_id),
        availability.question(start, end),
        busy=[],
        works_bank_holidays=venue["opens_on_bank_holidays"],
    )

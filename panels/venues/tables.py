"""Community venues where panels meet. Opening hours, closures and the API arrive with
the availability work; the shape here is the one they extend."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class VenueFeature(StrEnum):
    step_free = "step_free"
    hearing_loop = "hearing_loop"
    accessible_toilet = "accessible_toilet"


class Venue(Table, tablename="venues"):
    id = UUID(primary_key=True)
    name = Varchar(length=200, unique=True)
    address = Text()
    postcode = Varchar(length=10)
    area = Varchar(length=100, index=True)
    capacity = Integer()
    rooms = Integer(default=1)
    features = JSON(default=[])
    contact_name = Varchar(length=200, default="")
    contact_phone = Varchar(length=20, default="")
    setup_minutes = Integer(default=15)
    cleardown_minutes = Integer(default=15)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())

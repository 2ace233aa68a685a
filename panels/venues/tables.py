"""Community venues where panels meet. Opening hours and closures are availability
windows (panels.availability.tables)."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from panels.clock import Now


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
    contact_email = Varchar(length=254, default="")
    setup_minutes = Integer(default=15)
    cleardown_minutes = Integer(default=15)
    opens_on_bank_holidays = Boolean(default=False)
    active = Boolean(default=True)
    feed_generation = Integer(default=0)
    # Unique through an index the migration creates: SQLite cannot add a UNIQUE column.
    feed_token_hash = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(default=Now())

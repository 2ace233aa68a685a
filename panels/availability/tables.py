"""When facilitators can work and venues are open: weekly patterns (RFC 5545 rules in
London time) and one-off windows either way (an extra evening, a week away, a closure).
Each row belongs to one facilitator or one venue."""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    OnDelete,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from panels.facilitators.tables import Facilitator
from panels.venues.tables import Venue


class WeeklyWindow(Table, tablename="weekly_windows"):
    id = BigSerial(primary_key=True)
    facilitator = ForeignKey(
        references=Facilitator, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    venue = ForeignKey(
        references=Venue, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    rrule = Varchar(length=200)
    starts = Time()
    ends = Time()
    first_day = Date()


class OneOffWindow(Table, tablename="one_off_windows"):
    """available=True: an extra time they can come; False: away, or the venue closed."""

    id = UUID(primary_key=True)
    facilitator = ForeignKey(
        references=Facilitator, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    venue = ForeignKey(
        references=Venue, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    available = Boolean()
    note = Varchar(length=200, default="")

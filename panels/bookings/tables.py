"""Booked panels: when and where, who facilitates, when each side arrives, and the
resource holds that make double booking impossible in the database itself."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    UUID,
    BigSerial,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from panels.accounts.tables import User
from panels.cases.tables import Case
from panels.clock import Now
from panels.facilitators.tables import Facilitator
from panels.venues.tables import Venue


class PanelStatus(StrEnum):
    booked = "booked"
    cancelled = "cancelled"


class NoticeKind(StrEnum):
    panel_booked = "panel_booked"
    panel_rescheduled = "panel_rescheduled"
    panel_cancelled = "panel_cancelled"


class Panel(Table, tablename="panel_meetings"):
    id = UUID(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    # The iCalendar UID stays the same for the panel's whole life; SEQUENCE rises with
    # every change, so calendar apps update the one entry instead of adding another.
    uid = Varchar(length=100, unique=True)
    sequence = Integer(default=0)
    status = Varchar(length=20, choices=PanelStatus, default=PanelStatus.booked, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    venue = ForeignKey(references=Venue, on_delete=OnDelete.restrict, index=True, null=False)
    # The person responsible arrives first and waits apart; the person harmed arrives
    # later, so the two do not meet at the door.
    harm_causer_arrives_at = Timestamptz()
    victim_arrives_at = Timestamptz()
    separate_waiting = Boolean(default=False)
    booked_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    booked_at = Timestamptz(default=Now())
    cancelled_reason = Text(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=Now())


class PanelFacilitator(Table, tablename="panel_facilitators"):
    id = BigSerial(primary_key=True)
    panel = ForeignKey(references=Panel, on_delete=OnDelete.cascade, index=True, null=False)
    facilitator = ForeignKey(
        references=Facilitator, on_delete=OnDelete.restrict, index=True, null=False
    )
    lead = Boolean(default=False)


class ResourceHold(Table, tablename="resource_holds"):
    """One facilitator's or one venue's time taken by a panel (a venue's including its
    set-up and clear-down). Active holds may not overlap for the same resource: an
    exclusion constraint on PostgreSQL, a trigger under SQLite's single writer."""

    id = BigSerial(primary_key=True)
    panel = ForeignKey(references=Panel, on_delete=OnDelete.cascade, index=True, null=False)
    facilitator = ForeignKey(
        references=Facilitator, on_delete=OnDelete.restrict, null=True, default=None, index=True
    )
    venue = ForeignKey(
        references=Venue, on_delete=OnDelete.restrict, null=True, default=None, index=True
    )
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    active = Boolean(default=True)


class PanelNotice(Table, tablename="panel_notices"):
    """Something people must be told about a panel (booked, moved, cancelled), written in
    the same transaction as the change. Sending the messages is the SMS work's."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    panel = ForeignKey(references=Panel, on_delete=OnDelete.restrict, index=True, null=False)
    kind = Varchar(length=30, choices=NoticeKind)
    sequence = Integer()
    created_at = Timestamptz(default=Now())
    handled_at = Timestamptz(null=True, default=None)

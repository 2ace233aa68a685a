"""Reparation: partner providers (a food bank, an allotment, a charity shop), the
sessions they run with room for a few people and a supervisor, and who is booked into
which, with the attendance and hours the supervisor records."""

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
from panels.cases.tables import Case, Party
from panels.clock import Now
from panels.outcomes.tables import AgreementAction


class ProviderKind(StrEnum):
    food_bank = "food_bank"
    allotment = "allotment"
    charity_shop = "charity_shop"
    litter_picking = "litter_picking"
    village_hall = "village_hall"
    other = "other"


class ReparationProvider(Table, tablename="reparation_providers"):
    id = UUID(primary_key=True)
    name = Varchar(length=200)
    kind = Varchar(length=30, choices=ProviderKind)
    address = Text()
    area = Varchar(length=100)
    phone = Varchar(length=20, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=Now())


class ReparationSession(Table, tablename="reparation_sessions"):
    id = UUID(primary_key=True)
    provider = ForeignKey(
        references=ReparationProvider, on_delete=OnDelete.restrict, index=True, null=False
    )
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    capacity = Integer()
    supervisor_name = Varchar(length=200)
    supervisor_email = Varchar(length=254, null=True, default=None)
    address = Text()
    # Sessions made together from one weekly pattern share a series.
    series = UUID(null=True, default=None, index=True)
    cancelled_at = Timestamptz(null=True, default=None)


class PlacementStatus(StrEnum):
    booked = "booked"
    attended = "attended"
    absent = "absent"
    cancelled = "cancelled"


class Placement(Table, tablename="reparation_placements"):
    """The person responsible booked into a session towards an agreed number of hours."""

    id = BigSerial(primary_key=True)
    session = ForeignKey(
        references=ReparationSession, on_delete=OnDelete.restrict, index=True, null=False
    )
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    action = ForeignKey(
        references=AgreementAction, on_delete=OnDelete.restrict, index=True, null=False
    )
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    status = Varchar(length=20, choices=PlacementStatus, default=PlacementStatus.booked)
    minutes = Integer(default=0)  # the time worked, as the supervisor records it
    absence_reason = Text(default="")
    # An absence with a reason the scheme accepts (illness, a hospital appointment) does
    # not count towards the breach protocol.
    acceptable = Boolean(null=True, default=None)
    recorded_at = Timestamptz(null=True, default=None)
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None)
    created_at = Timestamptz(default=Now())

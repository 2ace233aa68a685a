"""Volunteer facilitator profiles: what they are trained for, where they work, how much,
their DBS check, whom they must not be scheduled with, and their own calendar."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from panels.accounts.tables import User
from panels.clock import Now


class Skill(StrEnum):
    lead = "lead"
    co_facilitator = "co_facilitator"
    youth = "youth"
    hate_crime = "hate_crime"


class ConflictKind(StrEnum):
    person = "person"
    street = "street"
    postcode = "postcode"


class Facilitator(Table, tablename="facilitators"):
    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, unique=True, null=False)
    skills = JSON(default=[])
    languages = JSON(default=["en"])
    dbs_expires_on = Date(null=True, default=None)
    areas = JSON(default=[])
    max_panels_per_month = Integer(default=4)
    # [{"kind": "person" | "street" | "postcode", "value": ...}]: names of people they
    # know are personal data, seen only by coordinators and the facilitator.
    conflicts = JSON(default=[])
    works_bank_holidays = Boolean(default=False)
    # Their mobile, for texts about the panels they facilitate (E.164); optional.
    phone = Varchar(length=20, null=True, default=None)
    calendar_url = Text(null=True, default=None, secret=True)
    calendar_ics = Text(null=True, default=None, secret=True)
    calendar_fetched_at = Timestamptz(null=True, default=None)
    calendar_problem = Text(null=True, default=None)
    # The subscription feed's token is derived from the secret key and this generation;
    # only its hash is stored. Raising the generation revokes the old link.
    feed_generation = Integer(default=0)
    feed_token_hash = Varchar(length=64, null=True, default=None, unique=True, index=True)
    created_at = Timestamptz(default=Now())
    updated_at = Timestamptz(default=Now())

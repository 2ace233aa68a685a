"""The support services directory: local services a facilitator can refer someone to
after a panel (debt advice, housing, mental health, drugs and alcohol, employment, youth)."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, UUID, Boolean, Text, Timestamptz, Varchar
from piccolo.table import Table

from panels.clock import Now


class SupportCategory(StrEnum):
    debt = "debt"
    housing = "housing"
    mental_health = "mental_health"
    drugs_and_alcohol = "drugs_and_alcohol"
    employment = "employment"
    youth = "youth"
    other = "other"


class SupportService(Table, tablename="support_services"):
    id = UUID(primary_key=True)
    name = Varchar(length=200)
    category = Varchar(length=30, choices=SupportCategory, index=True)
    offers = Text()
    eligibility = Text()
    how_to_refer = Text()
    phone = Varchar(length=20, null=True, default=None)
    email = Varchar(length=254, null=True, default=None)
    website = Varchar(length=500, null=True, default=None)
    # Names of the areas it covers, as venues and facilitators name them; none means the
    # whole scheme area.
    areas = JSON(default=[])
    active = Boolean(default=True)
    created_at = Timestamptz(default=Now())
    updated_at = Timestamptz(default=Now())

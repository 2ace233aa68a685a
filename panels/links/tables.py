"""Links for people without accounts (a survey for a person harmed, a session's
attendance for a reparation supervisor): unguessable, expiring, each reaching one thing."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import BigSerial, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from panels.cases.tables import Case
from panels.clock import Now


class LinkPurpose(StrEnum):
    survey = "survey"  # a party's feedback survey
    supervisor = "supervisor"  # one reparation session's attendance


class AccessLink(Table, tablename="access_links"):
    id = BigSerial(primary_key=True)
    # Only the hash: the link itself is in the text or email it was sent in.
    token_hash = Varchar(length=64, unique=True, index=True)
    purpose = Varchar(length=20, choices=LinkPurpose)
    # What it reaches, by id: a survey, a session.
    subject = Varchar(length=100)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, null=True, default=None)
    created_at = Timestamptz(default=Now())
    expires_at = Timestamptz()
    # How many times it may be used for its purpose (a survey is answered once); None:
    # as often as needed until it expires (a supervisor records a session's attendance).
    uses_allowed = Integer(null=True, default=None)
    uses = Integer(default=0)
    revoked_at = Timestamptz(null=True, default=None)

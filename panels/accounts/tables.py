"""Organisations, user accounts, sign-in sessions, API tokens and sign-in throttling."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from panels.clock import Now


class OrganisationKind(StrEnum):
    police = "police"
    housing = "housing"
    council = "council"
    youth_justice = "youth_justice"
    scheme = "scheme"


class Role(StrEnum):
    coordinator = "coordinator"
    facilitator = "facilitator"
    referrer = "referrer"


class Organisation(Table, tablename="organisations"):
    id = UUID(primary_key=True)
    name = Varchar(length=200, unique=True)
    kind = Varchar(length=20, choices=OrganisationKind)
    created_at = Timestamptz(default=Now())


class User(Table, tablename="users"):
    id = UUID(primary_key=True)
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=200)
    role = Varchar(length=20, choices=Role)
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.restrict, index=True, null=False
    )
    password_hash = Varchar(length=200, secret=True)
    active = Boolean(default=True)
    created_at = Timestamptz(default=Now())


class UserSession(Table, tablename="user_sessions"):
    """A signed-in browser or client. Only a hash of the cookie value is stored."""

    id = UUID(primary_key=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz(default=Now())
    expires_at = Timestamptz()


class ApiToken(Table, tablename="api_tokens"):
    """A bearer token a machine client uses to act as one user. Stored hashed."""

    id = UUID(primary_key=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=16)
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True, null=False)
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    created_at = Timestamptz(default=Now())
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class SignInThrottle(Table, tablename="sign_in_throttles"):
    """Failed sign-ins per email address (known or not), to slow down password guessing."""

    email = Varchar(length=254, primary_key=True)
    failures = Integer(default=0)
    first_failure_at = Timestamptz()
    locked_until = Timestamptz(null=True, default=None)

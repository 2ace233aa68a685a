"""The shapes of the accounts API: sign-in, users, organisations and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from panels.accounts.tables import OrganisationKind, Role

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class OrganisationOut(BaseModel):
    id: UUID
    name: str
    kind: OrganisationKind


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: OrganisationKind


class Me(BaseModel):
    id: UUID
    email: str
    name: str
    role: Role
    organisation: OrganisationOut


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: Name
    role: Role
    organisation_id: UUID
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    role: Role | None = None
    active: bool | None = None


class UserOut(BaseModel):
    id: UUID
    email: str
    name: str
    role: Role
    organisation_id: UUID
    active: bool
    created_at: datetime


class ApiTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    user_id: UUID
    expires_at: datetime | None = Field(
        default=None, description="When the token stops working; none means until revoked."
    )


class ApiTokenOut(BaseModel):
    id: UUID
    name: str
    prefix: str = Field(description="The first characters of the token, to tell tokens apart.")
    user_id: UUID
    created_by_id: UUID
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewApiToken(ApiTokenOut):
    token: str = Field(description="The secret. Shown once; store it now.")

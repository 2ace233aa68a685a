"""The shapes of the support services API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from panels.phones import PhoneNumber
from panels.support.tables import SupportCategory

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
AreaName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

MAX_AREAS = 50


def check_website(raw: str) -> str:
    """An https:// address of a site on the internet; a bare 'www.example.org' means https://.
    http:// is refused: a page sent in the clear can be altered on its way to the people
    these links are passed on to."""
    address = raw.strip()
    if "://" not in address:
        address = f"https://{address}"
    try:
        parts = urlsplit(address)
        host = parts.hostname or ""
    except ValueError:  # a mangled address, like "https://[abc"
        raise ValueError("Enter the website's address, like https://www.example.org") from None
    if parts.scheme.lower() != "https":
        raise ValueError(
            "Enter the website's address starting https://, like https://www.example.org"
        )
    labels = host.split(".")
    if (
        len(labels) < 2
        or not all(labels)
        or any(char.isspace() for char in address)
        or not all(label.replace("-", "").isalnum() for label in labels)
        or parts.username
        or parts.password
    ):
        raise ValueError("Enter the website's address, like https://www.example.org")
    return address


def check_email(raw: str) -> str:
    """EmailStr's own check, refusing in words people can act on."""
    try:
        return validate_email(raw)[1]
    except PydanticCustomError:
        raise ValueError(
            "Enter an email address in the correct format, like name@example.org"
        ) from None


def distinct_areas(areas: list[str]) -> list[str]:
    """Each area once, as first written ('Millbrook' and 'millbrook' are the same place)."""
    seen: set[str] = set()
    kept: list[str] = []
    for area in areas:
        if area.casefold() not in seen:
            seen.add(area.casefold())
            kept.append(area)
    return kept


Website = Annotated[str, AfterValidator(check_website)]
Email = Annotated[str, AfterValidator(check_email)]
Areas = Annotated[list[AreaName], Field(max_length=MAX_AREAS), AfterValidator(distinct_areas)]


class SupportServiceChange(BaseModel):
    """What a coordinator changes; fields left out stay as they are. A null phone, email or
    website removes it; the other fields cannot be emptied."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    category: SupportCategory | None = None
    offers: Paragraph | None = Field(default=None, description="What the service offers.")
    eligibility: Paragraph | None = Field(default=None, description="Who can use it.")
    how_to_refer: Paragraph | None = Field(
        default=None,
        description="How to refer someone, e.g. 'Phone 0113 496 0000; self-referral welcome'.",
    )
    phone: PhoneNumber | None = None
    email: Email | None = None
    website: Website | None = Field(default=None, description="An https:// address.")
    areas: Areas | None = Field(
        default=None, description="Names of the areas it covers; empty: the whole scheme area."
    )
    active: bool | None = Field(default=None, description="Whether it takes referrals now.")


class SupportServiceIn(SupportServiceChange):
    name: Name
    category: SupportCategory
    offers: Paragraph = Field(description="What the service offers.")
    eligibility: Paragraph = Field(description="Who can use it.")
    how_to_refer: Paragraph = Field(description="How to refer someone.")
    areas: Areas = Field(
        default_factory=list,
        description="Names of the areas it covers; empty: the whole scheme area.",
    )
    active: bool = True


class SupportServiceOut(BaseModel):
    id: UUID
    name: str
    category: SupportCategory
    offers: str
    eligibility: str
    how_to_refer: str
    phone: str | None
    email: str | None
    website: str | None
    areas: list[str]
    covers_every_area: bool = Field(description="No areas named: it covers the whole scheme.")
    active: bool
    created_at: datetime
    updated_at: datetime

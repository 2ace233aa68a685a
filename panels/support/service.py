"""The support services directory: keeping it, and finding the service that fits, so a
facilitator can refer someone after a panel in a minute."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from panels.clock import utc_now
from panels.db import write_transaction
from panels.errors import InvalidInput, NotFound
from panels.support.schemas import SupportServiceChange, SupportServiceIn
from panels.support.tables import SupportCategory, SupportService

_COLUMNS = (
    SupportService.id,
    SupportService.name,
    SupportService.category,
    SupportService.offers,
    SupportService.eligibility,
    SupportService.how_to_refer,
    SupportService.phone,
    SupportService.email,
    SupportService.website,
    SupportService.areas,
    SupportService.active,
    SupportService.created_at,
    SupportService.updated_at,
)
# A null here removes what was stored; for the other fields a null changes nothing.
_CLEARABLE = {"phone", "email", "website"}


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "covers_every_area": not row["areas"]}


def covers(service: dict[str, Any], area: str) -> bool:
    """A service that names no areas covers the whole scheme area."""
    wanted = area.strip().casefold()
    return not service["areas"] or wanted in {named.casefold() for named in service["areas"]}


def matches(service: dict[str, Any], words: str) -> bool:
    """Every word searched for is in its name, what it offers or who it is for."""
    haystack = " ".join((service["name"], service["offers"], service["eligibility"])).casefold()
    return all(word in haystack for word in words.casefold().split())


async def search(
    *,
    category: SupportCategory | None = None,
    area: str | None = None,
    words: str | None = None,
    include_inactive: bool = False,
) -> list[dict[str, Any]]:
    """Services by name. The area and the words are matched here rather than in SQL: the
    directory is tens of rows, areas are a JSON list (which SQLite and PostgreSQL query
    differently), and casefold folds 'CAFÉ' to 'café' where SQLite's LIKE folds only ASCII."""
    query = SupportService.select(*_COLUMNS).order_by(SupportService.name).output(load_json=True)
    if category is not None:
        query = query.where(SupportService.category == category)
    if not include_inactive:
        query = query.where(SupportService.active == True)  # noqa: E712 - a SQL comparison
    rows = [_shape(row) for row in await query]
    if area and area.strip():
        rows = [row for row in rows if covers(row, area)]
    if words and words.strip():
        rows = [row for row in rows if matches(row, words)]
    return rows


async def areas_named() -> list[str]:
    """Every area some service names, once each, in alphabetical order."""
    named: dict[str, str] = {}
    for row in await SupportService.select(SupportService.areas).output(load_json=True):
        for area in row["areas"]:
            named.setdefault(area.casefold(), area)
    return sorted(named.values(), key=str.casefold)


async def read(service_id: UUID) -> dict[str, Any]:
    row = await (
        SupportService.select(*_COLUMNS)
        .where(SupportService.id == service_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("No such support service.")
    return _shape(row)


async def _listed_already(
    name: str, category: SupportCategory, other_than: UUID | None = None
) -> bool:
    """One organisation may give several kinds of help (debt and housing advice), each
    listed under the same name; the same name twice in one category is a double entry."""
    wanted = name.strip().casefold()
    rows = await SupportService.select(SupportService.id, SupportService.name).where(
        SupportService.category == category
    )
    return any(row["name"].casefold() == wanted and row["id"] != other_than for row in rows)


def _values(data: SupportServiceChange) -> dict[Any, Any]:
    fields = data.model_dump(exclude_unset=True)
    return {
        getattr(SupportService, name): value
        for name, value in fields.items()
        if value is not None or name in _CLEARABLE
    }


async def create(data: SupportServiceIn) -> dict[str, Any]:
    async with write_transaction():
        if await _listed_already(data.name, data.category):
            raise InvalidInput(
                "A service with this name is already listed for this kind of help.", field="name"
            )
        values = {column._meta.name: value for column, value in _values(data).items()}
        service = SupportService(**values)
        await service.save()
    return await read(service.id)


async def change(service_id: UUID, data: SupportServiceChange) -> dict[str, Any]:
    async with write_transaction():
        current = await read(service_id)
        name = data.name or current["name"]
        category = data.category or SupportCategory(current["category"])
        if (data.name or data.category) and await _listed_already(
            name, category, other_than=service_id
        ):
            raise InvalidInput(
                "A service with this name is already listed for this kind of help.", field="name"
            )
        values = _values(data)
        if values:
            await SupportService.update({**values, SupportService.updated_at: utc_now()}).where(
                SupportService.id == service_id
            )
    return await read(service_id)


def demo_services() -> list[SupportServiceIn]:
    """Made-up services for the demo scheme: Ofcom's drama numbers, example.org addresses
    (reserved, never anyone's), and the demo's areas."""
    services: list[dict[str, Any]] = [
        {
            "name": "Northshire Money Advice",
            "category": SupportCategory.debt,
            "offers": (
                "Free, confidential debt advice: budgeting, dealing with bailiffs and "
                "priority debts, help with debt relief orders. Phone or face-to-face."
            ),
            "eligibility": "Anyone 18 or over living in Northshire.",
            "how_to_refer": (
                "Phone 0113 496 0101 (Monday to Friday, 9am to 5pm) or email "
                "referrals@money-advice.example.org with the person's agreement; "
                "self-referral welcome."
            ),
            "phone": "0113 496 0101",
            "email": "referrals@money-advice.example.org",
            "website": "https://money-advice.example.org",
            "areas": [],
        },
        {
            "name": "Millbrook and Eastgate Housing Options",
            "category": SupportCategory.housing,
            "offers": (
                "Advice for people at risk of losing their home, help with rent arrears, "
                "and emergency housing."
            ),
            "eligibility": "Tenants and people at risk of homelessness in Millbrook and Eastgate.",
            "how_to_refer": (
                "Fill in the online referral form on the website, or phone 0113 496 0202. "
                "Same-day appointments for anyone homeless tonight."
            ),
            "phone": "0113 496 0202",
            "website": "https://housing-options.example.org/refer",
            "areas": ["Millbrook", "Eastgate"],
        },
        {
            "name": "Northshire Wellbeing Talks",
            "category": SupportCategory.mental_health,
            "offers": (
                "Talking therapies for anxiety, low mood and stress: guided self-help, "
                "groups and one-to-one counselling."
            ),
            "eligibility": "Adults registered with a Northshire GP.",
            "how_to_refer": (
                "Self-referral online or by phone on 0113 496 0303; a GP can refer too. "
                "Not a crisis service: in a crisis, call NHS 111 and choose option 2."
            ),
            "phone": "0113 496 0303",
            "website": "https://talking-space.example.org",
            "areas": [],
        },
        {
            "name": "Northshire Recovery Hub",
            "category": SupportCategory.drugs_and_alcohol,
            "offers": (
                "Drug and alcohol support: key workers, recovery groups, needle exchange "
                "and family support."
            ),
            "eligibility": "Anyone 18 or over worried about their own or someone else's use.",
            "how_to_refer": "Drop in Monday to Friday 10am to 4pm, or phone 0808 157 0404 (free).",
            "phone": "0808 157 0404",
            "email": "hello@recovery-hub.example.org",
            "areas": ["Millbrook", "Town Centre"],
        },
        {
            "name": "Northshire Next Steps",
            "category": SupportCategory.employment,
            "offers": (
                "CV and interview help, work placements, and help into training, including "
                "for people with a criminal record."
            ),
            "eligibility": "People 16 or over, not in work or looking for better work.",
            "how_to_refer": (
                "Email referrals@next-steps.example.org with the person's name and a "
                "contact number (with their agreement); they call back within two working days."
            ),
            "email": "referrals@next-steps.example.org",
            "areas": ["Eastgate", "Westfield", "Ashworth"],
        },
        {
            "name": "Ashworth and Westfield Youth Project",
            "category": SupportCategory.youth,
            "offers": (
                "Youth clubs, mentoring, sport and detached youth work in the evenings "
                "and at weekends."
            ),
            "eligibility": "Young people aged 10 to 18 (up to 25 with a disability).",
            "how_to_refer": (
                "Phone 0113 496 0606 or bring them along to any session; a parent or "
                "guardian signs a consent form on the first visit."
            ),
            "phone": "0113 496 0606",
            "website": "https://youth-project.example.org",
            "areas": ["Ashworth", "Westfield"],
        },
    ]
    return [SupportServiceIn.model_validate(service) for service in services]

"""Facilitator profiles: who may see and change what, whether they can be scheduled (a
current DBS check), their availability and free time, and their own calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts.tables import Role, User
from panels.availability import service as availability
from panels.availability.schemas import AvailabilityIn
from panels.availability.service import Owner
from panels.calendars import fetching
from panels.clock import LONDON, london_today, utc_now
from panels.db import write_transaction
from panels.errors import Forbidden, InvalidInput, NotFound
from panels.facilitators.schemas import (
    CalendarIn,
    FacilitatorChange,
    FacilitatorIn,
    ProfileFields,
)
from panels.facilitators.tables import Facilitator
from panels.settings import get_settings
from scheduling.icalendar_in import CalendarUnreadable, busy_times
from scheduling.intervals import Interval, subtract

DBS_WARNING = timedelta(days=30)

_COLUMNS = (
    Facilitator.id,
    Facilitator.user.as_alias("user_id"),
    Facilitator.user.name.as_alias("name"),
    Facilitator.user.email.as_alias("email"),
    Facilitator.user.active.as_alias("active"),
    Facilitator.skills,
    Facilitator.languages,
    Facilitator.dbs_expires_on,
    Facilitator.areas,
    Facilitator.max_panels_per_month,
    Facilitator.conflicts,
    Facilitator.works_bank_holidays,
    Facilitator.phone,
    Facilitator.calendar_url,
    Facilitator.calendar_ics,
    Facilitator.calendar_fetched_at,
    Facilitator.calendar_problem,
)


def dbs_valid(expires_on: date | None, on: date) -> bool:
    """A check counts up to and including its expiry date."""
    return expires_on is not None and expires_on >= on


def _shape(row: dict[str, Any], today: date) -> dict[str, Any]:
    expires = row["dbs_expires_on"]
    valid = dbs_valid(expires, today)
    source = "url" if row["calendar_url"] else "upload" if row["calendar_ics"] else "none"
    return {
        **{k: v for k, v in row.items() if not k.startswith("calendar")},
        "dbs_valid": valid,
        "dbs_expiring_soon": valid and expires is not None and expires - today <= DBS_WARNING,
        "calendar": {
            "source": source,
            "fetched_at": row["calendar_fetched_at"],
            "problem": row["calendar_problem"],
        },
    }


async def _row(facilitator_id: UUID) -> dict[str, Any]:
    row = (
        await Facilitator.select(*_COLUMNS)
        .where(Facilitator.id == facilitator_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("No such facilitator.")
    return row


async def _mine_or_coordinating(actor: Actor, facilitator_id: UUID) -> dict[str, Any]:
    """A coordinator may see any profile; a facilitator only their own (others are not
    found, so ids cannot be probed)."""
    row = await _row(facilitator_id)
    if not actor.is_coordinator and row["user_id"] != actor.id:
        raise NotFound("No such facilitator.")
    return row


async def profile_of_user(user_id: UUID) -> UUID | None:
    row = await Facilitator.select(Facilitator.id).where(Facilitator.user == user_id).first()
    return UUID(str(row["id"])) if row else None


async def list_facilitators(
    *, dbs_expiring_within_days: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Everyone's profile, by name; or only those whose DBS check has expired or expires
    within the given days (the coordinator's warning list)."""
    today = today or london_today()
    query = Facilitator.select(*_COLUMNS).order_by(Facilitator.user.name).output(load_json=True)
    if dbs_expiring_within_days is not None:
        horizon = today + timedelta(days=dbs_expiring_within_days)
        query = query.where(
            Facilitator.dbs_expires_on.is_null() | (Facilitator.dbs_expires_on <= horizon)
        )
    return [_shape(row, today) for row in await query]


async def read(actor: Actor, facilitator_id: UUID) -> dict[str, Any]:
    return _shape(await _mine_or_coordinating(actor, facilitator_id), london_today())


def _values(change: ProfileFields) -> dict[Any, Any]:
    # Python values, not JSON strings: asyncpg wants a date for a date column.
    fields = change.model_dump(exclude_unset=True)
    return {getattr(Facilitator, name): value for name, value in fields.items()}


async def create(data: FacilitatorIn) -> dict[str, Any]:
    user = await User.select(User.role).where(User.id == data.user_id).first()
    if user is None:
        raise InvalidInput("No such user.", field="user_id")
    if user["role"] != Role.facilitator:
        raise InvalidInput(
            "Only a facilitator user can have a facilitator profile.", field="user_id"
        )
    async with write_transaction():
        if await Facilitator.exists().where(Facilitator.user == data.user_id):
            raise InvalidInput("This user already has a facilitator profile.", field="user_id")
        profile = Facilitator(user=data.user_id)
        await profile.save()
        values = _values(
            FacilitatorChange.model_validate(
                data.model_dump(exclude={"user_id"}, exclude_unset=True)
            )
        )
        if values:
            await Facilitator.update(values).where(Facilitator.id == profile.id)
    return _shape(await _row(profile.id), london_today())


async def change(actor: Actor, facilitator_id: UUID, data: FacilitatorChange) -> dict[str, Any]:
    await _mine_or_coordinating(actor, facilitator_id)
    if not actor.is_coordinator:
        coordinator_only = {"skills", "dbs_expires_on"} & data.model_fields_set
        if coordinator_only:
            raise Forbidden(
                "Training and DBS checks are recorded by a coordinator: "
                + ", ".join(sorted(coordinator_only))
            )
    values = _values(data)
    if values:
        async with write_transaction():
            await Facilitator.update({**values, Facilitator.updated_at: utc_now()}).where(
                Facilitator.id == facilitator_id
            )
    return await read(actor, facilitator_id)


# Availability --------------------------------------------------------------------------


async def read_availability(actor: Actor, facilitator_id: UUID) -> dict[str, Any]:
    await _mine_or_coordinating(actor, facilitator_id)
    return await availability.read(Owner(facilitator=facilitator_id))


async def replace_availability(
    actor: Actor, facilitator_id: UUID, data: AvailabilityIn
) -> dict[str, Any]:
    await _mine_or_coordinating(actor, facilitator_id)
    await availability.replace(Owner(facilitator=facilitator_id), data, london_today())
    return await availability.read(Owner(facilitator=facilitator_id))


def _after_dbs(expires_on: date | None, between: Interval) -> list[Interval]:
    """From the day after the check expires (or always, with none): not schedulable."""
    if expires_on is None:
        return [between]
    lapses = datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=LONDON)
    if lapses >= between.end:
        return []
    return [Interval(max(lapses, between.start), between.end)]


def _calendar_busy(ics: str | None, between: Interval) -> list[Interval]:
    if not ics:
        return []
    try:
        return busy_times(ics, between)
    except CalendarUnreadable:
        # Every calendar is read through when it is saved, so this is rare; when it
        # happens we cannot tell when they are busy, so we offer none of this time rather
        # than times that may clash with their work.
        return [between]


async def free_time(
    actor: Actor, facilitator_id: UUID, start: datetime, end: datetime
) -> list[Interval]:
    """When they could lead or co-facilitate a panel: their pattern and one-offs, less
    bank holidays (unless they work them), their own calendar's busy times, and every
    day after their DBS check expires."""
    row = await _mine_or_coordinating(actor, facilitator_id)
    between = availability.question(start, end)
    free = await availability.free(
        Owner(facilitator=facilitator_id),
        between,
        busy=_calendar_busy(row["calendar_ics"], between),
        works_bank_holidays=row["works_bank_holidays"],
    )
    return subtract(free, _after_dbs(row["dbs_expires_on"], between))


# Their own calendar --------------------------------------------------------------------


def _check_readable(ics: str) -> None:
    """Read the calendar through the coming year now, so a problem is found while the
    person is here to fix it, not later when panels are being offered."""
    now = utc_now()
    try:
        busy_times(ics, Interval(now, now + timedelta(days=366)))
    except CalendarUnreadable as problem:
        raise InvalidInput(str(problem), field="ics") from None


async def set_calendar(actor: Actor, facilitator_id: UUID, data: CalendarIn) -> dict[str, Any]:
    """Use an uploaded .ics, or a feed address (fetched now, and again by
    `njp fetch-calendars`), or nothing."""
    await _mine_or_coordinating(actor, facilitator_id)
    values: dict[Any, Any] = {
        Facilitator.calendar_url: None,
        Facilitator.calendar_ics: None,
        Facilitator.calendar_fetched_at: None,
        Facilitator.calendar_problem: None,
    }
    if data.ics:
        _check_readable(data.ics)
        values[Facilitator.calendar_ics] = data.ics
        values[Facilitator.calendar_fetched_at] = utc_now()
    elif data.url:
        url = fetching.normalise_url(data.url)
        try:
            text = await fetching.fetch(url, allow_private=get_settings().calendar_fetch_private)
            _check_readable(text)
        except fetching.CalendarUnavailable as problem:
            raise InvalidInput(str(problem), field="url") from None
        except InvalidInput as problem:
            raise InvalidInput(problem.detail, field="url") from None
        values.update(
            {
                Facilitator.calendar_url: url,
                Facilitator.calendar_ics: text,
                Facilitator.calendar_fetched_at: utc_now(),
            }
        )
    async with write_transaction():
        await Facilitator.update(values).where(Facilitator.id == facilitator_id)
    return await read(actor, facilitator_id)


async def refresh_calendars() -> tuple[int, int]:
    """Fetch every facilitator's calendar feed again: (refreshed, failed). A failure keeps
    the last good copy and records the problem on the profile."""
    rows = await Facilitator.select(Facilitator.id, Facilitator.calendar_url).where(
        Facilitator.calendar_url.is_not_null()
    )
    refreshed = failed = 0
    allow_private = get_settings().calendar_fetch_private
    for row in rows:
        values: dict[Any, Any]
        try:
            text = await fetching.fetch(row["calendar_url"], allow_private=allow_private)
            _check_readable(text)
            values = {
                Facilitator.calendar_ics: text,
                Facilitator.calendar_fetched_at: utc_now(),
                Facilitator.calendar_problem: None,
            }
            refreshed += 1
        except (fetching.CalendarUnavailable, InvalidInput) as problem:
            detail = problem.detail if isinstance(problem, InvalidInput) else str(problem)
            values = {Facilitator.calendar_problem: detail}
            failed += 1
        async with write_transaction():
            await Facilitator.update(values).where(Facilitator.id == row["id"])
    return refreshed, failed

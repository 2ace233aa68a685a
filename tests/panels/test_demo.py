"""The demo data loads on every date, as a newcomer's `./scripts/serve` loads it: every
day of a year (Christmas, New Year, Easter, both clock changes, every weekday) at hours
from just after midnight to late evening, and 29 February, each into its own new
database, with the same scheme each time. (test_cli loads it through `njp demo-data`
on both engines, and shows that a load that fails keeps nothing.)"""

from __future__ import annotations

import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from panels import db
from panels.access import Actor
from panels.accounts.tables import Role, User
from panels.bookings import service as bookings
from panels.bookings.tables import Panel, PanelFacilitator, PanelStatus
from panels.cases import service as cases
from panels.cases.tables import AvailabilityWindow, Case, CaseStatus
from panels.clock import LONDON
from panels.demo import DemoDataFailed, load_demo_data
from scheduling.holidays import bank_holidays
from tests.conftest import ENGINE, WORK

# What the demo shows, whatever the date: twenty cases across the lifecycle.
STATUSES = {
    CaseStatus.referred: 4,
    CaseStatus.rejected: 2,
    CaseStatus.accepted: 4,
    CaseStatus.contacting: 4,
    CaseStatus.ready_to_schedule: 3,
    CaseStatus.scheduled: 1,
    CaseStatus.closed: 2,
}
# Nobody has tried to reach two referrals four and five days old, or three accepted
# cases: the dashboard shows five overdue first contacts.
OVERDUE = 5

FIRST, LAST = date(2026, 12, 1), date(2027, 12, 31)
# Each day at one of these London times in turn; 7 weekdays and 5 times share no factor,
# so every weekday meets every time of day over the year.
HOURS = (time(0, 5), time(1, 30), time(7, 55), time(17, 45), time(23, 30))
# Instants either side of both clock changes, the second 01:30 of the October night
# included, and the CI pass's hard dates.
EDGES = (
    datetime(2027, 3, 28, 0, 30, tzinfo=UTC),  # 00:30 GMT, half an hour before the change
    datetime(2027, 3, 28, 1, 0, tzinfo=UTC),  # 02:00 BST, the moment after it
    datetime(2027, 10, 31, 0, 30, tzinfo=UTC),  # the first 01:30 (BST)
    datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # the second 01:30 (GMT)
    datetime(2026, 12, 25, 23, 30, tzinfo=UTC),
    datetime(2027, 3, 27, 23, 30, tzinfo=UTC),
    datetime(2028, 2, 29, 7, 55, tzinfo=UTC),
)


def moments() -> list[datetime]:
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    days.append(date(2028, 2, 29))
    every_day = [
        datetime.combine(day, HOURS[n % len(HOURS)], tzinfo=LONDON) for n, day in enumerate(days)
    ]
    return [*every_day, *EDGES]


# Spread over the test workers in slices; each moment still gets a database of its own.
SLICES = 12


@pytest.fixture
def fresh_database(migrated_database: str) -> Iterator[Callable[[], None]]:
    """Point the engine at a new copy of the migrated, empty file, for each load."""
    engine = db.engine()
    made: list[Path] = []

    def fresh() -> None:
        path = WORK / f"demo_{uuid.uuid4().hex[:12]}.sqlite"
        shutil.copyfile(migrated_database, path)
        engine.path = str(path)  # type: ignore[attr-defined]
        made.append(path)

    yield fresh
    for path in made:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


async def what_the_demo_shows(now: datetime) -> list[str]:
    """How the loaded scheme differs from the one the demo always shows; empty when it is
    the same."""
    problems = []
    statuses = Counter(CaseStatus(row["status"]) for row in await Case.select(Case.status))
    if statuses != Counter(STATUSES):
        problems.append(f"cases by status {dict(statuses)}")
    coordinator = (
        await User.select(User.id, User.email, User.name, User.organisation)
        .where(User.role == Role.coordinator)
        .first()
    )
    assert coordinator is not None
    actor = Actor(
        id=coordinator["id"],
        email=coordinator["email"],
        name=coordinator["name"],
        role=Role.coordinator,
        organisation_id=coordinator["organisation"],
    )
    _, overdue = await cases.list_cases(actor, overdue=True, page_size=1, now=now)
    if overdue != OVERDUE:
        problems.append(f"{overdue} overdue first contacts")
    panels = await Panel.select().where(Panel.status == PanelStatus.booked)
    if len(panels) != 1:
        problems.append(f"{len(panels)} booked panels")
    holidays = bank_holidays()
    for panel in panels:
        day = panel["starts_at"].astimezone(LONDON).date()
        if not now + timedelta(days=4) < panel["starts_at"] < now + timedelta(days=28):
            problems.append(f"the panel is on {day}, not in the weeks ahead")
        if day in holidays:
            problems.append(f"the panel is on a bank holiday, {day}")
        if await PanelFacilitator.count().where(PanelFacilitator.panel == panel["id"]) != 2:
            problems.append("the panel does not have two facilitators")
    for window in await AvailabilityWindow.select(AvailabilityWindow.starts_at):
        if window["starts_at"].astimezone(LONDON).date() in holidays:
            problems.append("a party said they can come on a bank holiday")
    # What a coordinator opening a case ready to schedule sees: times to offer.
    for case in await Case.select(Case.id).where(Case.status == CaseStatus.ready_to_schedule):
        if not (await bookings.suggestions(actor, case["id"], n=1, now=now))["options"]:
            problems.append("a case ready to schedule has no time to offer")
    return problems


@pytest.mark.skipif(ENGINE != "sqlite", reason="the year runs in the SQLite pass; see test_cli")
@pytest.mark.parametrize("part", range(SLICES))
async def test_the_demo_loads_the_same_scheme_on_every_date(
    part: int, fresh_database: Callable[[], None]
) -> None:
    failures = {}
    for moment in moments()[part::SLICES]:
        fresh_database()
        try:
            await load_demo_data(now=moment)
        except DemoDataFailed as problem:
            failures[moment.isoformat()] = [str(problem)]
            continue
        problems = await what_the_demo_shows(moment)
        if problems:
            failures[moment.isoformat()] = problems
    assert not failures, failures

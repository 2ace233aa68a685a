"""Benchmark: "when is this facilitator / venue free" for a region-sized scheme.

300 facilitators (a third with their own calendar feed of work shifts), 60 venues, four
weeks across the March 2027 clock change. Measured three ways in one run, so the
figures compare on this machine whatever else it is doing:

  library   scheduling.availability.free_between on data already in memory, calendars
            parsed per query (what a request pays);
  baseline  the obvious approach on the same data: sets of free minutes (a model of what
            slow booking tools do), which also checks the library gives the same answer;
  service   the free-time services end to end on an SQLite database (rows read, calendar
            parsed, answer built), as the API and scheduling use them.

Run with ./scripts/bench-availability; figures are printed and written to BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

WORK = Path(tempfile.mkdtemp(prefix="njp-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite'}"
os.environ["NJP_SECRET_KEY"] = "benchmark-only-secret-key-" + "b" * 32

from benchreport import machine, write  # noqa: E402
from dateutil.rrule import rrulestr  # noqa: E402

from scheduling.availability import Availability, free_between  # noqa: E402
from scheduling.holidays import bank_holidays  # noqa: E402
from scheduling.icalendar_in import busy_times  # noqa: E402
from scheduling.intervals import Interval  # noqa: E402
from scheduling.recurrence import WeeklyWindow  # noqa: E402

LONDON = ZoneInfo("Europe/London")
FACILITATORS, VENUES = 300, 60
START = datetime(2027, 3, 22, tzinfo=LONDON)
HORIZON = Interval(START, START + timedelta(weeks=4))
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass
class Person:
    weekly: list[WeeklyWindow]
    away: list[Interval]
    ics: str | None
    dbs_expires_on: date


def _shift_calendar(rng: random.Random, index: int) -> str:
    days = ",".join(rng.sample(DAYS[:5], rng.randint(2, 5)))
    start = rng.choice([7, 8, 9, 13])
    skipped = START.date() + timedelta(days=rng.randint(0, 20))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//bench//EN",
        "BEGIN:VEVENT",
        f"UID:shift-{index}@bench",
        "DTSTAMP:20270301T000000Z",
        f"DTSTART;TZID=Europe/London:20270301T{start:02d}0000",
        f"DTEND;TZID=Europe/London:20270301T{start + 8:02d}0000",
        f"RRULE:FREQ=WEEKLY;BYDAY={days}",
        f"EXDATE;TZID=Europe/London:{skipped:%Y%m%d}T{start:02d}0000",
        "END:VEVENT",
    ]
    for n in range(rng.randint(1, 4)):
        day = START + timedelta(days=rng.randint(0, 27), hours=rng.randint(10, 19))
        lines += [
            "BEGIN:VEVENT",
            f"UID:one-{index}-{n}@bench",
            "DTSTAMP:20270301T000000Z",
            f"DTSTART:{day.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{(day + timedelta(hours=1, minutes=30)).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def dataset(seed: int = 2027) -> tuple[list[Person], list[Person]]:
    rng = random.Random(seed)
    people = []
    for index in range(FACILITATORS):
        weekly = []
        for _ in range(rng.randint(1, 3)):
            begins = rng.choice([9, 10, 13, 17, 18])
            weekly.append(
                WeeklyWindow(
                    rrule=f"FREQ=WEEKLY;BYDAY={','.join(rng.sample(DAYS, rng.randint(1, 3)))}",
                    starts=time(begins),
                    ends=time(begins + rng.randint(2, 4)),
                    first_day=date(2027, 1, 4),
                )
            )
        away = []
        for _ in range(rng.randint(0, 2)):
            first = START + timedelta(days=rng.randint(0, 25))
            away.append(Interval(first, first + timedelta(days=rng.randint(1, 6))))
        ics = _shift_calendar(rng, index) if index % 3 == 0 else None
        expires = date(2028, 1, 1) if rng.random() > 0.1 else START.date() + timedelta(days=10)
        people.append(Person(weekly, away, ics, expires))
    venues = []
    for _ in range(VENUES):
        closes = rng.choice([20, 21, 22])
        weekly = [
            WeeklyWindow(
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(9), time(closes), date(2027, 1, 4)
            ),
            WeeklyWindow("FREQ=WEEKLY;BYDAY=SA", time(9), time(13), date(2027, 1, 4)),
        ]
        away = []
        if rng.random() < 0.3:
            first = START + timedelta(days=rng.randint(0, 25))
            away.append(Interval(first, first + timedelta(days=2)))
        venues.append(Person(weekly, away, None, date(2099, 1, 1)))
    return people, venues


def library_answer(person: Person) -> list[Interval]:
    busy = busy_times(person.ics, HORIZON) if person.ics else []
    lapses = datetime.combine(person.dbs_expires_on + timedelta(days=1), time(0), tzinfo=LONDON)
    after = [Interval(max(lapses, HORIZON.start), HORIZON.end)] if lapses < HORIZON.end else []
    return free_between(
        Availability(
            weekly=tuple(person.weekly), exceptions=tuple([*person.away, *after]), busy=tuple(busy)
        ),
        HORIZON,
    )


def _minutes(interval: Interval) -> range:
    return range(int(interval.start.timestamp()) // 60, int(interval.end.timestamp()) // 60)


def baseline_answer(person: Person) -> list[Interval]:
    """Sets of free minutes: expand each rule day by day, add, take away."""
    holidays = bank_holidays()
    free: set[int] = set()
    for window in person.weekly:
        rule = rrulestr(window.rrule, dtstart=datetime.combine(window.first_day, window.starts))
        first, last = HORIZON.start.astimezone(LONDON), HORIZON.end.astimezone(LONDON)
        for occurrence in rule.between(
            datetime.combine(first.date() - timedelta(days=1), time(0)),
            datetime.combine(last.date() + timedelta(days=1), time(0)),
        ):
            if occurrence.date() in holidays:
                continue
            start = datetime.combine(occurrence.date(), window.starts, tzinfo=LONDON)
            end = datetime.combine(occurrence.date(), window.ends, tzinfo=LONDON)
            free.update(_minutes(Interval(start, end)))
    busy = busy_times(person.ics, HORIZON) if person.ics else []
    lapses = datetime.combine(person.dbs_expires_on + timedelta(days=1), time(0), tzinfo=LONDON)
    if lapses < HORIZON.end:
        busy.append(Interval(max(lapses, HORIZON.start), HORIZON.end))
    for taken in [*person.away, *busy]:
        free.difference_update(_minutes(taken))
    free &= set(_minutes(HORIZON))
    answer: list[Interval] = []
    for minute in sorted(free):
        at = datetime.fromtimestamp(minute * 60, tz=UTC)
        if answer and answer[-1].end == at:
            answer[-1] = Interval(answer[-1].start, at + timedelta(minutes=1))
        else:
            answer.append(Interval(at, at + timedelta(minutes=1)))
    return answer


def timed(function, items) -> tuple[float, list[float], list]:  # type: ignore[no-untyped-def]
    each, answers = [], []
    began = clock.perf_counter()
    for item in items:
        start = clock.perf_counter()
        answers.append(function(item))
        each.append(clock.perf_counter() - start)
    return clock.perf_counter() - began, each, answers


def same(a: list[Interval], b: list[Interval]) -> bool:
    return [(x.start.timestamp(), x.end.timestamp()) for x in a] == [
        (x.start.timestamp(), x.end.timestamp()) for x in b
    ]


async def service_run(people: list[Person], venues: list[Person]) -> tuple[float, list[float]]:
    """Load the dataset through the services into SQLite, then ask every free-time question."""
    from panels.access import Actor
    from panels.accounts.passwords import hash_password
    from panels.accounts.tables import Organisation, OrganisationKind, Role, User
    from panels.availability.service import Owner
    from panels.availability.tables import OneOffWindow
    from panels.availability.tables import WeeklyWindow as WeeklyRow
    from panels.facilitators import service as facilitators
    from panels.facilitators.tables import Facilitator
    from panels.migrate import migrate
    from panels.venues import service as venue_service
    from panels.venues.tables import Venue

    await migrate()
    scheme = Organisation(name="Bench scheme", kind=OrganisationKind.scheme)
    await scheme.save()
    password = hash_password("benchmark password")
    coordinator = User(
        email="c@bench.example",
        name="C",
        role=Role.coordinator,
        organisation=scheme.id,
        password_hash=password,
    )
    await coordinator.save()
    actor = Actor(coordinator.id, "c@bench.example", "C", Role.coordinator, scheme.id)
    ids = []
    for index, person in enumerate(people):
        user = User(
            email=f"f{index}@bench.example",
            name=f"F{index}",
            role=Role.facilitator,
            organisation=scheme.id,
            password_hash=password,
        )
        await user.save()
        profile = Facilitator(
            user=user.id, dbs_expires_on=person.dbs_expires_on, calendar_ics=person.ics
        )
        await profile.save()
        ids.append(profile.id)
        await _store(Owner(facilitator=profile.id), person, WeeklyRow, OneOffWindow)
    venue_ids = []
    for index, person in enumerate(venues):
        venue = Venue(
            name=f"Venue {index}", address="1 Street", postcode="NS1 1AA", area="Area", capacity=20
        )
        await venue.save()
        venue_ids.append(venue.id)
        await _store(Owner(venue=venue.id), person, WeeklyRow, OneOffWindow)
    each = []
    began = clock.perf_counter()
    for facilitator in ids:
        start = clock.perf_counter()
        await facilitators.free_time(actor, facilitator, HORIZON.start, HORIZON.end)
        each.append(clock.perf_counter() - start)
    for venue in venue_ids:
        start = clock.perf_counter()
        await venue_service.free_time(venue, HORIZON.start, HORIZON.end)
        each.append(clock.perf_counter() - start)
    return clock.perf_counter() - began, each


async def _store(owner, person, weekly_table, one_off_table) -> None:  # type: ignore[no-untyped-def]
    await weekly_table.insert(
        *(
            weekly_table(
                **owner.columns(),
                rrule=w.rrule,
                starts=w.starts,
                ends=w.ends,
                first_day=w.first_day,
            )
            for w in person.weekly
        )
    )
    if person.away:
        await one_off_table.insert(
            *(
                one_off_table(**owner.columns(), starts_at=a.start, ends_at=a.end, available=False)
                for a in person.away
            )
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(name: str, total: float, each: list[float]) -> str:
    ordered = sorted(each)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"| {name} | {len(each)} | {ms(total)} | {ms(statistics.median(each))} | "
        f"{ms(p95)} | {ms(ordered[-1])} |"
    )


def main() -> int:
    people, venues = dataset()
    everyone = people + venues
    bank_holidays()  # loaded once, as in the service
    rounds = []
    for _ in range(3):
        rounds.append(timed(library_answer, everyone))
    library_total, library_each, library_answers = min(rounds, key=lambda r: r[0])
    baseline_total, baseline_each, baseline_answers = timed(baseline_answer, everyone)
    agree = sum(same(a, b) for a, b in zip(library_answers, baseline_answers, strict=True))
    service_total, service_each = asyncio.run(service_run(people, venues))
    free_hours = sum(w.duration.total_seconds() for a in library_answers for w in a) / 3600

    rows = [
        "| way | questions | total | median | 95th percentile | slowest |",
        "|---|---|---|---|---|---|",
        summary("library (in memory)", library_total, library_each),
        summary("baseline (sets of minutes)", baseline_total, baseline_each),
        summary("service on SQLite", service_total, service_each),
    ]
    report = "\n".join(
        [
            f"## Availability queries ({datetime.now(UTC):%Y-%m-%d})",
            "",
            f"Machine: {machine()}. Measured by `./scripts/bench-availability`.",
            "",
            f"{FACILITATORS} facilitators (a third with their own calendar of weekly shifts) and "
            f"{VENUES} venues; each question asks for four weeks from 22 March 2027, across the "
            "clock change. Library figures are the best of three rounds.",
            "",
            *rows,
            "",
            f"The library is {baseline_total / library_total:.1f} times faster than the baseline "
            f"in this run, and agreed with it on {agree} of {len(everyone)} answers "
            f"({free_hours:.0f} free hours in all). The whole region's four weeks take "
            f"{ms(service_total)} through the services, {ms(statistics.median(service_each))} "
            "per person or venue at the median.",
            "",
        ]
    )
    print(report)
    write("Availability queries", report)
    return 0 if agree == len(everyone) else 1


if __name__ == "__main__":
    sys.exit(main())

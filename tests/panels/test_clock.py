"""The service's one clock: everything reads the time through panels/clock.py, so moving
it (the demo loader's `now`) moves what is recorded, and nothing reads the machine's
clock behind its back."""

from __future__ import annotations

import ast
import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from notifications.outbox import Text
from notifications.tables import OutboxMessage
from panels.cases.tables import Case, CaseEvent
from panels.clock import LONDON, london_today, running_from, utc_now
from panels.db import write_transaction
from panels.messaging import texting
from panels.settings import get_settings
from tests.world import World, refer

PACKAGES = Path(__file__).resolve().parents[2]
# The first 01:30 of the night the clocks go back (still summer time).
AUTUMN = datetime(2027, 10, 31, 1, 30, tzinfo=LONDON)


async def test_running_from_moves_the_clock_and_it_runs_on_from_there() -> None:
    with running_from(AUTUMN):
        first = utc_now()
        assert abs(first - AUTUMN) < timedelta(seconds=1)
        assert first.tzinfo is UTC
        assert london_today() == date(2027, 10, 31)
        await asyncio.sleep(0.05)
        assert utc_now() - first >= timedelta(seconds=0.05)
    assert abs(utc_now() - datetime.now(UTC)) < timedelta(seconds=1)


async def test_what_is_recorded_inside_carries_the_moved_time(world: World) -> None:
    with running_from(AUTUMN):
        case_id = await refer(world.referrer)
    case = await Case.select(Case.received_at, Case.updated_at).where(Case.id == case_id).first()
    assert case is not None
    for recorded in (case["received_at"], case["updated_at"]):
        assert abs(recorded - AUTUMN) < timedelta(minutes=1)
    events = await CaseEvent.select(CaseEvent.at).where(CaseEvent.case == case_id)
    assert events
    assert all(abs(event["at"] - AUTUMN) < timedelta(minutes=1) for event in events)


async def test_a_text_written_inside_is_written_at_the_moved_time(world: World) -> None:
    """A referral texts nobody, so write one the way every part of the service does."""
    with running_from(AUTUMN):
        async with write_transaction():
            await texting.write(
                Text(to="+447700900123", body="See you then.", kind="reminder", due_at=AUTUMN),
                get_settings(),
            )
    [row] = await OutboxMessage.select(OutboxMessage.created_at, OutboxMessage.updated_at)
    assert abs(row["created_at"] - AUTUMN) < timedelta(minutes=1)
    assert abs(row["updated_at"] - AUTUMN) < timedelta(minutes=1)


def _reads_the_machine_clock(tree: ast.AST) -> list[int]:
    """Lines that call datetime.now/utcnow/today, date.today, time.time or use Piccolo's
    own "now" default, any of which would step around the service's clock."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (
            (node.attr in {"now", "utcnow", "today"} and _named(node.value, {"datetime", "date"}))
            or (node.attr == "time" and _named(node.value, {"time"}))
        ):
            found.append(node.lineno)
        if isinstance(node, ast.Name) and node.id in {"TimestamptzNow", "TimestampNow"}:
            found.append(node.lineno)
    return found


def _named(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def test_the_service_reads_the_time_only_through_its_clock() -> None:
    offenders = {}
    for path in sorted((PACKAGES / "panels").rglob("*.py")):
        relative = path.relative_to(PACKAGES)
        if relative.parts[1] == "migrations" or relative == Path("panels/clock.py"):
            continue
        lines = _reads_the_machine_clock(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            offenders[str(relative)] = lines
    assert not offenders, offenders

"""The records people must be able to trust cannot be rewritten, and concurrent work
does not corrupt them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from piccolo.table import Table

from panels.cases import service as cases
from panels.cases.schemas import AdmissionIn, ConsentIn, TransitionIn
from panels.cases.tables import (
    Admission,
    CaseEvent,
    CaseStatus,
    Consent,
    ConsentDecision,
    ContactAttempt,
    ContactMethod,
    PersonalDataView,
)
from panels.errors import RuleBroken
from tests.world import World, refer

APPEND_ONLY: list[type[Table]] = [CaseEvent, PersonalDataView, Consent, Admission, ContactAttempt]


@pytest.mark.parametrize("table", APPEND_ONLY, ids=lambda t: t._meta.tablename)
async def test_append_only_records_cannot_be_changed_or_deleted(
    world: World, table: type[Table]
) -> None:
    await cases.record_consent(
        world.facilitator.actor,
        world.case_id,
        world.victim_id,
        ConsentIn(decision=ConsentDecision.given, method=ContactMethod.phone_call),
    )
    await cases.read_case(world.facilitator.actor, world.case_id, "tests")
    await cases.record_admission(
        world.facilitator.actor,
        world.case_id,
        world.harm_causer_id,
        AdmissionIn(admits=True, method=ContactMethod.in_person),
    )
    before = await table.count()
    assert before > 0
    with pytest.raises(Exception, match="append-only"):
        await table.update({table._meta.primary_key: table._meta.primary_key}, force=True)
    with pytest.raises(Exception, match="append-only"):
        await table.delete(force=True)
    assert await table.count() == before


async def test_concurrent_referrals_get_distinct_consecutive_references(world: World) -> None:
    case_ids = await asyncio.gather(*(refer(world.referrer) for _ in range(12)))
    summaries = [await cases.read_case(world.referrer.actor, c, "tests") for c in case_ids]
    numbers = sorted(int(s["reference"].rsplit("-", 1)[1]) for s in summaries)
    # the world's own case is number 1
    assert numbers == list(range(2, 14))


async def test_two_coordinators_accepting_at_once_accept_once(world: World) -> None:
    case_id = await refer(world.referrer)

    async def accept(lead: Any) -> str:
        try:
            await cases.transition(
                world.coordinator.actor,
                case_id,
                TransitionIn(to=CaseStatus.accepted, lead_facilitator_id=lead),
            )
        except RuleBroken as refused:
            return f"refused: {refused.rule}"
        return "accepted"

    results = await asyncio.gather(
        accept(world.facilitator.actor.id), accept(world.other_facilitator.actor.id)
    )
    assert sorted(results) == ["accepted", "refused: no_such_move"]
    timeline = await cases.case_timeline(world.coordinator.actor, case_id, "tests")
    assert [e["to_status"] for e in timeline if e["to_status"]] == ["referred", "accepted"]

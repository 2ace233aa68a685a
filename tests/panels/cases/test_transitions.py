"""Moving cases through the lifecycle over the API: every legal and illegal move."""

from __future__ import annotations

import itertools
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient

from panels.cases import lifecycle
from panels.cases import service as cases
from panels.cases.schemas import AdmissionIn, ConsentIn
from panels.cases.tables import Case, CaseStatus, ConsentDecision, ContactMethod
from tests.panels.cases.test_lifecycle import EXPECTED
from tests.world import World, refer

S = CaseStatus


async def force_status(case_id: UUID, status: CaseStatus) -> None:
    """Test set-up only: put a case straight into a state."""
    await Case.update({Case.status: status}).where(Case.id == case_id)


async def status_of(case_id: UUID) -> str:
    row = await Case.select(Case.status).where(Case.id == case_id).first()
    assert row is not None
    return str(row["status"])


async def open_the_gate(world: World) -> None:
    """Every required consent and the admission, recorded while the case is only referred
    (so nothing moves on its own)."""
    await force_status(world.case_id, S.referred)
    actor = world.coordinator.actor
    for party_id in (world.victim_id, world.harm_causer_id):
        await cases.record_consent(
            actor,
            world.case_id,
            party_id,
            ConsentIn(decision=ConsentDecision.given, method=ContactMethod.phone_call),
        )
    await cases.record_admission(
        actor,
        world.case_id,
        world.harm_causer_id,
        AdmissionIn(admits=True, method=ContactMethod.phone_call),
    )


def body_for(target: CaseStatus, world: World) -> dict[str, Any]:
    body: dict[str, Any] = {"to": target.value}
    if target is S.accepted:
        body["lead_facilitator_id"] = str(world.facilitator.actor.id)
    if target in {S.rejected, S.closed}:
        body["reason"] = "The person responsible has moved away."
    if target is S.closed:
        body["outcome"] = "not_proceeding"
    return body


@pytest.mark.parametrize(
    ("source", "target"),
    list(itertools.product(CaseStatus, CaseStatus)),
    ids=lambda status: status.value,
)
async def test_coordinator_can_make_exactly_the_moves_the_lifecycle_allows(
    client: AsyncClient, world: World, source: CaseStatus, target: CaseStatus
) -> None:
    if target is S.ready_to_schedule:
        await open_the_gate(world)
    await force_status(world.case_id, source)

    response = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json=body_for(target, world),
        headers=world.coordinator.headers,
    )

    who = EXPECTED.get((source, target))
    if who:
        assert response.status_code == 201, response.text
        assert response.json()["status"] == target.value
        timeline = await cases.case_timeline(world.coordinator.actor, world.case_id, "tests")
        assert timeline[-1]["from_status"] == source
        assert timeline[-1]["to_status"] == target
        assert timeline[-1]["actor"]["id"] == world.coordinator.actor.id
    else:
        assert response.status_code == 409, response.text
        move = lifecycle.move_between(source, target)
        expected_rule = move.rule if move else "no_such_move"
        assert response.json()["rule"] == expected_rule
        assert response.json()["detail"]
        assert await status_of(world.case_id) == source.value


async def test_an_impossible_move_says_where_the_case_can_go(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "held"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A case that is contacting cannot move to held. "
        "From contacting it can move to: ready_to_schedule, closed."
    )


async def test_a_facilitator_cannot_accept_or_close(client: AsyncClient, world: World) -> None:
    accepting = await refer(world.referrer)
    for case_id, target in ((accepting, S.accepted), (world.case_id, S.closed)):
        response = await client.post(
            f"/api/v1/cases/{case_id}/transitions",
            json=body_for(target, world),
            headers=world.facilitator.headers,
        )
        # the facilitator does not lead the new referral, so it is not theirs to see
        assert response.status_code == (404 if case_id == accepting else 403), response.text
    assert await status_of(world.case_id) == "contacting"


async def test_accepting_needs_an_active_facilitator_as_lead(
    client: AsyncClient, world: World
) -> None:
    case_id = await refer(world.referrer)
    url = f"/api/v1/cases/{case_id}/transitions"
    headers = world.coordinator.headers

    missing = await client.post(url, json={"to": "accepted"}, headers=headers)
    assert missing.status_code == 400
    assert missing.json()["field"] == "lead_facilitator_id"

    not_a_facilitator = await client.post(
        url,
        json={"to": "accepted", "lead_facilitator_id": str(world.referrer.actor.id)},
        headers=headers,
    )
    assert not_a_facilitator.status_code == 400
    assert not_a_facilitator.json()["field"] == "lead_facilitator_id"
    assert await status_of(case_id) == "referred"

    accepted = await client.post(url, json=body_for(S.accepted, world), headers=headers)
    assert accepted.status_code == 201
    assert accepted.json()["lead_facilitator"]["id"] == str(world.facilitator.actor.id)


async def test_rejecting_or_closing_needs_a_reason(client: AsyncClient, world: World) -> None:
    case_id = await refer(world.referrer)
    rejected = await client.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "rejected"},
        headers=world.coordinator.headers,
    )
    assert rejected.status_code == 400
    assert rejected.json()["field"] == "reason"
    closing = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "closed", "reason": "Moved away"},
        headers=world.coordinator.headers,
    )
    assert closing.status_code == 400
    assert closing.json()["field"] == "outcome"
    assert await status_of(case_id) == "referred"
    assert await status_of(world.case_id) == "contacting"


async def test_the_referrer_sees_the_reason_for_a_rejection(
    client: AsyncClient, world: World
) -> None:
    case_id = await refer(world.referrer)
    await client.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "rejected", "reason": "Suggest a community resolution instead."},
        headers=world.coordinator.headers,
    )
    seen = await client.get(f"/api/v1/cases/{case_id}", headers=world.referrer.headers)
    assert seen.json()["status"] == "rejected"
    assert seen.json()["rejection_reason"] == "Suggest a community resolution instead."


async def test_a_case_cannot_close_as_completed_before_a_panel(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "closed", "outcome": "completed", "reason": "All done"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "closing"
    await force_status(world.case_id, S.agreement)
    after_panel = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "closed", "outcome": "completed", "reason": "All actions done"},
        headers=world.coordinator.headers,
    )
    assert after_panel.status_code == 201
    assert after_panel.json()["outcome"] == "completed"
    assert after_panel.json()["closed_at"] is not None


async def test_accepting_a_case_whose_consents_are_in_makes_it_ready(
    client: AsyncClient, world: World
) -> None:
    await open_the_gate(world)
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json=body_for(S.accepted, world),
        headers=world.coordinator.headers,
    )
    assert response.status_code == 201
    assert response.json()["status"] == "ready_to_schedule"
    timeline = await cases.case_timeline(world.coordinator.actor, world.case_id, "tests")
    moves = [(e["from_status"], e["to_status"]) for e in timeline if e["to_status"]]
    assert moves[-2:] == [(S.referred, S.accepted), (S.accepted, S.ready_to_schedule)]


async def test_unknown_status_is_a_validation_error(client: AsyncClient, world: World) -> None:
    response = await client.post(
        f"/api/v1/cases/{world.case_id}/transitions",
        json={"to": "finished"},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "to"

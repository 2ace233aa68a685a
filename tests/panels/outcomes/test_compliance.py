"""The breach protocol for each branch: a first miss is chased, a second goes to a
coordinator, who carries on, waives what was missed, or closes the case as breached; an
accepted reason does not count; and the threshold is configurable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from notifications.tables import OutboxMessage
from notifications.templates import check_safe
from panels.cases.tables import Case
from panels.clock import london_today, utc_now
from panels.errors import Forbidden
from panels.outcomes import compliance
from panels.outcomes import service as outcomes
from panels.outcomes.schemas import ActionIn
from panels.outcomes.tables import AgreementAction
from panels.settings import get_settings
from panels.tasks.tables import Task
from tests.panels.reparation.test_reparation import agreed
from tests.world import World


async def overdue(world: World, setting: dict[str, Any], *descriptions: str) -> None:
    """Actions whose deadline was yesterday."""
    await outcomes.add_actions(
        world.facilitator.actor,
        setting["case_id"],
        [
            ActionIn.model_validate(
                {
                    "kind": "behaviour_commitment",
                    "owner_party_id": str(setting["causer"]),
                    "description": text,
                    "deadline": (london_today() - timedelta(days=1)).isoformat(),
                }
            )
            for text in descriptions
        ],
    )


async def tasks_of(setting: dict[str, Any]) -> list[str]:
    rows = await Task.select(Task.kind).where(
        (Task.case == setting["case_id"]) & Task.done_at.is_null()
    )
    return sorted(row["kind"] for row in rows)


async def test_a_first_missed_deadline_is_chased(world: World) -> None:
    setting = await agreed(world)
    await overdue(world, setting, "Keep the music down after 10pm.")
    assert await compliance.missed_deadlines() == 1
    assert await tasks_of(setting) == ["call_party"]
    statuses = await AgreementAction.select(AgreementAction.status).where(
        AgreementAction.kind == "behaviour_commitment"
    )
    assert statuses == [{"status": "missed"}]
    # And a gentle text asking them to call: no word of breach or consequences.
    [text] = await OutboxMessage.select(OutboxMessage.body).where(
        (OutboxMessage.party_id == setting["causer"]) & (OutboxMessage.kind == "agreement_chase")
    )
    assert "what you agreed" in text["body"]
    assert check_safe(text["body"]) == []
    assert await compliance.missed_deadlines() == 0  # nothing twice


async def test_a_second_miss_asks_a_coordinator_to_decide(world: World) -> None:
    setting = await agreed(world)
    await overdue(world, setting, "Keep the music down.", "Write to the residents' group.")
    await compliance.missed_deadlines()
    assert await tasks_of(setting) == ["breach_decision", "call_party"]


async def test_the_threshold_for_a_decision_is_configurable(
    world: World, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("NJP_BREACH_DECIDE_AFTER", "1")
    get_settings.cache_clear()
    setting = await agreed(world)
    await overdue(world, setting, "Keep the music down.")
    await compliance.missed_deadlines()
    assert await tasks_of(setting) == ["breach_decision"]


async def test_only_a_coordinator_decides(world: World) -> None:
    setting = await agreed(world)
    with pytest.raises(Forbidden):
        await compliance.decide(
            world.facilitator.actor, setting["case_id"], "close", "Missed twice."
        )


async def test_waiving_clears_what_was_missed_and_the_case_carries_on(world: World) -> None:
    setting = await agreed(world)
    await overdue(world, setting, "Keep the music down.", "Write to the residents' group.")
    await compliance.missed_deadlines()
    await compliance.decide(
        world.coordinator.actor, setting["case_id"], "waive", "A bereavement in the family."
    )
    statuses = await AgreementAction.select(AgreementAction.status).where(
        AgreementAction.kind == "behaviour_commitment"
    )
    assert {s["status"] for s in statuses} == {"waived"}
    assert "breach_decision" not in await tasks_of(setting)
    case = await Case.select(Case.status).where(Case.id == setting["case_id"]).first()
    assert case == {"status": "agreement"}


async def test_closing_as_breached_is_what_the_referrer_sees(
    client: AsyncClient, world: World
) -> None:
    setting = await agreed(world)
    await overdue(world, setting, "Keep the music down.", "Write to the residents' group.")
    await compliance.missed_deadlines(utc_now())
    response = await client.post(
        f"/api/v1/cases/{setting['case_id']}/breach-decision",
        json={"decision": "close", "reason": "Missed twice without a word."},
        headers=world.coordinator.headers,
    )
    assert response.status_code == 204, response.text
    seen = await client.get(f"/api/v1/cases/{setting['case_id']}", headers=world.referrer.headers)
    assert (seen.json()["status"], seen.json()["outcome"]) == ("closed", "breached")
    refused = await client.post(
        f"/api/v1/cases/{setting['case_id']}/breach-decision",
        json={"decision": "carry_on", "reason": "x"},
        headers=world.facilitator.headers,
    )
    assert refused.status_code == 403

"""HTTP routes for what happened at a panel and the outcome agreement."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.cases.audit import record_view
from panels.errors import NotFound
from panels.outcomes import compliance, service
from panels.outcomes.schemas import (
    ActionChange,
    ActionIn,
    AgreementOut,
    BreachDecisionIn,
    PanelRecordIn,
)

STAFF = allow(Role.coordinator, Role.facilitator)


@post("/panels/{panel_id:uuid}/record", opt=STAFF, status_code=HTTP_204_NO_CONTENT)
async def record_panel(
    actor: NamedDependency[Actor], panel_id: FromPath[UUID], data: JSONBody[PanelRecordIn]
) -> None:
    """What happened: held (with who came, who agreed, and the agreement's actions),
    postponed, or did not go ahead (book again, or close: a coordinator's choice)."""
    await service.record_panel(actor, panel_id, data)


@get("/cases/{case_id:uuid}/agreement", opt=STAFF)
async def read_agreement(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> AgreementOut:
    found = await service.agreement(actor, case_id)
    await record_view(case_id, actor, request.url.path)
    if found is None:
        raise NotFound("No panel has been recorded for this case yet.")
    return AgreementOut.model_validate(found)


@post("/cases/{case_id:uuid}/agreement/actions", opt=STAFF, status_code=HTTP_201_CREATED)
async def add_actions(
    actor: NamedDependency[Actor], case_id: FromPath[UUID], data: JSONBody[list[ActionIn]]
) -> dict[str, list[int]]:
    return {"ids": await service.add_actions(actor, case_id, data)}


@patch("/agreement-actions/{action_id:int}", opt=STAFF, status_code=HTTP_204_NO_CONTENT)
async def change_action(
    actor: NamedDependency[Actor], action_id: FromPath[int], data: JSONBody[ActionChange]
) -> None:
    """Done, missed (with why), or waived (with why)."""
    await service.change_action(actor, action_id, data)


@post("/cases/{case_id:uuid}/breach-decision", opt=COORDINATORS, status_code=HTTP_204_NO_CONTENT)
async def breach_decision(
    actor: NamedDependency[Actor], case_id: FromPath[UUID], data: JSONBody[BreachDecisionIn]
) -> None:
    """After repeated misses: carry on, waive what was missed, or close as breached."""
    await compliance.decide(actor, case_id, data.decision, data.reason)


router = Router(
    path="/",
    route_handlers=[record_panel, read_agreement, add_actions, change_action, breach_decision],
    tags=["outcomes"],
)

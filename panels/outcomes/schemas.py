"""The shapes of the outcomes API: recording a panel, and the agreement's actions."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from panels.outcomes.tables import ActionKind, ActionStatus, PanelResult

Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=8000)]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
]
TaskType = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

# Nothing in an agreement may cost the person responsible money: no fines, no paying for
# the damage, no buying a replacement. Whatever is written is checked for it.
_MONEY = re.compile(
    r"£|\$|€|\b(pay|pays|paid|paying|payment|repay\w*|fine|fined|fines|money|cash|cost|costs"
    r"|compensat\w*|reimburs\w*|refund\w*|purchase\w*|buy|buys|bought|pounds?|fee|fees"
    r"|donat\w*)\b",
    re.IGNORECASE,
)


def costs_money(text: str) -> bool:
    return bool(_MONEY.search(text))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AttendanceIn(Strict):
    party_id: UUID
    attended: bool
    absence_reason: Reason = Field(default="", description="Needed for someone who did not come.")
    agrees: bool | None = Field(
        default=None, description="Whether they agreed to the outcome; only if they came."
    )

    @model_validator(mode="after")
    def _reason_for_absence(self) -> AttendanceIn:
        if not self.attended and not self.absence_reason:
            raise ValueError("Say why they did not come")
        if not self.attended and self.agrees is not None:
            raise ValueError("Only someone who came can agree to the outcome")
        return self


class ActionIn(Strict):
    kind: ActionKind
    owner_party_id: UUID = Field(description="Who does it; usually the person responsible.")
    description: Description
    deadline: date
    hours: int | None = Field(default=None, ge=1, le=200, description="Reparation: hours agreed.")
    task_type: TaskType | None = Field(
        default=None, description="Reparation: the kind of work (food bank, litter picking...)."
    )
    support_service_id: UUID | None = Field(
        default=None, description="A referral: the service in the directory."
    )

    @model_validator(mode="after")
    def _complete_and_free(self) -> ActionIn:
        if self.kind is ActionKind.reparation_hours and (self.hours is None or not self.task_type):
            raise ValueError("Reparation needs the hours agreed and the kind of work")
        if self.kind is ActionKind.support_referral and self.support_service_id is None:
            raise ValueError("A referral needs the support service it is to")
        if costs_money(self.description) or costs_money(self.task_type or ""):
            raise ValueError(
                "Nothing in an agreement may cost the person responsible money; "
                "describe what they will do instead"
            )
        return self


class PanelRecordIn(Strict):
    result: PanelResult
    reason: Reason = Field(default="", description="Why it was postponed or did not go ahead.")
    notes: Notes = Field(default="", description="The facilitators' own notes (restricted).")
    attendance: list[AttendanceIn] = Field(default_factory=list)
    then: Literal["reschedule", "close"] | None = Field(
        default=None, description="For a panel that did not go ahead: book again, or close."
    )
    actions: list[ActionIn] = Field(
        default_factory=list, description="For a held panel: the agreement's actions."
    )

    @model_validator(mode="after")
    def _consistent(self) -> PanelRecordIn:
        if self.result is not PanelResult.held and not self.reason:
            raise ValueError("Say why the panel was postponed or did not go ahead")
        if self.result is PanelResult.not_held and self.then is None:
            raise ValueError("Choose whether to book the panel again or close the case")
        if self.result is not PanelResult.held and self.actions:
            raise ValueError("Only a panel that was held has an agreement")
        return self


class ActionChange(Strict):
    status: ActionStatus
    reason: Reason = Field(default="", description="Needed to waive an action or mark it missed.")

    @model_validator(mode="after")
    def _reason(self) -> ActionChange:
        if self.status in {ActionStatus.waived, ActionStatus.missed} and not self.reason:
            raise ValueError(f"Say why the action is {self.status.value}")
        return self


class ActionOut(BaseModel):
    id: int
    kind: ActionKind
    owner_party_id: UUID
    owner_role: str
    description: str
    deadline: date
    hours: int | None
    task_type: str | None
    support_service_id: UUID | None
    status: ActionStatus
    status_reason: str


class AttendanceOut(BaseModel):
    party_id: UUID
    role: str
    attended: bool
    absence_reason: str
    agrees: bool | None


class AgreementOut(BaseModel):
    panel_id: UUID
    result: PanelResult
    reason: str
    recorded_at: datetime
    notes: str = Field(description="The facilitators' notes: staff only.")
    attendance: list[AttendanceOut]
    actions: list[ActionOut]


class BreachDecisionIn(Strict):
    decision: Literal["carry_on", "waive", "close"] = Field(
        description="carry_on: nothing changes; waive: what was missed is waived; "
        "close: the case closes as breached."
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

"""The shapes of the cases API: referrals, parties, consent, contact, availability, views.

Reads come in two shapes: `CaseSummary` (what a referrer may see: status and outcome) and
`CaseDetail` (what the lead facilitator and coordinators work from).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from panels.accounts.tables import Role
from panels.cases.tables import (
    CaseStatus,
    ConsentDecision,
    ContactMethod,
    ContactOutcome,
    ContactPreference,
    Language,
    OffenceCategory,
    Outcome,
    PartyRole,
)
from panels.clock import london_today
from panels.phones import PhoneNumber

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Area = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Input -------------------------------------------------------------------------------


class PartyIn(Strict):
    role: PartyRole
    name: Line
    phone: PhoneNumber | None = None
    email: EmailStr | None = None
    language: Language = Language.en
    contact_preference: ContactPreference = ContactPreference.sms
    interpreter_language: Line | None = None
    step_free_access: bool = False
    hearing_loop: bool = False
    young_person: bool = Field(default=False, description="Under 18; set from date_of_birth too.")
    date_of_birth: date | None = None
    avoid_areas: list[Area] = Field(default_factory=list, max_length=20)
    safeguarding_notes: Notes = Field(
        default="", description="Seen only by coordinators and the lead facilitator."
    )

    @model_validator(mode="after")
    def _contact_route_exists(self) -> PartyIn:
        pref = self.contact_preference
        if pref in {ContactPreference.sms, ContactPreference.phone_call} and not self.phone:
            raise ValueError(
                f"A phone number is needed to contact this person by {pref.value.replace('_', ' ')}"
            )
        if pref is ContactPreference.email and not self.email:
            raise ValueError("An email address is needed to contact this person by email")
        if self.date_of_birth and self.date_of_birth > london_today():
            raise ValueError("The date of birth cannot be in the future")
        return self


class ReferralIn(Strict):
    offence_category: OffenceCategory
    incident_date: date
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    area: Area
    admits_responsibility: bool = Field(
        description="A panel needs the person responsible to admit it; must be true."
    )
    parties: list[PartyIn] = Field(min_length=2, max_length=20)


class TransitionIn(Strict):
    to: CaseStatus
    lead_facilitator_id: UUID | None = Field(default=None, description="Needed to accept.")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = (
        Field(default=None, description="Needed to reject or close; shown to the referrer.")
    )
    outcome: Outcome | None = Field(default=None, description="Needed to close.")


class ConsentIn(Strict):
    decision: ConsentDecision
    method: ContactMethod


class AdmissionIn(Strict):
    admits: bool
    method: ContactMethod


class ContactAttemptIn(Strict):
    attempted_at: AwareDatetime
    method: ContactMethod
    outcome: ContactOutcome
    notes: Notes = ""


class Window(BaseModel):
    """A half-open window [start, end)."""

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError("The end of a window must be after its start")
        return self


class PartyAvailabilityIn(Strict):
    windows: list[Window] = Field(max_length=200)


# Output ------------------------------------------------------------------------------


class Person(BaseModel):
    id: UUID
    name: str
    role: Role


class CaseSummary(BaseModel):
    """A case as its referring organisation sees it."""

    id: UUID
    reference: str
    status: CaseStatus
    offence_category: OffenceCategory
    incident_date: date
    area: str
    organisation_id: UUID
    received_at: datetime
    rejection_reason: str | None
    outcome: Outcome | None
    outcome_reason: str | None
    closed_at: datetime | None
    satisfaction: float | None = Field(
        default=None,
        description="How the person harmed rated the panel, 1 to 5 (the average of their "
        "feedback answers), once they have answered; never their words. One case only.",
    )


class CaseListItem(CaseSummary):
    """A row in staff case lists: enough to triage and chase, no party details."""

    first_contact_due_at: datetime
    first_contact_at: datetime | None
    first_contact_overdue: bool
    lead_facilitator: Person | None


class ConsentOut(BaseModel):
    decision: ConsentDecision
    method: ContactMethod
    recorded_by: Person
    recorded_at: datetime


class AdmissionOut(BaseModel):
    admits: bool
    method: ContactMethod
    recorded_by: Person
    recorded_at: datetime


class ContactAttemptOut(BaseModel):
    attempted_at: datetime
    method: ContactMethod
    outcome: ContactOutcome
    notes: str
    recorded_by: Person


class PartyOut(BaseModel):
    id: UUID
    role: PartyRole
    name: str
    phone: str | None
    email: str | None
    language: Language
    contact_preference: ContactPreference
    interpreter_language: str | None
    step_free_access: bool
    hearing_loop: bool
    young_person: bool
    date_of_birth: date | None
    avoid_areas: list[str]
    safeguarding_notes: str
    consent: ConsentDecision | None = Field(description="The latest consent entry counts.")
    consent_history: list[ConsentOut]
    admissions: list[AdmissionOut]
    contact_attempts: list[ContactAttemptOut]
    availability: list[Window]


class CaseDetail(CaseListItem):
    summary: str
    admits_responsibility: bool
    referrer: Person
    parties: list[PartyOut]
    can_move_to: list[CaseStatus]
    blocking_scheduling: list[str] = Field(
        description="Why the case cannot be scheduled yet; empty when it can."
    )


class Page(BaseModel):
    items: list[Any]
    total: int
    page: int
    page_size: int


class CaseSummaryPage(Page):
    items: list[CaseSummary]


class CaseListPage(Page):
    items: list[CaseListItem]


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    from_status: CaseStatus | None
    to_status: CaseStatus | None
    actor: Person | None = Field(description="None for changes the service made itself.")
    details: dict[str, Any]


class StatusChange(BaseModel):
    """A referrer's view of the timeline: when the status changed, nothing more."""

    at: datetime
    from_status: CaseStatus | None
    to_status: CaseStatus


class ViewLogEntry(BaseModel):
    at: datetime
    viewer: Person
    endpoint: str


class PartyAvailabilityOut(BaseModel):
    party_id: UUID
    windows: list[Window]

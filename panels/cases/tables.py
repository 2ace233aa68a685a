"""Cases and everything recorded on them: parties, consent, admissions, contact attempts,
availability, the append-only timeline and the log of who viewed personal data."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    UUID,
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from panels.accounts.tables import Organisation, User
from panels.clock import Now


class CaseStatus(StrEnum):
    referred = "referred"
    accepted = "accepted"
    rejected = "rejected"
    contacting = "contacting"
    ready_to_schedule = "ready_to_schedule"
    scheduled = "scheduled"
    held = "held"
    agreement = "agreement"
    closed = "closed"


class Outcome(StrEnum):
    completed = "completed"
    partially_completed = "partially_completed"
    breached = "breached"
    not_proceeding = "not_proceeding"


class OffenceCategory(StrEnum):
    anti_social_behaviour = "anti_social_behaviour"
    criminal_damage = "criminal_damage"
    harassment = "harassment"
    public_order = "public_order"
    low_value_shop_theft = "low_value_shop_theft"
    neighbour_dispute = "neighbour_dispute"
    other = "other"


class PartyRole(StrEnum):
    victim = "victim"
    harm_causer = "harm_causer"
    supporter = "supporter"
    guardian = "guardian"
    community_representative = "community_representative"


class Language(StrEnum):
    en = "en"
    cy = "cy"


class ContactPreference(StrEnum):
    sms = "sms"
    phone_call = "phone_call"
    email = "email"
    letter = "letter"


class ContactMethod(StrEnum):
    phone_call = "phone_call"
    sms = "sms"
    email = "email"
    letter = "letter"
    in_person = "in_person"


class ContactOutcome(StrEnum):
    spoke = "spoke"
    no_answer = "no_answer"
    left_message = "left_message"
    wrong_details = "wrong_details"
    refused_to_talk = "refused_to_talk"


class ConsentDecision(StrEnum):
    given = "given"
    declined = "declined"
    withdrawn = "withdrawn"


class ReferenceCounter(Table, tablename="reference_counters"):
    """The last case number issued in each year, for references like NJP-2027-000123."""

    year = Integer(primary_key=True)
    last_number = Integer(default=0)


class Case(Table, tablename="cases"):
    id = UUID(primary_key=True)
    reference = Varchar(length=20, unique=True, index=True)
    status = Varchar(length=20, choices=CaseStatus, default=CaseStatus.referred, index=True)
    offence_category = Varchar(length=30, choices=OffenceCategory)
    incident_date = Date()
    summary = Text()
    area = Varchar(length=100, index=True)
    admits_responsibility = Boolean()
    referrer = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True, null=False)
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.restrict, index=True, null=False
    )
    received_at = Timestamptz(default=Now())
    first_contact_due_at = Timestamptz()
    first_contact_at = Timestamptz(null=True, default=None)
    lead_facilitator = ForeignKey(
        references=User, on_delete=OnDelete.restrict, null=True, default=None, index=True
    )
    rejection_reason = Text(null=True, default=None)
    outcome = Varchar(length=30, choices=Outcome, null=True, default=None)
    outcome_reason = Text(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=Now())


class Party(Table, tablename="parties"):
    id = UUID(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    role = Varchar(length=30, choices=PartyRole)
    name = Varchar(length=200)
    # Indexed: a text that comes in is matched to its sender by number.
    phone = Varchar(length=20, null=True, default=None, index=True)
    email = Varchar(length=254, null=True, default=None)
    language = Varchar(length=2, choices=Language, default=Language.en)
    contact_preference = Varchar(length=20, choices=ContactPreference, default="sms")
    interpreter_language = Varchar(length=50, null=True, default=None)
    step_free_access = Boolean(default=False)
    hearing_loop = Boolean(default=False)
    young_person = Boolean(default=False)
    date_of_birth = Date(null=True, default=None)
    avoid_areas = JSON(default=[])
    safeguarding_notes = Text(default="")
    created_at = Timestamptz(default=Now())


class Consent(Table, tablename="consents"):
    """Append-only: the latest row for a party is their current consent."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    decision = Varchar(length=20, choices=ConsentDecision)
    method = Varchar(length=20, choices=ContactMethod)
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz(default=Now())


class Admission(Table, tablename="admissions"):
    """Append-only: the harm-causer's admission of responsibility as confirmed in contact."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    admits = Boolean()
    method = Varchar(length=20, choices=ContactMethod)
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz(default=Now())


class ContactAttempt(Table, tablename="contact_attempts"):
    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    attempted_at = Timestamptz()
    method = Varchar(length=20, choices=ContactMethod)
    outcome = Varchar(length=20, choices=ContactOutcome)
    notes = Text(default="")
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz(default=Now())


class AvailabilityWindow(Table, tablename="availability_windows"):
    """A half-open window [starts_at, ends_at) when a party can attend a panel."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    starts_at = Timestamptz()
    ends_at = Timestamptz()


class CaseEvent(Table, tablename="case_events"):
    """Append-only timeline: who changed what on a case, and when. Holds no names or
    contact details, so it can outlive the retention of personal data."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    at = Timestamptz(default=Now())
    actor = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None)
    kind = Varchar(length=40)
    from_status = Varchar(length=20, choices=CaseStatus, null=True, default=None)
    to_status = Varchar(length=20, choices=CaseStatus, null=True, default=None)
    details = JSON(default={})


class PersonalDataView(Table, tablename="personal_data_views"):
    """Append-only: every time someone read a case's personal data, and through what."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    viewer = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True, null=False)
    at = Timestamptz(default=Now())
    endpoint = Varchar(length=200)

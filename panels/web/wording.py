"""The words pages use for the service's stored values: plain English, and the same
everywhere."""

from __future__ import annotations

from notifications.replies import Intent
from notifications.templates import MessageKind
from panels.accounts.tables import OrganisationKind, Role
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
from panels.facilitators.tables import Skill
from panels.messaging.tables import Attendance
from panels.outcomes.tables import ActionKind, ActionStatus, PanelResult
from panels.reparation.tables import PlacementStatus
from panels.support.tables import SupportCategory
from panels.venues.tables import VenueFeature

STATUS: dict[str, str] = {
    CaseStatus.referred: "Referred",
    CaseStatus.accepted: "Accepted",
    CaseStatus.rejected: "Not accepted",
    CaseStatus.contacting: "Contacting people",
    CaseStatus.ready_to_schedule: "Ready to schedule",
    CaseStatus.scheduled: "Panel booked",
    CaseStatus.held: "Panel held",
    CaseStatus.agreement: "Following the agreement",
    CaseStatus.closed: "Closed",
}

# GOV.UK tag colours; every pair of text and background passes WCAG AA contrast.
STATUS_COLOUR: dict[str, str] = {
    CaseStatus.referred: "govuk-tag--blue",
    CaseStatus.accepted: "govuk-tag--light-blue",
    CaseStatus.rejected: "govuk-tag--grey",
    CaseStatus.contacting: "govuk-tag--yellow",
    CaseStatus.ready_to_schedule: "govuk-tag--green",
    CaseStatus.scheduled: "govuk-tag--purple",
    CaseStatus.held: "govuk-tag--pink",
    CaseStatus.agreement: "govuk-tag--orange",
    CaseStatus.closed: "govuk-tag--grey",
}

OUTCOME: dict[str, str] = {
    Outcome.completed: "Completed",
    Outcome.partially_completed: "Partially completed",
    Outcome.breached: "Agreement breached",
    Outcome.not_proceeding: "Not proceeding",
}

OFFENCE: dict[str, str] = {
    OffenceCategory.anti_social_behaviour: "Anti-social behaviour",
    OffenceCategory.criminal_damage: "Criminal damage",
    OffenceCategory.harassment: "Harassment",
    OffenceCategory.public_order: "Public order",
    OffenceCategory.low_value_shop_theft: "Low-value shop theft",
    OffenceCategory.neighbour_dispute: "Neighbour dispute",
    OffenceCategory.other: "Something else",
}

PARTY_ROLE: dict[str, str] = {
    PartyRole.victim: "Person harmed",
    PartyRole.harm_causer: "Person responsible",
    PartyRole.supporter: "Supporter",
    PartyRole.guardian: "Parent or guardian",
    PartyRole.community_representative: "Community representative",
}

LANGUAGE: dict[str, str] = {Language.en: "English", Language.cy: "Cymraeg (Welsh)"}

CONTACT_PREFERENCE: dict[str, str] = {
    ContactPreference.sms: "Text message",
    ContactPreference.phone_call: "Phone call",
    ContactPreference.email: "Email",
    ContactPreference.letter: "Letter",
}

CONTACT_METHOD: dict[str, str] = {
    ContactMethod.phone_call: "Phone call",
    ContactMethod.sms: "Text message",
    ContactMethod.email: "Email",
    ContactMethod.letter: "Letter",
    ContactMethod.in_person: "In person",
}

CONTACT_OUTCOME: dict[str, str] = {
    ContactOutcome.spoke: "Spoke to them",
    ContactOutcome.no_answer: "No answer",
    ContactOutcome.left_message: "Left a message",
    ContactOutcome.wrong_details: "Wrong contact details",
    ContactOutcome.refused_to_talk: "Did not want to talk",
}

CONSENT: dict[str, str] = {
    ConsentDecision.given: "Consent given",
    ConsentDecision.declined: "Declined",
    ConsentDecision.withdrawn: "Consent withdrawn",
}

CONSENT_COLOUR: dict[str, str] = {
    ConsentDecision.given: "govuk-tag--green",
    ConsentDecision.declined: "govuk-tag--red",
    ConsentDecision.withdrawn: "govuk-tag--red",
}

ROLE: dict[str, str] = {
    Role.coordinator: "Coordinator",
    Role.facilitator: "Facilitator",
    Role.referrer: "Referrer",
}

ORGANISATION_KIND: dict[str, str] = {
    OrganisationKind.police: "Police",
    OrganisationKind.housing: "Housing provider",
    OrganisationKind.council: "Council",
    OrganisationKind.youth_justice: "Youth justice",
    OrganisationKind.scheme: "The scheme",
}

SKILL: dict[str, str] = {
    Skill.lead: "Lead facilitator",
    Skill.co_facilitator: "Co-facilitator",
    Skill.youth: "Youth panels",
    Skill.hate_crime: "Hate crime",
}

VENUE_FEATURE: dict[str, str] = {
    VenueFeature.step_free: "Step-free access",
    VenueFeature.hearing_loop: "Hearing loop",
    VenueFeature.accessible_toilet: "Accessible toilet",
}

# A party's answer, by text, to the invitation to their panel.
ATTENDANCE: dict[str, str] = {
    Attendance.pending: "Invited, no answer yet",
    Attendance.confirmed: "Confirmed by text",
    Attendance.declined: "Said they cannot come",
    Attendance.change_requested: "Asked to change the time",
}

ATTENDANCE_COLOUR: dict[str, str] = {
    Attendance.pending: "govuk-tag--grey",
    Attendance.confirmed: "govuk-tag--green",
    Attendance.declined: "govuk-tag--red",
    Attendance.change_requested: "govuk-tag--orange",
}

# What a text we sent was for.
TEXT_KIND: dict[str, str] = {
    MessageKind.invitation: "Invitation to the panel",
    MessageKind.reminder: "Reminder of the panel",
    MessageKind.rescheduled: "The panel's new time",
    MessageKind.cancelled: "The panel is cancelled",
    MessageKind.facilitator_booked: "Panel booked, to a facilitator",
    MessageKind.facilitator_reminder: "Reminder, to a facilitator",
    MessageKind.facilitator_rescheduled: "Panel moved, to a facilitator",
    MessageKind.facilitator_cancelled: "Panel cancelled, to a facilitator",
    MessageKind.facilitator_released: "Taken off the panel, to a facilitator",
    MessageKind.survey_question: "A feedback question",
    MessageKind.survey_link: "The link to the feedback survey",
    MessageKind.reparation_booked: "Booked into a reparation session",
    MessageKind.reparation_reminder: "Reminder of a reparation session",
    MessageKind.reparation_missed: "A missed reparation session",
    MessageKind.reparation_cancelled: "A reparation session called off",
    MessageKind.agreement_chase: "Asked to call about the agreement",
}

# What a reply was understood as.
REPLY_INTENT: dict[str, str] = {
    Intent.confirm: "Yes, they will come",
    Intent.decline: "No, they cannot come",
    Intent.change: "They want to change the time",
    Intent.stop: "STOP: send them no more texts",
    Intent.start: "START: they will take texts again",
    Intent.help: "They asked for help",
    Intent.score: "An answer to the feedback question",
    Intent.unknown: "Not understood: a person needs to read it",
}

# What the phone company said became of a sent text, where it has said.
DELIVERY: dict[str, str] = {
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "not delivered",
    "failed": "not delivered",
}

# What happened at a panel.
PANEL_RESULT: dict[str, str] = {
    PanelResult.held: "Held",
    PanelResult.postponed: "Postponed",
    PanelResult.not_held: "Did not go ahead",
}

# The kinds of action in an outcome agreement, as the form offers them.
ACTION_KIND: dict[str, str] = {
    ActionKind.written_apology: "A written apology",
    ActionKind.spoken_apology: "An apology in person",
    ActionKind.reparation_hours: "Hours of work to put things right",
    ActionKind.workshop: "A workshop or course",
    ActionKind.behaviour_commitment: "A promise about how they will behave",
    ActionKind.support_referral: "A referral to a support service",
}

# The same, as the printed agreement says it after "The person responsible will".
ACTION_PROMISE: dict[str, str] = {
    ActionKind.written_apology: "write a letter of apology",
    ActionKind.spoken_apology: "say sorry in person",
    ActionKind.reparation_hours: "do {hours} hours of work to put things right",
    ActionKind.workshop: "go to a workshop or course",
    ActionKind.behaviour_commitment: "keep to this promise",
    ActionKind.support_referral: "take up the support offered",
}

ACTION_STATUS: dict[str, str] = {
    ActionStatus.pending: "Not done yet",
    ActionStatus.done: "Done",
    ActionStatus.missed: "Missed",
    ActionStatus.waived: "Waived",
}

# A place in a reparation session, as the case page lists it.
PLACEMENT_STATUS: dict[str, str] = {
    PlacementStatus.booked: "Booked",
    PlacementStatus.attended: "Came",
    PlacementStatus.absent: "Missed",
    PlacementStatus.cancelled: "Cancelled",
}

ACTION_STATUS_COLOUR: dict[str, str] = {
    ActionStatus.pending: "govuk-tag--blue",
    ActionStatus.done: "govuk-tag--green",
    ActionStatus.missed: "govuk-tag--red",
    ActionStatus.waived: "govuk-tag--grey",
}

# The kinds of help in the support services directory.
SUPPORT_CATEGORY: dict[str, str] = {
    SupportCategory.debt: "Debt and money",
    SupportCategory.housing: "Housing",
    SupportCategory.mental_health: "Mental health",
    SupportCategory.drugs_and_alcohol: "Drugs and alcohol",
    SupportCategory.employment: "Work and training",
    SupportCategory.youth: "Young people",
    SupportCategory.other: "Other help",
}

# Stored values are StrEnums, which look up as their plain string values too.
ALL: dict[str, dict[str, str]] = {
    "status": STATUS,
    "outcome": OUTCOME,
    "offence": OFFENCE,
    "party_role": PARTY_ROLE,
    "language": LANGUAGE,
    "contact_preference": CONTACT_PREFERENCE,
    "contact_method": CONTACT_METHOD,
    "contact_outcome": CONTACT_OUTCOME,
    "consent": CONSENT,
    "role": ROLE,
    "organisation_kind": ORGANISATION_KIND,
    "skill": SKILL,
    "venue_feature": VENUE_FEATURE,
    "attendance": ATTENDANCE,
    "text_kind": TEXT_KIND,
    "reply_intent": REPLY_INTENT,
    "panel_result": PANEL_RESULT,
    "action_kind": ACTION_KIND,
    "action_status": ACTION_STATUS,
    "placement_status": PLACEMENT_STATUS,
    "support_category": SUPPORT_CATEGORY,
}


def options(vocabulary: str) -> list[tuple[str, str]]:
    """(value, words) pairs in the order the vocabulary lists them."""
    return [(str(value), words) for value, words in ALL[vocabulary].items()]

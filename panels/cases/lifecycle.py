"""The case lifecycle as an explicit state machine, and the consent gate for scheduling.

Pure: no database. Each move names who may ask for it through the API (an empty set
means only the service makes it, as a consequence of something else: a contact
attempt, a consent, a booking) and the rule a person is told when it is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from panels.accounts.tables import Role
from panels.cases.tables import CaseStatus, ConsentDecision, Outcome, PartyRole

S = CaseStatus

OPEN_STATUSES = frozenset(set(CaseStatus) - {S.rejected, S.closed})
# States in which a lead facilitator is working the case and consent can be gathered.
CONTACT_STATUSES = frozenset({S.accepted, S.contacting, S.ready_to_schedule, S.scheduled})
# Consent must stay current in these states, or the case falls back to contacting.
CONSENTED_STATUSES = frozenset({S.ready_to_schedule, S.scheduled})
# Parties whose current consent a panel needs; supporters and community
# representatives take part only if they choose to.
REQUIRED_ROLES = frozenset({PartyRole.victim, PartyRole.harm_causer, PartyRole.guardian})
# Outcomes that describe a panel's agreement; any open case can end as not_proceeding.
AGREEMENT_OUTCOMES = frozenset(set(Outcome) - {Outcome.not_proceeding})

_BY_STAFF = frozenset({Role.coordinator, Role.facilitator})
_BY_COORDINATOR = frozenset({Role.coordinator})
_BY_SERVICE: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class Move:
    source: CaseStatus
    target: CaseStatus
    by: frozenset[Role]
    rule: str
    explanation: str


def _moves() -> dict[tuple[CaseStatus, CaseStatus], Move]:
    moves = [
        Move(
            S.referred,
            S.accepted,
            _BY_COORDINATOR,
            "triage",
            "A coordinator accepts a referral and names its lead facilitator.",
        ),
        Move(
            S.referred,
            S.rejected,
            _BY_COORDINATOR,
            "triage",
            "A coordinator rejects a referral, giving a reason.",
        ),
        Move(
            S.accepted,
            S.contacting,
            _BY_SERVICE,
            "first_contact",
            "A case moves to contacting when the first contact attempt is recorded.",
        ),
        Move(
            S.accepted,
            S.ready_to_schedule,
            _BY_STAFF,
            "consent_gate",
            "A case is ready to schedule when every required party has consented and "
            "the admission of responsibility is recorded.",
        ),
        Move(
            S.contacting,
            S.ready_to_schedule,
            _BY_STAFF,
            "consent_gate",
            "A case is ready to schedule when every required party has consented and "
            "the admission of responsibility is recorded.",
        ),
        Move(
            S.ready_to_schedule,
            S.contacting,
            _BY_SERVICE,
            "consent_gate",
            "A case goes back to contacting when a consent or the admission is no longer current.",
        ),
        Move(
            S.ready_to_schedule,
            S.scheduled,
            _BY_SERVICE,
            "booking",
            "A case becomes scheduled when a panel is booked for it.",
        ),
        Move(
            S.scheduled,
            S.ready_to_schedule,
            _BY_SERVICE,
            "booking",
            "A case returns to ready to schedule when its panel is cancelled.",
        ),
        Move(
            S.scheduled,
            S.contacting,
            _BY_SERVICE,
            "consent_gate",
            "A scheduled case goes back to contacting when consent is withdrawn; its "
            "panel is cancelled.",
        ),
        Move(
            S.scheduled,
            S.held,
            _BY_SERVICE,
            "panel_held",
            "A case is held when its panel is recorded as held, with who came and what "
            "was agreed (POST /api/v1/panels/{panel_id}/record, or Record what happened).",
        ),
        Move(
            S.held,
            S.agreement,
            _BY_STAFF,
            "agreement",
            "After the panel, the case follows its outcome agreement.",
        ),
    ]
    for source in sorted(OPEN_STATUSES - {S.referred}):
        moves.append(
            Move(
                source,
                S.closed,
                _BY_COORDINATOR,
                "closing",
                "A coordinator closes a case with an outcome and a reason.",
            )
        )
    return {(move.source, move.target): move for move in moves}


MOVES = _moves()


def move_between(source: CaseStatus, target: CaseStatus) -> Move | None:
    return MOVES.get((source, target))


def targets_from(source: CaseStatus) -> list[CaseStatus]:
    return [target for (start, target) in MOVES if start == source]


def outcome_allowed(source: CaseStatus, outcome: Outcome) -> bool:
    """Completed, partially completed and breached describe an agreement, so they need a
    panel to have been held; any open case can close as not proceeding."""
    return outcome is Outcome.not_proceeding or source in {S.held, S.agreement}


@dataclass(frozen=True)
class PartyStanding:
    """What the consent gate needs to know about one party."""

    role: PartyRole
    young_person: bool
    consent: ConsentDecision | None
    admits: bool | None


_ROLE_WORDS = {
    PartyRole.victim: "a person harmed",
    PartyRole.harm_causer: "the person responsible",
    PartyRole.guardian: "a parent or guardian",
    PartyRole.supporter: "a supporter",
    PartyRole.community_representative: "a community representative",
}


def unmet_gate_rules(parties: Iterable[PartyStanding]) -> list[str]:
    """Why the case cannot be scheduled yet; empty when it can. Worded for staff; no
    names, since these reasons may be shown or stored beside the case."""
    parties = list(parties)
    reasons: list[str] = []
    missing = [
        p for p in parties if p.role in REQUIRED_ROLES and p.consent is not ConsentDecision.given
    ]
    if missing:
        who = ", ".join(sorted({_ROLE_WORDS[p.role] for p in missing}))
        reasons.append(
            f"Consent is not yet given by {len(missing)} required "
            f"{'person' if len(missing) == 1 else 'people'} ({who})."
        )
    harm_causers = [p for p in parties if p.role is PartyRole.harm_causer]
    if not harm_causers:
        reasons.append("The case has no person responsible recorded.")
    elif any(p.admits is not True for p in harm_causers):
        reasons.append("The admission of responsibility has not been recorded.")
    if not any(p.role in {PartyRole.victim, PartyRole.community_representative} for p in parties):
        reasons.append("The case has no person harmed or community representative recorded.")
    young = any(p.young_person and p.role is not PartyRole.guardian for p in parties)
    if young and not any(
        p.role is PartyRole.guardian and p.consent is ConsentDecision.given for p in parties
    ):
        reasons.append("A young person takes part, so a parent or guardian must consent.")
    return reasons

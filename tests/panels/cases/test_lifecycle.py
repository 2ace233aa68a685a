"""The case lifecycle and the consent gate, as pure rules (no database)."""

from __future__ import annotations

import itertools

import pytest

from panels.accounts.tables import Role
from panels.cases import lifecycle
from panels.cases.lifecycle import PartyStanding
from panels.cases.tables import CaseStatus, ConsentDecision, Outcome, PartyRole

S = CaseStatus
STAFF = {Role.coordinator, Role.facilitator}
COORDINATOR = {Role.coordinator}
SERVICE: set[Role] = set()

# The lifecycle, written out independently of the code: (from, to) -> who may ask for it.
EXPECTED = {
    (S.referred, S.accepted): COORDINATOR,
    (S.referred, S.rejected): COORDINATOR,
    (S.accepted, S.contacting): SERVICE,
    (S.accepted, S.ready_to_schedule): STAFF,
    (S.contacting, S.ready_to_schedule): STAFF,
    (S.ready_to_schedule, S.contacting): SERVICE,
    (S.ready_to_schedule, S.scheduled): SERVICE,
    (S.scheduled, S.ready_to_schedule): SERVICE,
    (S.scheduled, S.contacting): SERVICE,
    (S.scheduled, S.held): SERVICE,  # by recording the panel as held
    (S.held, S.agreement): STAFF,
    **{
        (source, S.closed): COORDINATOR
        for source in (
            S.accepted,
            S.contacting,
            S.ready_to_schedule,
            S.scheduled,
            S.held,
            S.agreement,
        )
    },
}


@pytest.mark.parametrize(
    ("source", "target"),
    list(itertools.product(CaseStatus, CaseStatus)),
    ids=lambda status: status.value,
)
def test_every_move_is_legal_exactly_when_the_lifecycle_says(
    source: CaseStatus, target: CaseStatus
) -> None:
    move = lifecycle.move_between(source, target)
    if (source, target) in EXPECTED:
        assert move is not None, f"{source} -> {target} should be allowed"
        assert set(move.by) == EXPECTED[(source, target)]
        assert move.explanation
    else:
        assert move is None, f"{source} -> {target} should not be allowed"


def test_rejected_and_closed_cases_go_nowhere() -> None:
    assert lifecycle.targets_from(S.rejected) == []
    assert lifecycle.targets_from(S.closed) == []


def test_a_referral_cannot_be_closed_only_rejected() -> None:
    assert lifecycle.move_between(S.referred, S.closed) is None


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.value)
@pytest.mark.parametrize("source", sorted(lifecycle.OPEN_STATUSES - {S.referred}))
def test_outcomes_about_an_agreement_need_a_held_panel(
    source: CaseStatus, outcome: Outcome
) -> None:
    allowed = lifecycle.outcome_allowed(source, outcome)
    if outcome is Outcome.not_proceeding:
        assert allowed
    else:
        assert allowed == (source in {S.held, S.agreement})


def standing(
    role: PartyRole,
    consent: ConsentDecision | None = ConsentDecision.given,
    admits: bool | None = None,
    young: bool = False,
) -> PartyStanding:
    return PartyStanding(role=role, young_person=young, consent=consent, admits=admits)


def test_gate_opens_with_every_consent_and_the_admission() -> None:
    parties = [
        standing(PartyRole.victim),
        standing(PartyRole.harm_causer, admits=True),
        standing(PartyRole.supporter, consent=None),
    ]
    assert lifecycle.unmet_gate_rules(parties) == []


@pytest.mark.parametrize(
    "decision", [None, ConsentDecision.declined, ConsentDecision.withdrawn], ids=str
)
def test_gate_stays_shut_without_the_victims_current_consent(
    decision: ConsentDecision | None,
) -> None:
    reasons = lifecycle.unmet_gate_rules(
        [standing(PartyRole.victim, consent=decision), standing(PartyRole.harm_causer, admits=True)]
    )
    assert reasons == ["Consent is not yet given by 1 required person (a person harmed)."]


def test_gate_needs_the_admission_as_well_as_consent() -> None:
    reasons = lifecycle.unmet_gate_rules(
        [standing(PartyRole.victim), standing(PartyRole.harm_causer, admits=None)]
    )
    assert reasons == ["The admission of responsibility has not been recorded."]
    withdrawn = lifecycle.unmet_gate_rules(
        [standing(PartyRole.victim), standing(PartyRole.harm_causer, admits=False)]
    )
    assert withdrawn == reasons


def test_a_young_person_needs_a_guardians_consent() -> None:
    young = standing(PartyRole.harm_causer, admits=True, young=True)
    without_guardian = lifecycle.unmet_gate_rules([standing(PartyRole.victim), young])
    assert without_guardian == ["A young person takes part, so a parent or guardian must consent."]
    guardian_not_yet = lifecycle.unmet_gate_rules(
        [standing(PartyRole.victim), young, standing(PartyRole.guardian, consent=None)]
    )
    assert any("a parent or guardian" in reason for reason in guardian_not_yet)
    with_guardian = lifecycle.unmet_gate_rules(
        [standing(PartyRole.victim), young, standing(PartyRole.guardian)]
    )
    assert with_guardian == []


def test_a_community_representative_can_stand_for_the_neighbourhood() -> None:
    parties = [
        standing(PartyRole.community_representative),
        standing(PartyRole.harm_causer, admits=True),
    ]
    assert lifecycle.unmet_gate_rules(parties) == []


def test_gate_reasons_never_name_anyone() -> None:
    reasons = lifecycle.unmet_gate_rules(
        [standing(PartyRole.victim, consent=None), standing(PartyRole.harm_causer, consent=None)]
    )
    assert reasons == [
        "Consent is not yet given by 2 required people (a person harmed, the person responsible).",
        "The admission of responsibility has not been recorded.",
    ]

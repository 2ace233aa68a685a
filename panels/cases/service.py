"""The case domain: referrals, triage and the lifecycle, parties, consent, admissions,
contact attempts and availability. Every change is written with its timeline event in
one transaction; every read of a case records a view.

Scope is applied here, not in the routes: a case outside the caller's scope is reported
as not found, so ids cannot be probed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from piccolo.columns.combination import And, Where

from panels.access import Actor
from panels.accounts.service import person, person_columns
from panels.accounts.tables import Role, User
from panels.bookings import cancellation
from panels.cases import audit, lifecycle, telling
from panels.cases.lifecycle import PartyStanding
from panels.cases.schemas import (
    AdmissionIn,
    ConsentIn,
    ContactAttemptIn,
    PartyAvailabilityIn,
    PartyIn,
    ReferralIn,
    TransitionIn,
    Window,
)
from panels.cases.tables import (
    Admission,
    AvailabilityWindow,
    Case,
    CaseStatus,
    Consent,
    ConsentDecision,
    ContactAttempt,
    Outcome,
    Party,
    PartyRole,
    ReferenceCounter,
)
from panels.clock import london_today, utc_now
from panels.db import is_sqlite, write_transaction
from panels.errors import Forbidden, InvalidInput, NotFound, RuleBroken
from panels.feedback import service as feedback

# Clocks on phones drift; a contact "a minute from now" is a typo, an hour is a mistake.
CLOCK_SKEW = timedelta(minutes=5)
MAX_PAGE_SIZE = 100


# Scope -------------------------------------------------------------------------------


def scope_of(actor: Actor) -> Where | And | None:
    """The cases `actor` may see: all for coordinators, their organisation's for
    referrers, and for facilitators the cases they lead."""
    if actor.role is Role.coordinator:
        return None
    if actor.role is Role.facilitator:
        return Case.lead_facilitator == actor.id
    return Case.organisation == actor.organisation_id


def _where(*clauses: Any) -> Any:
    present = [clause for clause in clauses if clause is not None]
    combined = present[0]
    for clause in present[1:]:
        combined = combined & clause
    return combined


async def case_in_scope(actor: Actor, case_id: UUID, *, lock: bool = False) -> dict[str, Any]:
    """The case row, or NotFound. With `lock`, call inside a write transaction: on
    PostgreSQL the row stays locked until commit (SQLite's IMMEDIATE transaction already
    holds the database's write lock)."""
    query = Case.select().where(_where(Case.id == case_id, scope_of(actor)))
    if lock and not is_sqlite():
        query = query.lock_rows()
    row = await query.first()
    if row is None:
        raise NotFound("No such case.")
    return row


def _require_open(case: dict[str, Any]) -> None:
    if case["status"] not in lifecycle.OPEN_STATUSES:
        raise RuleBroken(
            f"Case {case['reference']} is {case['status']}; nothing more can be recorded on it.",
            rule="case_closed",
        )


async def _party_on_case(case_id: UUID, party_id: UUID) -> dict[str, Any]:
    row = await Party.select().where((Party.id == party_id) & (Party.case == case_id)).first()
    if row is None:
        raise NotFound("No such person on this case.")
    return row


async def _open_case_and_party(
    actor: Actor, case_id: UUID, party_id: UUID
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Inside a write transaction: the case (in scope, locked, still open) and one of its
    parties, for recording something about that party."""
    case = await case_in_scope(actor, case_id, lock=True)
    _require_open(case)
    return case, await _party_on_case(case_id, party_id)


# Referral ----------------------------------------------------------------------------


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_referral(data: ReferralIn, today: date) -> None:
    if not data.admits_responsibility:
        raise InvalidInput(
            "A panel can only go ahead when the person responsible admits what they did. "
            "Refer the case once they have.",
            field="admits_responsibility",
        )
    if data.incident_date > today:
        raise InvalidInput("The incident date cannot be in the future.", field="incident_date")
    roles = [party.role for party in data.parties]
    if PartyRole.harm_causer not in roles:
        raise InvalidInput("Add the person responsible (role harm_causer).", field="parties")
    if not {PartyRole.victim, PartyRole.community_representative} & set(roles):
        raise InvalidInput(
            "Add the person harmed (role victim), or a community representative where the "
            "harm was to a neighbourhood.",
            field="parties",
        )


def _party_row(case_id: UUID, data: PartyIn, today: date) -> Party:
    young = data.young_person or (
        data.date_of_birth is not None and _age_on(data.date_of_birth, today) < 18
    )
    return Party(
        case=case_id,
        role=data.role,
        name=data.name,
        phone=data.phone,
        email=str(data.email) if data.email else None,
        language=data.language,
        contact_preference=data.contact_preference,
        interpreter_language=data.interpreter_language,
        step_free_access=data.step_free_access,
        hearing_loop=data.hearing_loop,
        young_person=young,
        date_of_birth=data.date_of_birth,
        avoid_areas=sorted(set(data.avoid_areas)),
        safeguarding_notes=data.safeguarding_notes,
    )


async def _next_reference(year: int) -> str:
    """NJP-<year>-<number>, numbered per year without gaps from concurrent referrals:
    the counter row is updated inside the referral's write transaction."""
    await ReferenceCounter.insert(ReferenceCounter(year=year, last_number=0)).on_conflict(
        target=ReferenceCounter.year, action="DO NOTHING"
    )
    rows = (
        await ReferenceCounter.update(
            {ReferenceCounter.last_number: ReferenceCounter.last_number + 1}
        )
        .where(ReferenceCounter.year == year)
        .returning(ReferenceCounter.last_number)
    )
    return f"NJP-{year}-{rows[0]['last_number']:06d}"


async def refer(
    actor: Actor, data: ReferralIn, first_contact_hours: int, now: datetime | None = None
) -> UUID:
    """Create a case from a referral, with its parties, and start the first-contact clock."""
    now = now or utc_now()
    today = london_today(now)
    _check_referral(data, today)
    async with write_transaction():
        reference = await _next_reference(today.year)
        case = Case(
            reference=reference,
            status=CaseStatus.referred,
            offence_category=data.offence_category,
            incident_date=data.incident_date,
            summary=data.summary,
            area=data.area,
            admits_responsibility=data.admits_responsibility,
            referrer=actor.id,
            organisation=actor.organisation_id,
            received_at=now,
            first_contact_due_at=now + timedelta(hours=first_contact_hours),
            updated_at=now,
        )
        await case.save()
        await Party.insert(*(_party_row(case.id, party, today) for party in data.parties))
        roles: dict[str, int] = defaultdict(int)
        for party in data.parties:
            roles[party.role.value] += 1
        await audit.record_event(
            case.id,
            actor,
            "referred",
            to_status=CaseStatus.referred,
            details={"parties": dict(roles), "offence_category": data.offence_category.value},
            at=now,
        )
    return case.id


# Lifecycle ---------------------------------------------------------------------------


async def _standings(case_id: UUID) -> list[PartyStanding]:
    parties = await Party.select(Party.id, Party.role, Party.young_person).where(
        Party.case == case_id
    )
    consents = (
        await Consent.select(Consent.party, Consent.decision)
        .where(Consent.case == case_id)
        .order_by(Consent.id)
    )
    admissions = (
        await Admission.select(Admission.party, Admission.admits)
        .where(Admission.case == case_id)
        .order_by(Admission.id)
    )
    latest_consent = {row["party"]: ConsentDecision(row["decision"]) for row in consents}
    latest_admission = {row["party"]: row["admits"] for row in admissions}
    return [
        PartyStanding(
            role=PartyRole(party["role"]),
            young_person=party["young_person"],
            consent=latest_consent.get(party["id"]),
            admits=latest_admission.get(party["id"]),
        )
        for party in parties
    ]


async def move(
    case: dict[str, Any],
    target: CaseStatus,
    actor: Actor | None,
    now: datetime,
    *,
    values: dict[Any, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    source = CaseStatus(case["status"])
    if lifecycle.move_between(source, target) is None:  # a bug in a caller, not user input
        raise RuntimeError(f"no move from {source} to {target}")
    await Case.update({Case.status: target, Case.updated_at: now, **(values or {})}).where(
        Case.id == case["id"]
    )
    await audit.record_event(
        case["id"],
        actor,
        "status_changed",
        from_status=source,
        to_status=target,
        details=details,
        at=now,
    )
    case["status"] = target


async def _settle_consent_gate(case: dict[str, Any], actor: Actor, now: datetime) -> None:
    """After anything that changes consent, admission or the parties: a case whose gate
    opened becomes ready to schedule; one whose gate closed goes back to contacting."""
    status = CaseStatus(case["status"])
    if status not in lifecycle.CONTACT_STATUSES:
        return
    unmet = lifecycle.unmet_gate_rules(await _standings(case["id"]))
    if not unmet and status in {CaseStatus.accepted, CaseStatus.contacting}:
        await move(case, CaseStatus.ready_to_schedule, actor, now, details={"automatic": True})
    elif unmet and status in lifecycle.CONSENTED_STATUSES:
        if status is CaseStatus.scheduled:
            await cancellation.cancel_upcoming(
                case["id"], actor, "Consent is no longer given by everyone needed.", now
            )
        await move(
            case,
            CaseStatus.contacting,
            actor,
            now,
            details={"automatic": True, "because": unmet},
        )


async def _check_lead_facilitator(user_id: UUID | None) -> None:
    if user_id is None:
        raise InvalidInput(
            "Choose a lead facilitator to accept the case.", field="lead_facilitator_id"
        )
    user = await User.select(User.role, User.active).where(User.id == user_id).first()
    if user is None or user["role"] != Role.facilitator or not user["active"]:
        raise InvalidInput(
            "The lead facilitator must be an active facilitator.", field="lead_facilitator_id"
        )


async def transition(
    actor: Actor, case_id: UUID, data: TransitionIn, now: datetime | None = None
) -> None:
    now = now or utc_now()
    async with write_transaction():
        case = await case_in_scope(actor, case_id, lock=True)
        source, target = CaseStatus(case["status"]), data.to
        allowed = lifecycle.move_between(source, target)
        if allowed is None:
            onward = ", ".join(t.value for t in lifecycle.targets_from(source)) or "nowhere"
            raise RuleBroken(
                f"A case that is {source.value} cannot move to {target.value}. "
                f"From {source.value} it can move to: {onward}.",
                rule="no_such_move",
            )
        if not allowed.by:
            raise RuleBroken(allowed.explanation, rule=allowed.rule)
        if actor.role not in allowed.by:
            raise Forbidden(allowed.explanation)
        values: dict[Any, Any] = {}
        details: dict[str, Any] = {}
        if target is CaseStatus.accepted:
            await _check_lead_facilitator(data.lead_facilitator_id)
            values[Case.lead_facilitator] = data.lead_facilitator_id
            details["lead_facilitator_id"] = str(data.lead_facilitator_id)
        if target in {CaseStatus.rejected, CaseStatus.closed} and not data.reason:
            raise InvalidInput("Give a reason; the referrer will see it.", field="reason")
        if target is CaseStatus.rejected:
            values[Case.rejection_reason] = data.reason
        if target is CaseStatus.ready_to_schedule:
            unmet = lifecycle.unmet_gate_rules(await _standings(case_id))
            if unmet:
                raise RuleBroken(" ".join(unmet), rule=allowed.rule)
        if target is CaseStatus.closed:
            if data.outcome is None:
                raise InvalidInput("Choose the outcome the case closes with.", field="outcome")
            if not lifecycle.outcome_allowed(source, data.outcome):
                raise RuleBroken(
                    f"A case can only close as {data.outcome.value} after its panel was held; "
                    f"close it as {Outcome.not_proceeding.value} instead.",
                    rule="closing",
                )
            values.update(
                {Case.outcome: data.outcome, Case.outcome_reason: data.reason, Case.closed_at: now}
            )
            details["outcome"] = data.outcome.value
        if target is CaseStatus.closed and source is CaseStatus.scheduled:
            await cancellation.cancel_upcoming(case_id, actor, "The case was closed.", now)
        if target is CaseStatus.closed and source is CaseStatus.agreement:
            # Here, not at the top: reparation's service imports this module.
            from panels.reparation import service as reparation

            await reparation.release_places(actor, case_id, now)
        await move(case, target, actor, now, values=values, details=details)
        if target is CaseStatus.accepted:
            await _settle_consent_gate(case, actor, now)
        if target is CaseStatus.closed and data.outcome is not None:
            await telling.tell_referrer_closed(case, data.outcome, now)


# Parties, consent, admission, contact, availability ----------------------------------


async def add_party(
    actor: Actor, case_id: UUID, data: PartyIn, now: datetime | None = None
) -> UUID:
    now = now or utc_now()
    async with write_transaction():
        case = await case_in_scope(actor, case_id, lock=True)
        _require_open(case)
        party = _party_row(case_id, data, london_today(now))
        await party.save()
        await audit.record_event(
            case_id,
            actor,
            "party_added",
            details={"party_id": str(party.id), "role": data.role.value},
            at=now,
        )
        await _settle_consent_gate(case, actor, now)
    return party.id


async def record_consent(
    actor: Actor, case_id: UUID, party_id: UUID, data: ConsentIn, now: datetime | None = None
) -> None:
    now = now or utc_now()
    async with write_transaction():
        case, party = await _open_case_and_party(actor, case_id, party_id)
        await Consent.insert(
            Consent(
                case=case_id,
                party=party_id,
                decision=data.decision,
                method=data.method,
                recorded_by=actor.id,
                recorded_at=now,
            )
        )
        await audit.record_event(
            case_id,
            actor,
            "consent_recorded",
            details={
                "party_id": str(party_id),
                "role": party["role"],
                "decision": data.decision.value,
                "method": data.method.value,
            },
            at=now,
        )
        await _settle_consent_gate(case, actor, now)


async def record_admission(
    actor: Actor, case_id: UUID, party_id: UUID, data: AdmissionIn, now: datetime | None = None
) -> None:
    now = now or utc_now()
    async with write_transaction():
        case, party = await _open_case_and_party(actor, case_id, party_id)
        if party["role"] != PartyRole.harm_causer:
            raise InvalidInput(
                "An admission of responsibility is recorded for the person responsible only.",
                field="party_id",
            )
        await Admission.insert(
            Admission(
                case=case_id,
                party=party_id,
                admits=data.admits,
                method=data.method,
                recorded_by=actor.id,
                recorded_at=now,
            )
        )
        await audit.record_event(
            case_id,
            actor,
            "admission_recorded",
            details={"party_id": str(party_id), "admits": data.admits, "method": data.method.value},
            at=now,
        )
        await _settle_consent_gate(case, actor, now)


async def record_contact_attempt(
    actor: Actor,
    case_id: UUID,
    party_id: UUID,
    data: ContactAttemptIn,
    now: datetime | None = None,
) -> None:
    """The first attempt on a case stops its first-contact clock."""
    now = now or utc_now()
    if data.attempted_at > now + CLOCK_SKEW:
        raise InvalidInput("The contact attempt cannot be in the future.", field="attempted_at")
    async with write_transaction():
        case, _ = await _open_case_and_party(actor, case_id, party_id)
        if data.attempted_at < case["received_at"] - CLOCK_SKEW:
            raise InvalidInput(
                "The contact attempt cannot be before the referral was received.",
                field="attempted_at",
            )
        await ContactAttempt.insert(
            ContactAttempt(
                case=case_id,
                party=party_id,
                attempted_at=data.attempted_at,
                method=data.method,
                outcome=data.outcome,
                notes=data.notes,
                recorded_by=actor.id,
                recorded_at=now,
            )
        )
        first = case["first_contact_at"]
        if first is None or data.attempted_at < first:
            await Case.update(
                {Case.first_contact_at: data.attempted_at, Case.updated_at: now}
            ).where(Case.id == case_id)
        await audit.record_event(
            case_id,
            actor,
            "contact_attempt_recorded",
            details={
                "party_id": str(party_id),
                "method": data.method.value,
                "outcome": data.outcome.value,
                "first_contact": first is None,
            },
            at=now,
        )
        if case["status"] == CaseStatus.accepted:
            await move(case, CaseStatus.contacting, actor, now, details={"automatic": True})
        await _settle_consent_gate(case, actor, now)


def _merged(windows: list[Window]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching windows become one."""
    merged: list[tuple[datetime, datetime]] = []
    for window in sorted(windows, key=lambda w: w.start):
        if merged and window.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], window.end))
        else:
            merged.append((window.start, window.end))
    return merged


async def set_availability(
    actor: Actor,
    case_id: UUID,
    party_id: UUID,
    data: PartyAvailabilityIn,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Replace a party's availability windows with these."""
    now = now or utc_now()
    for index, window in enumerate(data.windows):
        if window.end <= now:
            raise InvalidInput("This window is already over.", field=f"windows[{index}]")
    async with write_transaction():
        await _open_case_and_party(actor, case_id, party_id)
        await _store_windows(actor, case_id, party_id, data.windows, now)
    return await _windows(party_id)


async def edit_availability(
    actor: Actor,
    case_id: UUID,
    party_id: UUID,
    *,
    add: Window | None = None,
    remove_starting: datetime | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Add one window, or remove the one that starts at `remove_starting`, reading and
    writing in one transaction so two people editing at once lose nothing."""
    now = now or utc_now()
    if add is not None and add.end <= now:
        raise InvalidInput("This window is already over.", field="windows")
    async with write_transaction():
        await _open_case_and_party(actor, case_id, party_id)
        windows = [
            Window.model_validate(window)
            for window in await _windows(party_id)
            if window["start"] != remove_starting
        ]
        await _store_windows(actor, case_id, party_id, [*windows, *([add] if add else [])], now)
    return await _windows(party_id)


async def _store_windows(
    actor: Actor, case_id: UUID, party_id: UUID, windows: list[Window], now: datetime
) -> None:
    """Inside a write transaction: the party's windows become these, merged."""
    await AvailabilityWindow.delete().where(AvailabilityWindow.party == party_id)
    merged = _merged(windows)
    if merged:
        await AvailabilityWindow.insert(
            *(
                AvailabilityWindow(case=case_id, party=party_id, starts_at=start, ends_at=end)
                for start, end in merged
            )
        )
    await audit.record_event(
        case_id,
        actor,
        "availability_changed",
        details={"party_id": str(party_id), "windows": len(merged)},
        at=now,
    )


async def _windows(party_id: UUID) -> list[dict[str, Any]]:
    rows = (
        await AvailabilityWindow.select(AvailabilityWindow.starts_at, AvailabilityWindow.ends_at)
        .where(AvailabilityWindow.party == party_id)
        .order_by(AvailabilityWindow.starts_at)
    )
    return [_window(row) for row in rows]


def _window(row: dict[str, Any]) -> dict[str, Any]:
    return {"start": row["starts_at"], "end": row["ends_at"]}


async def availability(
    actor: Actor, case_id: UUID, party_id: UUID, endpoint: str
) -> list[dict[str, Any]]:
    await case_in_scope(actor, case_id)
    await _party_on_case(case_id, party_id)
    await audit.record_view(case_id, actor, endpoint)
    return await _windows(party_id)


# Reading -----------------------------------------------------------------------------

_SUMMARY_COLUMNS = (
    Case.id,
    Case.reference,
    Case.status,
    Case.offence_category,
    Case.incident_date,
    Case.area,
    Case.organisation.as_alias("organisation_id"),
    Case.received_at,
    Case.rejection_reason,
    Case.outcome,
    Case.outcome_reason,
    Case.closed_at,
)
_LIST_COLUMNS = (
    *_SUMMARY_COLUMNS,
    Case.first_contact_due_at,
    Case.first_contact_at,
    *person_columns(Case.lead_facilitator),
)


def overdue_clause(now: datetime) -> Any:
    """Open cases nobody has tried to contact, whose first-contact target is before `now`."""
    return (
        Case.first_contact_at.is_null()
        & (Case.first_contact_due_at < now)
        & Case.status.is_in([status.value for status in lifecycle.OPEN_STATUSES])
    )


def _list_item(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        **row,
        "lead_facilitator": person(row, "lead_facilitator"),
        "first_contact_overdue": row["first_contact_at"] is None
        and row["first_contact_due_at"] < now
        and row["status"] in lifecycle.OPEN_STATUSES,
    }


async def list_cases(
    actor: Actor,
    *,
    statuses: list[CaseStatus] | None = None,
    organisation_id: UUID | None = None,
    overdue: bool | None = None,
    first_contact_due_before: datetime | None = None,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the cases in scope, newest first; overdue ones, and those whose first
    contact is due before a time, soonest due first."""
    now = now or utc_now()
    if page < 1:
        raise InvalidInput("The page number starts at 1.", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"page_size must be between 1 and {MAX_PAGE_SIZE}.", field="page_size")
    clauses: list[Any] = [
        scope_of(actor),
        Case.status.is_in([s.value for s in statuses]) if statuses else None,
        Case.organisation == organisation_id if organisation_id else None,
    ]
    if first_contact_due_before is not None:
        clauses.append(overdue_clause(first_contact_due_before))
    if overdue is True:
        clauses.append(overdue_clause(now))
    elif overdue is False:
        clauses.append(
            Case.first_contact_at.is_not_null()
            | (Case.first_contact_due_at >= now)
            | Case.status.not_in([s.value for s in lifecycle.OPEN_STATUSES])
        )
    present = [clause for clause in clauses if clause is not None]
    total_query = Case.count()
    rows_query = Case.select(
        *(_LIST_COLUMNS if actor.role is not Role.referrer else _SUMMARY_COLUMNS)
    )
    if present:
        total_query = total_query.where(_where(*present))
        rows_query = rows_query.where(_where(*present))
    if overdue or first_contact_due_before is not None:
        rows_query = rows_query.order_by(Case.first_contact_due_at)
    else:
        rows_query = rows_query.order_by(Case.received_at, ascending=False)
    total = await total_query
    rows = await rows_query.order_by(Case.reference).limit(page_size).offset((page - 1) * page_size)
    if actor.role is Role.referrer:
        return rows, total
    return [_list_item(row, now) for row in rows], total


async def read_case(actor: Actor, case_id: UUID, endpoint: str) -> dict[str, Any]:
    """One case, shaped for the caller's role: referrers get the summary only."""
    now = utc_now()
    await case_in_scope(actor, case_id)
    await audit.record_view(case_id, actor, endpoint)
    if actor.role is Role.referrer:
        row = await Case.select(*_SUMMARY_COLUMNS).where(Case.id == case_id).first()
        assert row is not None
        return {**row, "satisfaction": await feedback.satisfaction(case_id)}
    row = (
        await Case.select(
            *_LIST_COLUMNS,
            Case.summary,
            Case.admits_responsibility,
            *person_columns(Case.referrer),
        )
        .where(Case.id == case_id)
        .first()
    )
    assert row is not None
    detail = _list_item(row, now)
    detail["referrer"] = person(row, "referrer")
    detail["parties"] = await _parties_detail(case_id)
    status = CaseStatus(row["status"])
    unmet = lifecycle.unmet_gate_rules(await _standings(case_id))
    detail["can_move_to"] = [
        target
        for target in lifecycle.targets_from(status)
        if actor.role in lifecycle.MOVES[(status, target)].by
        and not (target is CaseStatus.ready_to_schedule and unmet)
    ]
    detail["blocking_scheduling"] = unmet
    return detail


def _by_party(rows: list[dict[str, Any]]) -> dict[UUID, list[dict[str, Any]]]:
    grouped: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["party"]].append({**row, "recorded_by": person(row, "recorded_by")})
    return grouped


async def _parties_detail(case_id: UUID) -> list[dict[str, Any]]:
    parties = (
        await Party.select()
        .where(Party.case == case_id)
        .order_by(Party.created_at)
        .output(load_json=True)
    )
    consents = _by_party(
        await Consent.select(
            Consent.party,
            Consent.decision,
            Consent.method,
            Consent.recorded_at,
            *person_columns(Consent.recorded_by),
        )
        .where(Consent.case == case_id)
        .order_by(Consent.id)
    )
    admissions = _by_party(
        await Admission.select(
            Admission.party,
            Admission.admits,
            Admission.method,
            Admission.recorded_at,
            *person_columns(Admission.recorded_by),
        )
        .where(Admission.case == case_id)
        .order_by(Admission.id)
    )
    attempts = _by_party(
        await ContactAttempt.select(
            ContactAttempt.party,
            ContactAttempt.attempted_at,
            ContactAttempt.method,
            ContactAttempt.outcome,
            ContactAttempt.notes,
            *person_columns(ContactAttempt.recorded_by),
        )
        .where(ContactAttempt.case == case_id)
        .order_by(ContactAttempt.attempted_at)
    )
    windows: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        await AvailabilityWindow.select()
        .where(AvailabilityWindow.case == case_id)
        .order_by(AvailabilityWindow.starts_at)
    ):
        windows[row["party"]].append(_window(row))
    return [
        {
            **party,
            "consent": consents[party["id"]][-1]["decision"] if consents[party["id"]] else None,
            "consent_history": consents[party["id"]],
            "admissions": admissions[party["id"]],
            "contact_attempts": attempts[party["id"]],
            "availability": windows[party["id"]],
        }
        for party in parties
    ]


async def case_timeline(actor: Actor, case_id: UUID, endpoint: str) -> list[dict[str, Any]]:
    """The whole timeline for staff; for referrers, only when the status changed."""
    await case_in_scope(actor, case_id)
    await audit.record_view(case_id, actor, endpoint)
    return await _timeline_for(actor, case_id)


async def _timeline_for(actor: Actor, case_id: UUID) -> list[dict[str, Any]]:
    if actor.role is Role.referrer:
        return await audit.status_changes(case_id)
    return await audit.timeline(case_id)


async def case_page(
    actor: Actor, case_id: UUID, endpoint: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A case and its timeline, shaped for the caller's role, as one recorded view."""
    case = await read_case(actor, case_id, endpoint)
    return case, await _timeline_for(actor, case_id)


async def case_views(actor: Actor, case_id: UUID) -> list[dict[str, Any]]:
    await case_in_scope(actor, case_id)
    return await audit.views(case_id)

"""A case's timeline in sentences for staff pages. Events store ids and roles only; the
names come from the case the reader is already allowed to see. Free text typed with a
change (a reason, the notes) stays off the timeline: it may name anyone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from panels.web import wording
from panels.web.rendering import day_and_time, hours_of


@dataclass(frozen=True)
class _Said:
    """One event, ready to be put into words."""

    details: dict[str, Any]
    case: dict[str, Any]
    by: str  # who made the change, or "the service"
    event: dict[str, Any]

    def who(self, key: str = "party_id") -> str:
        return _person(self.case, self.details.get(key)) or "someone"

    def known(self, key: str = "party_id") -> bool:
        return _person(self.case, self.details.get(key)) is not None


def _name(actor: dict[str, Any] | None) -> str:
    return str(actor["name"]) if actor else "the service"


def _person(case: dict[str, Any], party_id: object) -> str | None:
    parties = {str(p["id"]): p for p in case.get("parties", [])}
    party = parties.get(str(party_id))
    if party is None:
        return None
    return f"{party['name']} ({wording.PARTY_ROLE[party['role']].lower()})"


def describe(event: dict[str, Any], case: dict[str, Any]) -> str:
    kind = str(event["kind"])
    sentence = SENTENCES.get(kind)
    if sentence is None:
        return kind.replace("_", " ").capitalize()
    said = _Said(event.get("details") or {}, case, _name(event.get("actor")), event)
    return sentence(said)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _when(said: _Said) -> str:
    start = said.details.get("start")
    return day_and_time(datetime.fromisoformat(start)) if start else "a new time"


# Referral, people and consent -----------------------------------------------------------


def _referred(said: _Said) -> str:
    return f"Referred by {said.by}"


def _party_added(said: _Said) -> str:
    return f"{said.who()} added to the case by {said.by}"


def _consent(said: _Said) -> str:
    decision = wording.CONSENT[said.details["decision"]]
    method = wording.CONTACT_METHOD[said.details["method"]].lower()
    return f"{decision} by {said.who()}, by {method}. Recorded by {said.by}"


def _admission(said: _Said) -> str:
    admits = "admits" if said.details.get("admits") else "does not admit"
    return f"{said.who()} {admits} responsibility. Recorded by {said.by}"


def _contact_attempt(said: _Said) -> str:
    method = wording.CONTACT_METHOD[said.details["method"]].lower()
    outcome = wording.CONTACT_OUTCOME[said.details["outcome"]].lower()
    return f"Contact attempt with {said.who()} by {method}: {outcome}. Recorded by {said.by}"


def _availability(said: _Said) -> str:
    count = said.details.get("windows", 0)
    return f"Availability of {said.who()} updated ({_count(count, 'time', 'times')}) by {said.by}"


def _status_changed(said: _Said) -> str:
    details, case, by = said.details, said.case, said.by
    target = said.event["to_status"]
    if target == "accepted":
        lead = case.get("lead_facilitator") or {}
        named = str(lead.get("id")) == str(details.get("lead_facilitator_id"))
        return f"Accepted by {by}; lead facilitator {lead['name'] if named else 'assigned'}"
    if target == "rejected":
        return f"Not accepted by {by}"
    if target == "closed":
        return f"Closed as {wording.OUTCOME[details['outcome']].lower()} by {by}"
    if details.get("automatic"):
        reasons = " ".join(details.get("because", []))
        sentence = f"Now {wording.STATUS[target].lower()}"
        return f"{sentence}: {reasons}" if reasons else sentence
    return f"{wording.STATUS[target]}, by {by}"


# The panel and what people answered to its texts -------------------------------------------


def _panel_booked(said: _Said) -> str:
    return f"Panel booked for {_when(said)} by {said.by}"


def _panel_rescheduled(said: _Said) -> str:
    return f"Panel moved to {_when(said)} by {said.by}"


def _panel_cancelled(said: _Said) -> str:
    return f"Panel cancelled by {said.by}"


def _confirmed(said: _Said) -> str:
    return f"{said.who()} replied by text that they will come to the panel"


def _declined(said: _Said) -> str:
    return f"{said.who()} replied by text that they cannot come to the panel"


def _change_requested(said: _Said) -> str:
    return f"{said.who()} asked by text to change the time of the panel"


def _texts_stopped(said: _Said) -> str:
    return f"{said.who()} replied STOP: no more texts go to their number"


def _texts_started(said: _Said) -> str:
    return f"{said.who()} replied START: texts go to their number again"


def _text_not_delivered(said: _Said) -> str:
    what = wording.TEXT_KIND.get(said.details.get("kind", ""))
    sentence = f"A text to {said.who()} was not delivered"
    return f"{sentence} ({what.lower()})" if what else sentence


# After the panel: the record, the agreement and keeping to it ------------------------------


def _panel_recorded(said: _Said) -> str:
    result = wording.PANEL_RESULT[said.details["result"]].lower()
    sentence = f"Panel recorded by {said.by}: {result}"
    attendance = said.details.get("attendance") or []
    if not attendance:
        return sentence
    came = sum(1 for a in attendance if a.get("attended"))
    return f"{sentence}, {came} of {_count(len(attendance), 'person', 'people')} came"


def _action_agreed(said: _Said) -> str:
    action = wording.ACTION_KIND[said.details["kind"]].lower()
    hours = said.details.get("hours")
    if hours:
        action = f"{action} ({_count(hours, 'hour', 'hours')})"
    return f"Agreed with {said.who('owner_party_id')}: {action}. Recorded by {said.by}"


def _action_status_changed(said: _Said) -> str:
    status = wording.ACTION_STATUS[said.details["to"]].lower()
    return f"Part of the agreement marked {status} by {said.by}"


def _breach_protocol(said: _Said) -> str:
    misses = int(said.details.get("misses", 0))
    if said.details.get("step") == "decide":
        return (
            f"Parts of the agreement missed {_count(misses, 'time', 'times')}: "
            "a coordinator is asked to decide what happens next"
        )
    return (
        f"Part of the agreement missed ({misses} so far): a call to the person responsible is due"
    )


_DECISION = {
    "carry_on": "carry on with the agreement",
    "waive": "waive what was missed",
    "close": "close the case as breached",
}


def _breach_decided(said: _Said) -> str:
    decision = _DECISION.get(said.details.get("decision", ""), "decide")
    return f"After the missed parts of the agreement, {said.by} chose to {decision}"


def _reparation_booked(said: _Said) -> str:
    return f"Booked into a reparation session by {said.by}"


def _recorder(said: _Said) -> str:
    return "the session's supervisor" if said.details.get("by") == "supervisor" else said.by


def _reparation_attended(said: _Said) -> str:
    hours = hours_of(int(said.details.get("minutes", 0)))
    return f"Came to a reparation session and worked {hours}. Recorded by {_recorder(said)}"


def _reparation_missed(said: _Said) -> str:
    accepted = ", for a reason the scheme accepts" if said.details.get("acceptable") else ""
    return f"Missed a reparation session{accepted}. Recorded by {_recorder(said)}"


def _reparation_confirmed(said: _Said) -> str:
    return f"{said.who()} replied by text that they will come to their reparation session"


def _reparation_declined(said: _Said) -> str:
    return (
        f"{said.who()} replied by text that they cannot come to their reparation session; "
        "the place was given up"
    )


def _reparation_cancelled(said: _Said) -> str:
    return f"A place in a reparation session was cancelled by {said.by}"


def _absence_accepted(said: _Said) -> str:
    return (
        f"{said.by} accepted the reason for a missed reparation session; "
        "it no longer counts as a miss"
    )


# Feedback ------------------------------------------------------------------------------------


_SURVEY = {
    "after_panel": "the feedback survey after the panel",
    "follow_up": "the follow-up feedback survey",
    "reflection": "the reflection survey",
}


def _survey_answered(said: _Said) -> str:
    return f"{said.who()} answered a feedback question by text"


def _survey_completed(said: _Said) -> str:
    survey = _SURVEY.get(said.details.get("kind", ""), "a feedback survey")
    how = "by text" if said.details.get("answered_by") == "text" else "online"
    return f"{said.who()} finished {survey}, {how}"


# Tasks for staff -----------------------------------------------------------------------------


_TASK = {
    "call_party": "call them",
    "tell_party": "tell them some way other than a text",
    "rebook": "find another time with them",
    "change_time": "rearrange the time of the panel with them",
    "read_reply": "read a text that came in",
    "breach_decision": "decide what happens after the missed parts of the agreement",
}


def _task(said: _Said) -> str:
    return _TASK.get(said.details.get("kind", ""), "a task")


def _task_raised(said: _Said) -> str:
    about = f" about {said.who()}" if said.known() else ""
    return f"A task for staff{about}: {_task(said)}"


def _task_done(said: _Said) -> str:
    return f"Task done by {said.by}: {_task(said)}"


# Every kind of event the service records, and its words. A kind missing here shows as
# its bare name; tests/panels/web/test_timeline.py checks this list against the events
# a case's life records.
SENTENCES: Mapping[str, Callable[[_Said], str]] = {
    "referred": _referred,
    "status_changed": _status_changed,
    "party_added": _party_added,
    "consent_recorded": _consent,
    "admission_recorded": _admission,
    "contact_attempt_recorded": _contact_attempt,
    "availability_changed": _availability,
    "panel_booked": _panel_booked,
    "panel_rescheduled": _panel_rescheduled,
    "panel_cancelled": _panel_cancelled,
    "attendance_confirmed": _confirmed,
    "attendance_declined": _declined,
    "change_requested": _change_requested,
    "texts_stopped": _texts_stopped,
    "texts_started": _texts_started,
    "text_not_delivered": _text_not_delivered,
    "panel_recorded": _panel_recorded,
    "action_agreed": _action_agreed,
    "action_status_changed": _action_status_changed,
    "breach_protocol": _breach_protocol,
    "breach_decided": _breach_decided,
    "reparation_booked": _reparation_booked,
    "reparation_attended": _reparation_attended,
    "reparation_missed": _reparation_missed,
    "reparation_confirmed": _reparation_confirmed,
    "reparation_declined": _reparation_declined,
    "reparation_cancelled": _reparation_cancelled,
    "absence_accepted": _absence_accepted,
    "survey_answered": _survey_answered,
    "survey_completed": _survey_completed,
    "task_raised": _task_raised,
    "task_done": _task_done,
}

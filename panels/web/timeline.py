"""A case's timeline in sentences for staff pages. Events store ids and roles only; the
names come from the case the reader is already allowed to see."""

from __future__ import annotations

from typing import Any

from panels.web import wording


def _name(actor: dict[str, Any] | None) -> str:
    return str(actor["name"]) if actor else "the service"


def describe(event: dict[str, Any], case: dict[str, Any]) -> str:
    details = event.get("details") or {}
    parties = {str(p["id"]): p for p in case.get("parties", [])}
    party = parties.get(str(details.get("party_id")))
    who = f"{party['name']} ({wording.PARTY_ROLE[party['role']].lower()})" if party else "someone"
    by = _name(event.get("actor"))
    kind = event["kind"]
    if kind == "referred":
        return f"Referred by {by}"
    if kind == "status_changed":
        return _status_sentence(event, case, by)
    if kind == "party_added":
        return f"{who} added to the case by {by}"
    if kind == "consent_recorded":
        decision = wording.CONSENT[details["decision"]]
        method = wording.CONTACT_METHOD[details["method"]].lower()
        return f"{decision} by {who}, by {method}. Recorded by {by}"
    if kind == "admission_recorded":
        admits = "admits" if details.get("admits") else "does not admit"
        return f"{who} {admits} responsibility. Recorded by {by}"
    if kind == "contact_attempt_recorded":
        method = wording.CONTACT_METHOD[details["method"]].lower()
        outcome = wording.CONTACT_OUTCOME[details["outcome"]].lower()
        return f"Contact attempt with {who} by {method}: {outcome}. Recorded by {by}"
    if kind == "availability_changed":
        count = details.get("windows", 0)
        return f"Availability of {who} updated ({count} time{'s' if count != 1 else ''}) by {by}"
    return str(kind).replace("_", " ").capitalize()


def _status_sentence(event: dict[str, Any], case: dict[str, Any], by: str) -> str:
    details = event.get("details") or {}
    target = event["to_status"]
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

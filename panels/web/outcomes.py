"""Pages for after the panel: recording what happened (on a phone, at the venue), the
outcome agreement on the case page (done, missed, waived, and more of it), and the
one-page summary each person in the case is given, which names nobody."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import Actor, allow
from panels.accounts.tables import Role
from panels.bookings import service as bookings
from panels.cases import service as cases_service
from panels.cases.audit import record_view
from panels.errors import DomainError, InvalidInput
from panels.outcomes import service
from panels.outcomes.schemas import ActionChange, ActionIn, PanelRecordIn, costs_money
from panels.outcomes.tables import ActionKind, ActionStatus, PanelResult
from panels.settings import get_settings
from panels.support import service as support
from panels.web import cases, wording
from panels.web.forms import FormErrors, date_from, errors_from, number, optional, posted, text
from panels.web.rendering import page

STAFF = allow(Role.coordinator, Role.facilitator)
# More people than any case has: the most attendance answers a posted form is read for.
MAX_PEOPLE = 50

# The case page's banners after these forms (cases.DONE takes them in).
DONE = {
    "recorded-held": "What happened at the panel is recorded",
    "recorded-postponed": "Recorded as postponed: the case is ready to book again",
    "recorded-rebook": "Recorded as not going ahead: the case is ready to book again",
    "recorded-closed": "Recorded as not going ahead, and the case is closed",
    "action-added": "Added to the agreement",
    "action-done": "Marked as done",
    "action-missed": "Marked as missed",
    "action-waived": "Waived",
}

RECORD_MESSAGES = {
    "result": "Select what happened at the panel",
    "attendance-*-attended": "Select whether they came",
    "attendance-*-absence_reason": "Say why they did not come, in 2000 characters or fewer",
    "notes": "Write the notes in 8000 characters or fewer",
    "reason": "Say why in 2000 characters or fewer",
}
ACTION_MESSAGES = {
    "kind": "Select what kind of action it is",
    "owner_party_id": "Select who will do it",
    "description": "Enter what they will do, in 1000 characters or fewer",
    "deadline": "Enter the date it is to be done by, like 27 3 2027",
    "hours": "Enter the hours agreed as a whole number from 1 to 200",
    "task_type": "Enter the kind of work, like food bank, in 100 characters or fewer",
    "support_service_id": "Select the support service",
}
YES_NO = {"yes": True, "no": False}


# The case page's "After the panel" section ---------------------------------------------


async def of_case(actor: Actor, case: dict[str, Any]) -> dict[str, Any]:
    """What the case page shows after a panel: the latest record of one (what happened,
    who came, the facilitators' notes) with the agreement's actions, each with the name of
    its person and of its support service; and the services a referral can go to."""
    found = await service.agreement(actor, case["id"])
    if found is None:
        return {"agreement": None, "referral_items": []}
    names = {party["id"]: party["name"] for party in case["parties"]}
    services = await support.search(include_inactive=True)
    service_names = {row["id"]: row["name"] for row in services}
    agreement = {
        **found,
        "attendance": [
            {**entry, "name": names.get(entry["party_id"], "")} for entry in found["attendance"]
        ],
        "actions": [
            {
                **action,
                "owner_name": names.get(action["owner_party_id"], ""),
                "service_name": service_names.get(action["support_service_id"]),
            }
            for action in found["actions"]
        ],
    }
    return {
        "agreement": agreement,
        "referral_items": [
            {"value": str(row["id"]), "text": row["name"]} for row in services if row["active"]
        ],
    }


# Recording what happened ----------------------------------------------------------------


async def _record_page(
    request: Request[Any, Any, Any],
    actor: Actor,
    panel_id: UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    panel = await bookings.read_panel(actor, panel_id)
    case = await cases_service.read_case(actor, panel["case_id"], request.url.path)
    latest = await service.agreement(actor, panel["case_id"])
    return page(
        request,
        "record_panel.html",
        status_code=400 if errors and status_code == 200 else status_code,
        title=f"Record what happened: {case['reference']}",
        panel=panel,
        case=case,
        recorded=latest is not None and latest["panel_id"] == panel_id,
        values=values or {},
        errors=errors,
    )


@get("/panels/{panel_id:uuid}/record", opt=STAFF, include_in_schema=False)
async def record_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], panel_id: FromPath[UUID]
) -> Template:
    return await _record_page(request, actor, panel_id)


def _answer(form: dict[str, Any], name: str) -> bool | None:
    return YES_NO.get(text(form, name))


def _panel_record(form: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The record as the service takes it, and, for each person listed in it, their
    place on the form. Answers to a question that does not apply (why someone who came did
    not come; why a held panel did not go ahead) are left out: the page asks every
    question, each saying when it applies."""
    result = text(form, "result")
    held = result == PanelResult.held
    attendance, positions = [], []
    for index in range(min(number(form, "people", 0), MAX_PEOPLE)):
        prefix = f"attendance-{index}-"
        came = _answer(form, prefix + "attended")
        if came is None and not held:
            continue  # only a held panel needs everyone's answer
        entry: dict[str, Any] = {"party_id": text(form, prefix + "party_id"), "attended": came}
        if came is False:
            entry["absence_reason"] = text(form, prefix + "absence_reason")
        if came and held:
            entry["agrees"] = _answer(form, prefix + "agrees")
        attendance.append(entry)
        positions.append(index)
    record = {
        "result": result or None,
        "reason": "" if held else text(form, "reason"),
        "notes": text(form, "notes"),
        "attendance": attendance,
        "then": (text(form, "then") or None) if result == PanelResult.not_held else None,
    }
    return record, positions


def _record_errors(
    problem: ValidationError | DomainError, record: dict[str, Any], positions: list[int]
) -> FormErrors:
    """Each error at the question to answer: a person's answers by their place on the
    form; a rule about the whole record at the part of it left unanswered."""
    result = record["result"]
    errors = FormErrors()
    for key, message in errors_from(problem, RECORD_MESSAGES).items:
        parts = key.split("-")
        if parts[0] == "attendance" and len(parts) > 1 and parts[1].isdigit():
            listed = int(parts[1])
            index = positions[listed] if listed < len(positions) else 0
            # a rule about one person's answers: they did not come, so why
            target = f"attendance-{index}-{'-'.join(parts[2:]) or 'absence_reason'}"
        elif key == "attendance":
            target = "attendance-0-attended"
        elif key in {"", "reason"} and result not in {None, PanelResult.held}:
            target = "reason" if key == "reason" or not record["reason"] else "then"
        elif key in {"notes", "then"}:
            target = key
        else:
            target = "result"
        errors.add(target, message)
    return errors


@post("/panels/{panel_id:uuid}/record", opt=STAFF, include_in_schema=False)
async def record(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], panel_id: FromPath[UUID]
) -> Template | Redirect:
    form = await posted(request)
    panel = await bookings.read_panel(actor, panel_id)
    data, positions = _panel_record(form)
    try:
        await service.record_panel(actor, panel_id, PanelRecordIn.model_validate(data))
    except (ValidationError, DomainError) as problem:
        return await _record_page(
            request,
            actor,
            panel_id,
            values=form,
            errors=_record_errors(problem, data, positions),
            status_code=problem.status_code if isinstance(problem, DomainError) else 400,
        )
    done = {
        PanelResult.held: "recorded-held",
        PanelResult.postponed: "recorded-postponed",
    }.get(data["result"], "recorded-closed" if data["then"] == "close" else "recorded-rebook")
    return Redirect(path=f"/cases/{panel['case_id']}?done={done}#after-the-panel", status_code=303)


# The agreement on the case page ---------------------------------------------------------


def _action(form: dict[str, Any]) -> dict[str, Any]:
    kind = text(form, "kind")
    reparation = kind == ActionKind.reparation_hours
    referral = kind == ActionKind.support_referral
    return {
        "kind": kind or None,
        "owner_party_id": optional(form, "owner_party_id"),
        "description": text(form, "description"),
        "deadline": date_from(form, "deadline"),
        # What the page shows only for one kind is read only for that kind.
        "hours": optional(form, "hours") if reparation else None,
        "task_type": optional(form, "task_type") if reparation else None,
        "support_service_id": optional(form, "support_service_id") if referral else None,
    }


def _action_rule_field(action: dict[str, Any]) -> str:
    """The field a rule about the whole action is about (ActionIn checks them in this
    order): what reparation needs, the service a referral needs, or the words that would
    cost money."""
    if action["kind"] == ActionKind.reparation_hours:
        if action["hours"] is None:
            return "hours"
        if not action["task_type"]:
            return "task_type"
    if action["kind"] == ActionKind.support_referral and action["support_service_id"] is None:
        return "support_service_id"
    if costs_money(action["task_type"] or "") and not costs_money(action["description"]):
        return "task_type"
    return "description"


@post("/cases/{case_id:uuid}/agreement/actions", opt=STAFF, include_in_schema=False)
async def add_action(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> Template | Redirect:
    form, values = await cases._submitted(request, "add")
    action = _action(form)
    try:
        await service.add_actions(actor, case_id, [ActionIn.model_validate(action)])
    except (ValidationError, DomainError) as problem:
        return await cases._refused(
            request,
            actor,
            case_id,
            problem,
            "add",
            values,
            messages=ACTION_MESSAGES,
            anchors={
                "": _action_rule_field(action),
                "deadline": "deadline-day",
                "actions-0-owner": "owner_party_id",
                "actions-0-service": "support_service_id",
            },
        )
    return cases._back_to(case_id, "action-added", "#agreement")


@post("/agreement-actions/{action_id:int}", opt=STAFF, include_in_schema=False)
async def change_action(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], action_id: FromPath[int]
) -> Template | Redirect:
    """Done, missed (with why) or waived (with why), from the action's card."""
    form = await posted(request)
    status = text(form, "status")
    try:
        # The page the card is on, to go back to; the service decides what may change.
        case_id = UUID(text(form, "case_id"))
    except ValueError:
        raise InvalidInput("The case this action is on was not sent.", field="case_id") from None
    prefix = f"{status}-{action_id}"
    try:
        change = ActionChange.model_validate({"status": status, "reason": text(form, "reason")})
        await service.change_action(actor, action_id, change)
    except (ValidationError, DomainError) as problem:
        return await cases._refused(
            request,
            actor,
            case_id,
            problem,
            prefix,
            {f"{prefix}-reason": text(form, "reason")},
            anchors={"": "reason"},
        )
    return cases._back_to(case_id, f"action-{status}", f"#action-{action_id}")


# The printed summary --------------------------------------------------------------------


def _promise(action: dict[str, Any]) -> str:
    """'The person responsible will write a letter of apology'."""
    will = wording.ACTION_PROMISE[action["kind"]].format(hours=action["hours"])
    return f"{action['owner_role']} will {will}"


@get("/cases/{case_id:uuid}/agreement/print", opt=STAFF, include_in_schema=False)
async def print_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> Template:
    """One page each person in the case keeps: who will do what by when, in role words.
    Never a name, a phone number, an address, the offence or the facilitators' notes; nor
    the support service someone is referred to, which may say more about them than they
    want the others to know."""
    found = await service.agreement(actor, case_id)
    await record_view(case_id, actor, request.url.path)
    agreed = found if found is not None and found["result"] == PanelResult.held else None
    panel = await bookings.read_panel(actor, agreed["panel_id"]) if agreed else None
    promises = [
        {
            "promise": _promise(action),
            "description": action["description"],
            "task_type": action["task_type"],
            "deadline": action["deadline"],
            "done": action["status"] == ActionStatus.done,
        }
        for action in (agreed["actions"] if agreed else [])
        if action["status"] != ActionStatus.waived
    ]
    return page(
        request,
        "agreement_print.html",
        title="What was agreed",
        case_id=case_id,
        panel=panel,
        promises=promises,
        scheme_phone=get_settings().scheme_phone,
    )


ROUTES = [record_page, record, add_action, change_action, print_page]

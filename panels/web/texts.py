"""Texts on the pages: what a case's people were texted and replied, and their answers
to the panel invitation (on the case page); the scheme's latest texts, for coordinators."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from panels.access import COORDINATORS
from panels.messaging import service as messaging
from panels.settings import Settings
from panels.tasks import service as tasks
from panels.web import wording
from panels.web.rendering import page, words

# As many as a coordinator reads through on one page.
LATEST = 100


def status_words(text: dict[str, Any]) -> str:
    """'Sent, delivered': what became of a text we sent, in plain words."""
    said = messaging.outbox_status_words(text["status"])
    delivery = wording.DELIVERY.get(text.get("delivery_status") or "")
    shown = f"{said}, {delivery}" if delivery else said
    return shown[:1].upper() + shown[1:]


def _who(party_id: UUID | None, people: dict[str, dict[str, Any]]) -> str:
    """'Person harmed: Ann Example'. The case page is for the case's own facilitators and
    coordinators, who may see names."""
    person = people.get(str(party_id))
    if person is None:
        return "A phone number on this case"
    return f"{words(person['role'], 'party_role')}: {person['name']}"


async def of_case(case: dict[str, Any]) -> dict[str, Any]:
    """What the case page shows about texts: each party's answer to their invitation
    (keyed by party id), every text to and from them, newest first, and the case's tasks
    (open, and done)."""
    case_id = case["id"]
    people = {str(person["id"]): person for person in case["parties"]}
    texts = [
        {
            **text,
            "who": _who(text["party_id"], people),
            "status_words": status_words(text) if text["direction"] == "out" else "",
        }
        for text in await messaging.texts_of_case(case_id)
    ]
    attendance = await messaging.attendance_of_case(case_id)
    raised = [
        {**task, "who": _who(task["party_id"], people) if task["party_id"] else "The whole case"}
        for task in await tasks.tasks_of_case(case_id)
    ]
    return {
        "texts": texts,
        "attendance": {str(party_id): answer for party_id, answer in attendance.items()},
        "open_tasks": [task for task in raised if task["done_at"] is None],
        "done_tasks": [task for task in raised if task["done_at"] is not None],
    }


@get("/texts", opt=COORDINATORS, include_in_schema=False)
async def texts_page(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Template:
    """The scheme's latest texts, numbers masked: with the console backend, what would
    have been texted."""
    latest = await messaging.recent_texts(LATEST)
    return page(
        request,
        "texts.html",
        title="Texts sent",
        texts=[{**text, "status_words": status_words(text)} for text in latest],
        console=settings.sms_backend != "twilio",
        latest=LATEST,
    )


ROUTES = [texts_page]

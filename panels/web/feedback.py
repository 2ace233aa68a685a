"""The survey page a person reaches from the link in a text: no account, the layout for
people without one ("Exit this page"), in English or Welsh as they speak."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from panels.access import public
from panels.errors import InvalidInput, NotFound
from panels.feedback import service as feedback
from panels.feedback.service import COMMENT_LENGTH, SurveyPage
from panels.links.service import REFUSED
from panels.settings import get_settings
from panels.web.forms import FormErrors, posted, text
from panels.web.rendering import page

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Tell us how it went",
        "intro": "Please answer these short questions from 1 (lowest) to 5 (highest).",
        "private": "The other people at the meeting will not see your answers.",
        "comment": "Is there anything else you would like to tell us? (optional)",
        "comment_hint": "Only the scheme's staff read this.",
        "send": "Send your answers",
        "too_long": f"Your message must be {COMMENT_LENGTH} characters or fewer",
        "thanks": "Thank you",
        "sent": "Your answers have been sent. You can close this page.",
    },
    "cy": {
        "title": "Dywedwch wrthym sut aeth hi",
        "intro": "Atebwch y cwestiynau byr hyn o 1 (isaf) i 5 (uchaf).",
        "private": "Ni fydd y bobl eraill yn y cyfarfod yn gweld eich atebion.",
        "comment": "Oes unrhyw beth arall yr hoffech ei ddweud wrthym? (dewisol)",
        "comment_hint": "Dim ond staff y cynllun fydd yn darllen hwn.",
        "send": "Anfon eich atebion",
        "too_long": f"Rhaid i'ch neges fod yn {COMMENT_LENGTH} nod neu lai",
        "thanks": "Diolch",
        "sent": "Mae eich atebion wedi eu hanfon. Gallwch gau'r dudalen hon.",
    },
}


def _questions(found: SurveyPage, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Each question as GOV.UK radios: 1 to 5, the ends of the scale in words."""
    shown = []
    for question in found.questions:
        words = question.words(found.language)
        chosen = str(values.get(question.key) or "")
        items = []
        for value in range(1, 6):
            item: dict[str, Any] = {
                "value": str(value),
                "text": str(value),
                "checked": chosen == str(value),
            }
            if value in (1, 5):
                item["hint"] = {"text": words.low if value == 1 else words.high}
            items.append(item)
        shown.append({"key": question.key, "text": words.text, "items": items})
    return shown


def _form(
    request: Request[Any, Any, Any],
    found: SurveyPage,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Template:
    words = WORDS[found.language]
    return page(
        request,
        "survey.html",
        status_code=400 if errors else 200,
        title=words["title"],
        words=words,
        language=found.language,
        questions=_questions(found, values),
        comment=values.get("comment", ""),
        errors=errors,
    )


def _refused(request: Request[Any, Any, Any]) -> Template:
    phone = get_settings().scheme_phone
    return page(
        request,
        "survey_done.html",
        status_code=404,
        title="This link cannot be used",
        language="en",
        detail=REFUSED,
        phone=phone,
    )


@get("/s/{token:str}", opt=public(), include_in_schema=False)
async def survey_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    try:
        found = await feedback.survey_for_link(token)
    except NotFound:
        return _refused(request)
    return _form(request, found, {**found.answers, "comment": found.comment})


@post("/s/{token:str}", opt=public(), include_in_schema=False)
async def send_survey(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    form = await posted(request)
    try:
        found = await feedback.survey_for_link(token)
    except NotFound:
        return _refused(request)
    words = WORDS[found.language]
    values = {question.key: text(form, question.key) for question in found.questions}
    values["comment"] = text(form, "comment")
    errors = FormErrors()
    for question in found.questions:
        if feedback.score(values[question.key]) is None:
            errors.add(question.key, question.words(found.language).missing)
    if len(values["comment"]) > COMMENT_LENGTH:
        errors.add("comment", words["too_long"])
    if errors:
        return _form(request, found, values, errors)
    try:
        await feedback.answer_by_link(token, values, values["comment"])
    except NotFound:  # used up in another tab since the page was opened
        return _refused(request)
    except InvalidInput as problem:
        errors.add(problem.field or "comment", problem.detail)
        return _form(request, found, values, errors)
    return page(
        request,
        "survey_done.html",
        title=words["thanks"],
        language=found.language,
        detail=words["sent"],
    )


ROUTES = [survey_page, send_survey]

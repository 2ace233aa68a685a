"""The reparation supervisor's page, reached by the link sent to them (no account):
their session's people, and who came for how long."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from panels.access import public
from panels.errors import DomainError, NotFound
from panels.reparation import service
from panels.reparation.schemas import AttendanceRecord
from panels.web.forms import FormErrors, posted
from panels.web.rendering import page

Token = FromPath[str]


def _sheet(
    request: Request[Any, Any, Any],
    session: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    saved: bool = False,
) -> Template:
    return page(
        request,
        "supervisor.html",
        status_code=400 if errors else 200,
        title=f"Attendance at {session['provider_name']}",
        session=session,
        values=values or {},
        errors=errors,
        saved=saved,
    )


def _refused(request: Request[Any, Any, Any], problem: NotFound) -> Template:
    return page(
        request, "link_refused.html", status_code=404, title="Link not valid", detail=problem.detail
    )


@get("/r/{token:str}", opt=public(), include_in_schema=False)
async def supervisor_page(request: Request[Any, Any, Any], token: Token) -> Template:
    try:
        return _sheet(request, await service.supervisor_session(token))
    except NotFound as problem:
        return _refused(request, problem)


def _hours(text: str) -> int | None:
    try:
        hours = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return round(hours * 60) if 0 < hours <= 8 else None


@post("/r/{token:str}", opt=public(), include_in_schema=False)
async def record_attendance(request: Request[Any, Any, Any], token: Token) -> Template:
    try:
        session = await service.supervisor_session(token)
    except NotFound as problem:
        return _refused(request, problem)
    form = await posted(request)
    errors = FormErrors()
    records = []
    for person in session["people"]:
        if person["status"] != "booked":
            continue
        key = f"p{person['placement_id']}"
        answer = form.get(key)
        if answer == "came":
            minutes = _hours(str(form.get(f"{key}-hours") or ""))
            if minutes is None:
                errors.add(f"{key}-hours", f"Enter the hours {person['greeting']} worked, like 2.5")
                continue
            records.append(
                AttendanceRecord(
                    placement_id=person["placement_id"], attended=True, minutes=minutes
                )
            )
        elif answer == "absent":
            reason = str(form.get(f"{key}-reason") or "").strip()[:1000]
            records.append(
                AttendanceRecord(
                    placement_id=person["placement_id"], attended=False, absence_reason=reason
                )
            )
    if errors:
        return _sheet(request, session, values=form, errors=errors)
    waiting = [p for p in session["people"] if p["status"] == "booked"]
    if not records and waiting:
        errors.add(f"p{waiting[0]['placement_id']}", "Say who came and who did not")
        return _sheet(request, session, values=form, errors=errors)
    if not records:  # nobody left to record
        return _sheet(request, session)
    try:
        await service.record_by_supervisor(token, records)
    except NotFound as problem:
        return _refused(request, problem)
    except DomainError as problem:
        errors.add(f"p{records[0].placement_id}", problem.detail)
        return _sheet(request, session, values=form, errors=errors)
    return _sheet(request, await service.supervisor_session(token), saved=True)


ROUTES = [supervisor_page, record_attendance]

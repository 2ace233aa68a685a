"""Rendering pages: the Jinja environment (our templates and GOV.UK Frontend's macros),
the filters pages use, and `page()`, which every page handler returns through."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from panels.access import Actor
from panels.accounts.tables import Role
from panels.clock import LONDON
from panels.phones import display_phone
from panels.settings import get_settings
from panels.web import wording
from panels.web.security import csp_nonce


def time_words(of_day: time) -> str:
    """'2:40pm', 'midday', 'midnight': how GOV.UK writes a time of day."""
    if of_day.hour == 12 and of_day.minute == 0:
        return "midday"
    if of_day.hour == 0 and of_day.minute == 0:
        return "midnight"
    hour = of_day.hour % 12 or 12
    minutes = f":{of_day.minute:02d}" if of_day.minute else ""
    return f"{hour}{minutes}{'am' if of_day.hour < 12 else 'pm'}"


def clock(moment: datetime | None) -> str:
    """A moment's time of day in Europe/London, in words."""
    return time_words(moment.astimezone(LONDON).time()) if moment else ""


def london_time(moment: datetime | None) -> str:
    """'25 November 2026 at 2:40pm', in Europe/London."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {clock(moment)}"


def hours_of(minutes: int) -> str:
    """'2.5 hours', '1 hour', '10 hours'."""
    hours = round(minutes / 60, 1)
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def day_and_time(moment: datetime | None) -> str:
    """'Tuesday 30 March 2027 at 6pm', in Europe/London: for the time of a panel."""
    if moment is None:
        return ""
    return f"{moment.astimezone(LONDON):%A} {london_time(moment)}"


def span_words(start: datetime, end: datetime) -> str:
    """A stretch of time as people say it: whole days as dates ('26 November 2026',
    '24 to 28 December 2026'), anything else with its times."""
    first, after = start.astimezone(LONDON), end.astimezone(LONDON)
    if first.time() == time(0) and after.time() == time(0):
        last = after.date() - timedelta(days=1)
        if last == first.date():
            return long_date(first.date())
        return f"{long_date(first.date())} to {long_date(last)}"
    if first.date() == after.date():
        return f"{long_date(first.date())}, {clock(start)} to {clock(end)}"
    return f"{london_time(start)} to {london_time(end)}"


def long_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(LONDON).date()
    return f"{day.day} {day:%B %Y}"


def london_parts(moment: datetime) -> dict[str, str]:
    """A moment as a GOV.UK date input and a time field would show it."""
    local = moment.astimezone(LONDON)
    return {
        "day": str(local.day),
        "month": str(local.month),
        "year": str(local.year),
        "time": f"{local:%H:%M}",
    }


def words(value: Any, vocabulary: str) -> str:
    return wording.ALL[vocabulary].get(str(value), str(value))


def option_items(
    vocabulary: str, selected: Any = None, blank: str | None = None
) -> list[dict[str, Any]]:
    """Items for a GOV.UK select, radios or checkboxes from one of the vocabularies;
    `selected` may be one value or several (checkboxes)."""
    chosen = (
        {str(v) for v in selected} if isinstance(selected, list | tuple | set) else {str(selected)}
    )
    items: list[dict[str, Any]] = [{"value": "", "text": blank}] if blank else []
    for value, label in wording.options(vocabulary):
        items.append(
            {"value": value, "text": label, "selected": value in chosen, "checked": value in chosen}
        )
    return items


def date_items(values: Any, field_id: str) -> list[dict[str, Any]]:
    """The day, month and year boxes of a GOV.UK date input, showing what was typed
    (values keyed `<field_id>-day` and so on)."""
    widths = {"day": 2, "month": 2, "year": 4}
    return [
        {
            "name": part,
            "classes": f"govuk-input--width-{width}",
            "value": (values or {}).get(f"{field_id}-{part}"),
        }
        for part, width in widths.items()
    ]


def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("panels.web", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["london_time"] = london_time
    env.filters["clock"] = clock
    env.filters["day_and_time"] = day_and_time
    env.filters["hours"] = hours_of
    env.filters["phone"] = display_phone
    env.filters["long_date"] = long_date
    env.globals["span_words"] = span_words
    env.filters["words"] = words
    env.filters["london_parts"] = london_parts
    env.globals["wording"] = wording
    env.globals["option_items"] = option_items
    env.globals["date_items"] = date_items
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def assets_ready() -> bool:
    return (Path(get_settings().assets_dir) / "njp.css").is_file()


def navigation(actor: Actor | None, path: str) -> list[dict[str, Any]]:
    if actor is None:
        return []
    items: list[tuple[str, str]] = []
    if actor.role is Role.coordinator:
        items.append(("Dashboard", "/dashboard"))
    items.append(("Cases" if actor.role is Role.coordinator else "Your cases", "/cases"))
    if actor.role in {Role.referrer, Role.coordinator}:
        items.append(("Refer a case", "/cases/new"))
    if actor.role is Role.facilitator:
        items += [("Your availability", "/availability"), ("Support services", "/support-services")]
    if actor.role is Role.coordinator:
        items += [
            ("Plan panels", "/scheduling"),
            ("Texts sent", "/texts"),
            ("Facilitators", "/facilitators"),
            ("Venues", "/venues"),
            ("Support services", "/support-services"),
            ("Users", "/users"),
            ("API tokens", "/api-tokens"),
        ]
    current = max(
        (href for _, href in items if path == href or path.startswith(href + "/")),
        key=len,
        default=None,
    )
    if path == "/cases/new":
        current = "/cases/new"
    return [{"text": text, "href": href, "current": href == current} for text, href in items]


def base_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    actor = request.scope.get("user")
    actor = actor if isinstance(actor, Actor) else None
    return {
        "actor": actor,
        "navigation": navigation(actor, request.url.path),
        "scheme_name": get_settings().scheme_name,
        "cspNonce": csp_nonce(request.scope),
        "path": request.url.path,
    }


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    return Template(
        template_name=template,
        status_code=status_code,
        context={**base_context(request), **context},
    )

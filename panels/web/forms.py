"""Form submissions: reading posted fields, and turning what the services and models
refuse into GOV.UK error messages tied to the field that needs fixing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError

from panels.clock import LONDON
from panels.errors import DomainError


@dataclass
class FormErrors:
    """Errors in the order the fields appear: (the id of the field's input, message)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_id: str, message: str) -> None:
        if field_id not in {existing for existing, _ in self.items}:
            self.items.append((field_id, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def summary(self) -> list[dict[str, str]]:
        return [{"text": message, "href": f"#{field_id}"} for field_id, message in self.items]

    def message(self, *field_ids: str) -> dict[str, str] | None:
        """For a component's errorMessage: the first error on any of these fields."""
        for field_id, message in self.items:
            if field_id in field_ids:
                return {"text": message}
        return None


async def posted(request: Any) -> dict[str, Any]:
    """The submitted form: one value per field, or a list where a field came more than
    once (checkboxes)."""
    form = await request.form()
    return {key: form.getall(key) if len(form.getall(key)) > 1 else form.get(key) for key in form}


class FormInvalid(Exception):
    """Raised by page handlers to show the form again with its errors."""

    def __init__(self, errors: FormErrors):
        super().__init__("form has errors")
        self.errors = errors


def field_id(location: tuple[Any, ...] | str) -> str:
    """pydantic ('parties', 0, 'phone') or API 'parties[0].phone' -> 'parties-0-phone'."""
    if isinstance(location, str):
        location = tuple(location.replace("[", ".").replace("]", "").split("."))
    return "-".join(str(part) for part in location if part != "")


def errors_from(
    problem: ValidationError | DomainError,
    messages: Mapping[str, str],
    anchors: Mapping[str, str] | None = None,
) -> FormErrors:
    """Errors for a form. `messages` words a missing or malformed field the GOV.UK way
    ('Enter the area'), keyed by field id with list positions as '*' ('parties-*-name');
    a service's own message is used where it explains itself. `anchors` sends a field's
    link to the input people should fix first (a date's day box)."""
    anchors = anchors or {}
    errors = FormErrors()
    if isinstance(problem, DomainError):
        key = field_id(problem.field or "form")
        errors.add(anchors.get(_pattern(key), anchors.get(key, key)), problem.detail)
        return errors
    for error in problem.errors():
        key = field_id(tuple(error["loc"]))
        pattern = _pattern(key)
        message = messages.get(key) or messages.get(pattern)
        if error["type"] == "value_error" or message is None:
            message = str(error["msg"]).removeprefix("Value error, ")
        target = anchors.get(key) or anchors.get(pattern) or key
        errors.add(target.replace("*", _index(key)), message)
    return errors


def _pattern(key: str) -> str:
    return "-".join("*" if part.isdigit() else part for part in key.split("-"))


def _index(key: str) -> str:
    return next((part for part in key.split("-") if part.isdigit()), "")


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def number(form: Mapping[str, Any], name: str, default: int) -> int:
    """A whole number the page itself put in the form; anything else (a tampered or
    mangled form) counts as the default rather than an error."""
    try:
        return int(text(form, name))
    except ValueError:
        return default


def optional(form: Mapping[str, Any], name: str) -> str | None:
    return text(form, name) or None


def date_from(form: Mapping[str, Any], name: str) -> date | str | None:
    """A GOV.UK date input (name-day, name-month, name-year) as a date; what was typed when
    it is not a real date (for validation to refuse); None when left empty."""
    parts = [text(form, f"{name}-{part}") for part in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        day, month, year = (int(part) for part in parts)
        if year < 1900:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        return "-".join(reversed(parts))


def moment_from(
    form: Mapping[str, Any], name: str, time_name: str | None = None
) -> datetime | str | None:
    """A date input plus a time field ('14:30' or '2:30pm'; by default name-time), in
    London time; what was typed when it is not a real moment; None when left empty."""
    day = date_from(form, name)
    typed = text(form, time_name or f"{name}-time").lower().replace(".", ":").replace(" ", "")
    if day is None and not typed:
        return None
    clock = clock_time(typed)
    if not isinstance(day, date) or clock is None:
        return f"{day or ''} {typed}".strip()
    return datetime.combine(day, clock, tzinfo=LONDON)


def clock_time(typed: str) -> time | None:
    """'14:30', '2:30pm', '9am' as a time of day; None when it is not one."""
    typed = typed.strip().lower().replace(".", ":").replace(" ", "")
    if not typed:
        return None
    suffix = typed[-2:] if typed[-2:] in {"am", "pm"} else ""
    digits = typed.removesuffix(suffix)
    hours, _, minutes = digits.partition(":")
    try:
        hour, minute = int(hours), int(minutes or 0)
    except ValueError:
        return None
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)

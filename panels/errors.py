"""Business errors raised by services, and the one place that turns them into HTTP answers.

Every error answer is JSON with a human-readable `detail`; a validation error also names
the `field`, and a broken rule (409) names the `rule`.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.rule = rule

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail}
        if self.field:
            body["field"] = self.field
        if self.rule:
            body["rule"] = self.rule
        return body


class InvalidInput(DomainError):
    status_code = 400


class NotSignedIn(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class RuleBroken(DomainError):
    """An action the case's state or the scheme's rules do not allow right now."""

    status_code = 409


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self, detail: str, *, retry_after_seconds: int):
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


def domain_error_response(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    return Response(exc.body(), status_code=exc.status_code, headers=headers)


def _field_name(key: str) -> str:
    # pydantic reports list positions as numbers: parties.0.phone -> parties[0].phone
    parts: list[str] = []
    for part in key.split("."):
        if part.isdigit() and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts)


def validation_error_response(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        key = str(item.get("key") or item.get("source") or "body")
        message = str(item.get("message", "is not valid")).removeprefix("Value error, ")
        errors.append({"field": _field_name(key), "message": message})
    if not errors:
        errors.append({"field": "body", "message": "The request body is not valid JSON"})
    first = errors[0]
    return Response(
        {
            "detail": f"{first['field']}: {first['message']}",
            "field": first["field"],
            "errors": errors,
        },
        status_code=400,
    )


def http_error_response(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    detail = exc.detail if exc.status_code != HTTP_500_INTERNAL_SERVER_ERROR else None
    return Response(
        {"detail": detail or "Something went wrong on our side. Nothing was changed."},
        status_code=exc.status_code,
        headers=exc.headers,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_response,
    ValidationException: validation_error_response,
    HTTPException: http_error_response,
}

"""Errors on pages: the JSON API answers in JSON; a person in a browser gets a page in
plain words, and is sent to sign in when they need to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect

from panels.errors import EXCEPTION_HANDLERS, NotSignedIn

NOT_PAGES = ("/api/", "/schema", "/health", "/assets/", "/static/", "/webhooks/", "/calendars/")

TITLES = {
    400: "There is a problem with what was sent",
    403: "You cannot use this page",
    404: "Page not found",
    405: "Page not found",
    409: "This cannot be done now",
    429: "Too many attempts",
}
DEFAULT_TITLE = "Sorry, there is a problem with the service"

Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def is_page(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def sign_in_redirect(request: Request[Any, Any, Any]) -> Redirect:
    target = request.url.path
    if request.method == "GET" and target not in {"/", "/sign-in"}:
        return Redirect(path=f"/sign-in?next={quote(target)}", status_code=303)
    return Redirect(path="/sign-in", status_code=303)


def error_page(
    request: Request[Any, Any, Any], status_code: int, detail: str | None
) -> Response[Any]:
    from panels.web.rendering import base_context

    template = request.app.template_engine.get_template("error.html")  # type: ignore[union-attr]
    title = TITLES.get(status_code, DEFAULT_TITLE)
    html = template.render(
        **base_context(request),
        csrf_input="",
        title=title,
        status_code=status_code,
        detail=detail if status_code < 500 else None,
    )
    return Response(html, status_code=status_code, media_type="text/html")


def page_aware(json_handler: Handler) -> Handler:
    def handle(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        if not is_page(request):
            return json_handler(request, exc)
        if isinstance(exc, NotSignedIn | NotAuthorizedException):
            return sign_in_redirect(request)
        status_code = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", None)
        if status_code == 404 or not isinstance(exc, Exception):
            detail = None
        return error_page(request, status_code, str(detail) if detail else None)

    return handle


def exception_handlers() -> dict[Any, Any]:
    handlers = {kind: page_aware(handler) for kind, handler in EXCEPTION_HANDLERS.items()}
    handlers.setdefault(HTTPException, page_aware(EXCEPTION_HANDLERS[HTTPException]))
    return handlers

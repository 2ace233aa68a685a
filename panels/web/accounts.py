"""Pages for signing in and out, and for coordinators to manage users and API tokens."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from panels.access import COORDINATORS, SIGNED_IN, Actor, public
from panels.accounts import service
from panels.accounts.endpoints import session_cookie
from panels.accounts.schemas import ApiTokenIn, UserChange, UserIn
from panels.accounts.tables import Role
from panels.clock import LONDON
from panels.errors import DomainError, NotSignedIn, TooManyAttempts
from panels.settings import Settings
from panels.web.forms import FormErrors, date_from, errors_from, posted, text
from panels.web.rendering import page

HOME = {Role.coordinator: "/dashboard", Role.facilitator: "/cases", Role.referrer: "/cases"}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another site, so a link cannot send people away."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@get("/", opt=public(), include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Redirect:
    actor = request.scope.get("user")
    if isinstance(actor, Actor):
        return Redirect(path=HOME[actor.role], status_code=303)
    return Redirect(path="/sign-in", status_code=303)


@get("/sign-in", opt=public(), include_in_schema=False)
async def sign_in_page(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None
) -> Template | Redirect:
    actor = request.scope.get("user")
    if isinstance(actor, Actor):
        return Redirect(path=_safe_next(next) or HOME[actor.role], status_code=303)
    return page(request, "sign_in.html", title="Sign in", next=_safe_next(next), values={})


@post("/sign-in", opt=public(), include_in_schema=False)
async def sign_in(
    request: Request[Any, Any, Any],
    settings: NamedDependency[Settings],
    next: FromQuery[str | None] = None,
) -> Template | Redirect:
    form = await posted(request)
    email, password = text(form, "email"), str(form.get("password") or "")
    errors = FormErrors()
    if not email:
        errors.add("email", "Enter your email address")
    if not password:
        errors.add("password", "Enter your password")
    if not errors:
        try:
            actor, token, _ = await service.sign_in(email, password, settings.session_hours)
        except (NotSignedIn, TooManyAttempts) as refused:
            errors.add("email", refused.detail)
        else:
            response = Redirect(path=_safe_next(next) or HOME[actor.role], status_code=303)
            response.set_cookie(session_cookie(settings, token, settings.session_hours * 3600))
            return response
    return page(
        request,
        "sign_in.html",
        status_code=400,
        title="Sign in",
        errors=errors,
        next=_safe_next(next),
        values={"email": email},
    )


@post("/sign-out", opt=SIGNED_IN, include_in_schema=False)
async def sign_out(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Redirect:
    token = request.cookies.get("njp_session")
    if token:
        await service.sign_out(token)
    response = Redirect(path="/sign-in?signed_out=1", status_code=303)
    response.set_cookie(session_cookie(settings, "", 0))
    return response


# Users --------------------------------------------------------------------------------

USER_MESSAGES = {
    "email": "Enter an email address in the correct format, like name@example.org",
    "name": "Enter the person's name",
    "role": "Select what the person does",
    "organisation_id": "Select the person's organisation",
    "password": "Enter a password of at least 12 characters",
}


@get("/users", opt=COORDINATORS, include_in_schema=False)
async def users_page(
    request: Request[Any, Any, Any], done: FromQuery[str | None] = None
) -> Template:
    organisations = {o["id"]: o["name"] for o in await service.list_organisations()}
    users = await service.list_users()
    return page(
        request,
        "users.html",
        title="Users",
        users=users,
        organisations=organisations,
        done={"added": "User added", "changed": "User changed"}.get(done or ""),
    )


async def _user_form_page(
    request: Request[Any, Any, Any],
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    return page(
        request,
        "user_new.html",
        status_code=400 if errors else 200,
        title="Add a user",
        errors=errors,
        values=values or {},
        organisations=await service.list_organisations(),
    )


@get("/users/new", opt=COORDINATORS, include_in_schema=False)
async def new_user_page(request: Request[Any, Any, Any]) -> Template:
    return await _user_form_page(request)


@post("/users/new", opt=COORDINATORS, include_in_schema=False)
async def create_user(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await posted(request)
    values = {key: text(form, key) for key in ("email", "name", "role", "organisation_id")}
    try:
        await service.create_user(
            UserIn.model_validate({**values, "password": form.get("password") or ""})
        )
    except (ValidationError, DomainError) as problem:
        return await _user_form_page(request, errors_from(problem, USER_MESSAGES), values)
    return Redirect(path="/users?done=added", status_code=303)


@get("/users/{user_id:uuid}", opt=COORDINATORS, include_in_schema=False)
async def user_page(request: Request[Any, Any, Any], user_id: FromPath[UUID]) -> Template:
    user = await service.get_user(user_id)
    return page(request, "user_edit.html", title=f"Change {user['name']}", user=user, values=user)


@post("/users/{user_id:uuid}", opt=COORDINATORS, include_in_schema=False)
async def change_user(
    request: Request[Any, Any, Any], user_id: FromPath[UUID], actor: NamedDependency[Actor]
) -> Template | Redirect:
    form = await posted(request)
    values = {
        "name": text(form, "name"),
        "role": text(form, "role"),
        "active": text(form, "active"),
    }
    try:
        change = UserChange.model_validate(
            {
                "name": values["name"],
                "role": values["role"] or None,
                "active": values["active"] == "yes",
            }
        )
        await service.change_user(actor, user_id, change)
    except (ValidationError, DomainError) as problem:
        user = await service.get_user(user_id)
        return page(
            request,
            "user_edit.html",
            status_code=400,
            title=f"Change {user['name']}",
            user=user,
            values={**user, **values, "active": values["active"] == "yes"},
            errors=errors_from(problem, USER_MESSAGES, {"form": "active"}),
        )
    return Redirect(path="/users?done=changed", status_code=303)


# API tokens ---------------------------------------------------------------------------

TOKEN_MESSAGES = {
    "name": "Enter a name that says which system uses the token",
    "user_id": "Select who the token acts as",
    "expires_at": "Enter a real date in the future, or leave it empty",
}


async def _tokens_page(
    request: Request[Any, Any, Any],
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    created: dict[str, Any] | None = None,
    done: FromQuery[str | None] = None,
) -> Template:
    users = await service.list_users()
    return page(
        request,
        "api_tokens.html",
        status_code=400 if errors else (201 if created else 200),
        title="API tokens",
        tokens=await service.list_api_tokens(),
        users={u["id"]: u for u in users},
        active_users=[u for u in users if u["active"]],
        errors=errors,
        values=values or {},
        created=created,
        done=done,
    )


@get("/api-tokens", opt=COORDINATORS, include_in_schema=False)
async def api_tokens_page(
    request: Request[Any, Any, Any], done: FromQuery[str | None] = None
) -> Template:
    return await _tokens_page(request, done={"revoked": "Token revoked"}.get(done or ""))


@post("/api-tokens", opt=COORDINATORS, include_in_schema=False)
async def create_api_token(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor]
) -> Template:
    form = await posted(request)
    values = {"name": text(form, "name"), "user_id": text(form, "user_id")}
    expiry = date_from(form, "expires_at")
    try:
        expires_at: Any = expiry
        if expiry is not None and not isinstance(expiry, str):
            # A token given an expiry date works until the end of that day, London time.
            expires_at = datetime.combine(expiry, time(23, 59, 59), tzinfo=LONDON)
        created = await service.create_api_token(
            actor,
            ApiTokenIn.model_validate(
                {**values, "user_id": values["user_id"] or None, "expires_at": expires_at}
            ),
        )
    except (ValidationError, DomainError) as problem:
        for key in ("day", "month", "year"):
            values[f"expires_at-{key}"] = text(form, f"expires_at-{key}")
        errors = errors_from(problem, TOKEN_MESSAGES, {"expires_at": "expires_at-day"})
        return await _tokens_page(request, errors=errors, values=values)
    return await _tokens_page(request, created=created)


@post("/api-tokens/{token_id:uuid}/revoke", opt=COORDINATORS, include_in_schema=False)
async def revoke_api_token(token_id: FromPath[UUID]) -> Redirect:
    await service.revoke_api_token(token_id)
    return Redirect(path="/api-tokens?done=revoked", status_code=303)


ROUTES = [
    home,
    sign_in_page,
    sign_in,
    sign_out,
    users_page,
    new_user_page,
    create_user,
    user_page,
    change_user,
    api_tokens_page,
    create_api_token,
    revoke_api_token,
]

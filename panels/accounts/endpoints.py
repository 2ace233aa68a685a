"""HTTP routes for signing in and out, `me`, organisations, users and API tokens."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from panels.access import COORDINATORS, SIGNED_IN, Actor, public
from panels.accounts import service
from panels.accounts.authentication import SESSION_COOKIE
from panels.accounts.schemas import (
    ApiTokenIn,
    ApiTokenOut,
    Me,
    NewApiToken,
    OrganisationIn,
    OrganisationOut,
    SignIn,
    UserChange,
    UserIn,
    UserOut,
)
from panels.settings import Settings


def session_cookie(settings: Settings, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


@post("/auth/login", opt=public(), status_code=HTTP_200_OK, tags=["accounts"])
async def login(data: JSONBody[SignIn], settings: NamedDependency[Settings]) -> Response[Me]:
    """Sign in with email and password; sets the session cookie."""
    actor, token, _ = await service.sign_in(data.email, data.password, settings.session_hours)
    cookie = session_cookie(settings, token, settings.session_hours * 3600)
    return Response(Me.model_validate(await service.me(actor)), cookies=[cookie])


@post("/auth/logout", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT, tags=["accounts"])
async def logout(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Response[None]:
    """End this session (a bearer token stays valid until revoked)."""
    session_token = request.cookies.get(SESSION_COOKIE)
    if session_token:
        await service.sign_out(session_token)
    return Response(
        None, status_code=HTTP_204_NO_CONTENT, cookies=[session_cookie(settings, "", 0)]
    )


@get("/me", opt=SIGNED_IN, tags=["accounts"])
async def get_me(actor: NamedDependency[Actor]) -> Me:
    return Me.model_validate(await service.me(actor))


@get("/organisations", opt=COORDINATORS, tags=["accounts"])
async def list_organisations() -> list[OrganisationOut]:
    return [OrganisationOut.model_validate(row) for row in await service.list_organisations()]


@post("/organisations", opt=COORDINATORS, tags=["accounts"])
async def create_organisation(data: JSONBody[OrganisationIn]) -> OrganisationOut:
    return OrganisationOut.model_validate(await service.create_organisation(data))


@get("/users", opt=COORDINATORS, tags=["accounts"])
async def list_users() -> list[UserOut]:
    return [UserOut.model_validate(row) for row in await service.list_users()]


@post("/users", opt=COORDINATORS, tags=["accounts"])
async def create_user(data: JSONBody[UserIn]) -> UserOut:
    return UserOut.model_validate(await service.create_user(data))


@patch("/users/{user_id:uuid}", opt=COORDINATORS, tags=["accounts"])
async def change_user(
    actor: NamedDependency[Actor], user_id: FromPath[UUID], data: JSONBody[UserChange]
) -> UserOut:
    """Rename, change role, or deactivate (which signs the user out everywhere)."""
    return UserOut.model_validate(await service.change_user(actor, user_id, data))


@get("/api-tokens", opt=COORDINATORS, tags=["accounts"])
async def list_api_tokens() -> list[ApiTokenOut]:
    return [ApiTokenOut.model_validate(row) for row in await service.list_api_tokens()]


@post("/api-tokens", opt=COORDINATORS, tags=["accounts"])
async def create_api_token(
    actor: NamedDependency[Actor], data: JSONBody[ApiTokenIn]
) -> NewApiToken:
    """Create a token for a machine client acting as `user_id`. The secret is shown once."""
    return NewApiToken.model_validate(await service.create_api_token(actor, data))


@delete("/api-tokens/{token_id:uuid}", opt=COORDINATORS, status_code=HTTP_200_OK, tags=["accounts"])
async def revoke_api_token(token_id: FromPath[UUID]) -> ApiTokenOut:
    return ApiTokenOut.model_validate(await service.revoke_api_token(token_id))


router = Router(
    path="/",
    route_handlers=[
        login,
        logout,
        get_me,
        list_organisations,
        create_organisation,
        list_users,
        create_user,
        change_user,
        list_api_tokens,
        create_api_token,
        revoke_api_token,
    ],
)

"""Turns a session cookie or an `Authorization: Bearer` token into the request's Actor.

It only identifies; deciding what the Actor may do is `panels.access`'s job. A request
with no credentials goes on as anonymous; one with a bearer token that is not valid is
refused at once, so a misconfigured client hears about it.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from panels.accounts import service

SESSION_COOKIE = "njp_session"


class CredentialsMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self,
        connection: ASGIConnection,  # type: ignore[type-arg]
    ) -> AuthenticationResult:
        authorization = connection.headers.get("authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthorizedException("Use 'Authorization: Bearer <api token>'.")
            actor = await service.actor_for_api_token(token.strip())
            if actor is None:
                raise NotAuthorizedException("This API token is not valid, or was revoked.")
            return AuthenticationResult(user=actor, auth="api_token")
        session_token = connection.cookies.get(SESSION_COOKIE)
        if session_token:
            actor = await service.actor_for_session(session_token)
            if actor is not None:
                return AuthenticationResult(user=actor, auth="session")
        return AuthenticationResult(user=None, auth=None)

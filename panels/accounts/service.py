"""Accounts: organisations, users, sign-in with throttling, sessions and API tokens."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from panels.access import Actor
from panels.accounts.passwords import (
    hash_password,
    new_token,
    password_problem,
    token_hash,
    verify_password,
)
from panels.accounts.schemas import ApiTokenIn, OrganisationIn, UserChange, UserIn
from panels.accounts.tables import (
    ApiToken,
    Organisation,
    OrganisationKind,
    Role,
    SignInThrottle,
    User,
    UserSession,
)
from panels.clock import utc_now
from panels.db import write_transaction
from panels.errors import InvalidInput, NotFound, NotSignedIn, RuleBroken, TooManyAttempts

# Five wrong passwords for one address within a quarter of an hour lock that address for
# a quarter of an hour: slow enough to stop guessing, short enough not to strand an
# officer who mistyped.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)

# API tokens are used on every request; recording each use would make every read a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)

SCHEME_ROLES = {Role.coordinator, Role.facilitator}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _actor(row: dict[str, Any]) -> Actor:
    return Actor(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        organisation_id=row["organisation"],
    )


_ACTOR_COLUMNS = (User.id, User.email, User.name, User.role, User.organisation)


def person_columns(user: Any) -> tuple[Any, ...]:
    """The columns `person()` needs, through a foreign key to User (e.g. Case.referrer)."""
    return (user.id, user.name, user.role)


def person(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """A user named in a joined row (`<prefix>.id`, `.name`, `.role`), or None."""
    if row.get(f"{prefix}.id") is None:
        return None
    return {"id": row[f"{prefix}.id"], "name": row[f"{prefix}.name"], "role": row[f"{prefix}.role"]}


# Organisations ----------------------------------------------------------------------


async def list_organisations() -> list[dict[str, Any]]:
    return await Organisation.select().order_by(Organisation.name)


async def _organisation_named(name: str) -> dict[str, Any] | None:
    """Names match whatever their case; there are tens of organisations, not thousands."""
    wanted = name.strip().casefold()
    return next(
        (row for row in await list_organisations() if row["name"].casefold() == wanted), None
    )


async def get_organisation(organisation_id: UUID) -> dict[str, Any]:
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        raise NotFound("No such organisation.")
    return row


async def create_organisation(data: OrganisationIn) -> dict[str, Any]:
    async with write_transaction():
        if await _organisation_named(data.name) is not None:
            raise InvalidInput("An organisation with this name already exists.", field="name")
        rows = await Organisation.insert(Organisation(name=data.name, kind=data.kind)).returning(
            *Organisation.all_columns()
        )
    return dict(rows[0])


# Users --------------------------------------------------------------------------------


def _check_role_fits(role: Role, kind: OrganisationKind) -> None:
    if role in SCHEME_ROLES and kind is not OrganisationKind.scheme:
        raise InvalidInput(
            f"A {role.value} must belong to the scheme's own organisation.", field="role"
        )
    if role is Role.referrer and kind is OrganisationKind.scheme:
        raise InvalidInput(
            "A referrer belongs to a referring organisation, not the scheme.", field="role"
        )


_USER_COLUMNS = (
    User.id,
    User.email,
    User.name,
    User.role,
    User.organisation.as_alias("organisation_id"),
    User.active,
    User.created_at,
)


async def list_users() -> list[dict[str, Any]]:
    return await User.select(*_USER_COLUMNS).order_by(User.name)


async def get_user(user_id: UUID) -> dict[str, Any]:
    row = await User.select(*_USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound("No such user.")
    return row


async def create_user(data: UserIn, *, password_hash: str | None = None) -> dict[str, Any]:
    """A new account. `password_hash` is the hash of `data.password` when the caller has
    it already (the demo's accounts share one password, and argon2 is slow on purpose)."""
    problem = password_problem(data.password)
    if problem:
        raise InvalidInput(problem, field="password")
    organisation = (
        await Organisation.select(Organisation.kind)
        .where(Organisation.id == data.organisation_id)
        .first()
    )
    if organisation is None:
        raise InvalidInput("No such organisation.", field="organisation_id")
    _check_role_fits(data.role, OrganisationKind(organisation["kind"]))
    email = normalise_email(data.email)
    password_hash = password_hash or hash_password(data.password)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise InvalidInput("A user with this email already exists.", field="email")
        user = User(
            email=email,
            name=data.name,
            role=data.role,
            organisation=data.organisation_id,
            password_hash=password_hash,
        )
        await user.save()
    return await get_user(user.id)


async def change_user(actor: Actor, user_id: UUID, change: UserChange) -> dict[str, Any]:
    async with write_transaction():
        current = (
            await User.select(User.role, User.organisation.kind).where(User.id == user_id).first()
        )
        if current is None:
            raise NotFound("No such user.")
        if user_id == actor.id and (
            change.active is False or change.role not in {None, actor.role}
        ):
            raise RuleBroken(
                "You cannot deactivate yourself or change your own role; ask another coordinator.",
                rule="no_self_lockout",
            )
        values: dict[Any, Any] = {}
        if change.name is not None:
            values[User.name] = change.name
        if change.role is not None:
            _check_role_fits(change.role, OrganisationKind(current["organisation.kind"]))
            values[User.role] = change.role
        if change.active is not None:
            values[User.active] = change.active
        if values:
            await User.update(values).where(User.id == user_id)
        if change.active is False or change.role not in {None, current["role"]}:
            # Whoever held this account's sessions signed in under the old terms.
            await UserSession.delete().where(UserSession.user == user_id)
        if change.active is False:
            # Reactivating someone later must not quietly bring old machine access back.
            await ApiToken.update({ApiToken.revoked_at: utc_now()}).where(
                (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
            )
    return await get_user(user_id)


# Signing in ---------------------------------------------------------------------------


async def _throttle_state(email: str, now: datetime) -> None:
    row = await SignInThrottle.select().where(SignInThrottle.email == email).first()
    if row and row["locked_until"] and row["locked_until"] > now:
        wait = row["locked_until"] - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise TooManyAttempts(
            f"Too many wrong passwords for this email. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
            retry_after_seconds=math.ceil(wait.total_seconds()),
        )


async def _record_failure(email: str, now: datetime) -> None:
    async with write_transaction():
        row = await SignInThrottle.select().where(SignInThrottle.email == email).first()
        if row is None or now - row["first_failure_at"] > FAILURE_WINDOW:
            await SignInThrottle.delete().where(SignInThrottle.email == email)
            await SignInThrottle.insert(
                SignInThrottle(email=email, failures=1, first_failure_at=now)
            )
            return
        failures = row["failures"] + 1
        await SignInThrottle.update(
            {
                SignInThrottle.failures: failures,
                SignInThrottle.locked_until: now + LOCKOUT if failures >= MAX_FAILURES else None,
            }
        ).where(SignInThrottle.email == email)


async def sign_in(
    email: str, password: str, session_hours: int, now: datetime | None = None
) -> tuple[Actor, str, datetime]:
    """Check the password and open a session: (who, the cookie secret, when it expires)."""
    now = now or utc_now()
    email = normalise_email(email)
    await _throttle_state(email, now)
    row = (
        await User.select(*_ACTOR_COLUMNS, User.password_hash, User.active)
        .where(User.email == email)
        .first()
    )
    valid = await verify_password(row["password_hash"] if row else None, password)
    if not valid or row is None or not row["active"]:
        await _record_failure(email, now)
        raise NotSignedIn("The email or password is not right.")
    token = new_token("njps")
    expires_at = now + timedelta(hours=session_hours)
    async with write_transaction():
        await SignInThrottle.delete().where(SignInThrottle.email == email)
        await UserSession.delete().where(
            (UserSession.user == row["id"]) & (UserSession.expires_at < now)
        )
        await UserSession.insert(
            UserSession(token_hash=token_hash(token), user=row["id"], expires_at=expires_at)
        )
    return _actor(row), token, expires_at


async def sign_out(session_token: str) -> None:
    async with write_transaction():
        await UserSession.delete().where(UserSession.token_hash == token_hash(session_token))


async def actor_for_session(session_token: str, now: datetime | None = None) -> Actor | None:
    now = now or utc_now()
    row = (
        await UserSession.select(
            *(getattr(UserSession.user, column._meta.name) for column in _ACTOR_COLUMNS),
            UserSession.user.active,
            UserSession.expires_at,
        )
        .where(UserSession.token_hash == token_hash(session_token))
        .first()
    )
    if row is None or row["expires_at"] <= now or not row["user.active"]:
        return None
    return _actor({key.removeprefix("user."): value for key, value in row.items()})


async def actor_for_api_token(token: str, now: datetime | None = None) -> Actor | None:
    now = now or utc_now()
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
            *(getattr(ApiToken.user, column._meta.name) for column in _ACTOR_COLUMNS),
            ApiToken.user.active,
        )
        .where(ApiToken.token_hash == token_hash(token))
        .first()
    )
    if row is None or row["revoked_at"] is not None or not row["user.active"]:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] > LAST_USED_RESOLUTION:
        async with write_transaction():
            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return _actor({key.removeprefix("user."): value for key, value in row.items() if key != "id"})


async def me(actor: Actor) -> dict[str, Any]:
    organisation = await get_organisation(actor.organisation_id)
    return {
        "id": actor.id,
        "email": actor.email,
        "name": actor.name,
        "role": actor.role,
        "organisation": organisation,
    }


# API tokens ---------------------------------------------------------------------------

_TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.prefix,
    ApiToken.user.as_alias("user_id"),
    ApiToken.created_by.as_alias("created_by_id"),
    ApiToken.created_at,
    ApiToken.expires_at,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
)


async def list_api_tokens() -> list[dict[str, Any]]:
    return await ApiToken.select(*_TOKEN_COLUMNS).order_by(ApiToken.created_at, ascending=False)


async def create_api_token(actor: Actor, data: ApiTokenIn) -> dict[str, Any]:
    now = utc_now()
    if data.expires_at is not None:
        if data.expires_at.tzinfo is None:
            raise InvalidInput("Give the expiry time with a time zone offset.", field="expires_at")
        if data.expires_at <= now:
            raise InvalidInput("The expiry time must be in the future.", field="expires_at")
    user = await User.select(User.active).where(User.id == data.user_id).first()
    if user is None:
        raise InvalidInput("No such user.", field="user_id")
    if not user["active"]:
        raise InvalidInput("That user is deactivated.", field="user_id")
    token = new_token("njp")
    async with write_transaction():
        row = ApiToken(
            name=data.name,
            token_hash=token_hash(token),
            prefix=token[:12],
            user=data.user_id,
            created_by=actor.id,
            expires_at=data.expires_at,
        )
        await row.save()
    created = await ApiToken.select(*_TOKEN_COLUMNS).where(ApiToken.id == row.id).first()
    assert created is not None
    return {**created, "token": token}


async def revoke_api_token(token_id: UUID) -> dict[str, Any]:
    async with write_transaction():
        row = await ApiToken.select(ApiToken.revoked_at).where(ApiToken.id == token_id).first()
        if row is None:
            raise NotFound("No such API token.")
        if row["revoked_at"] is None:
            await ApiToken.update({ApiToken.revoked_at: utc_now()}).where(ApiToken.id == token_id)
    revoked = await ApiToken.select(*_TOKEN_COLUMNS).where(ApiToken.id == token_id).first()
    assert revoked is not None
    return revoked


async def create_user_in_named_organisation(
    *,
    email: str,
    name: str,
    role: Role,
    organisation: str,
    organisation_kind: OrganisationKind | None,
    password: str,
) -> dict[str, Any]:
    """For the command line: find the organisation by name, creating it when a kind is
    given."""
    row = await _organisation_named(organisation)
    if row is None:
        if organisation_kind is None:
            known = ", ".join(o["name"] for o in await list_organisations()) or "none yet"
            raise InvalidInput(
                f"No organisation called {organisation!r} (known: {known}). "
                "Give its kind to create it.",
                field="organisation",
            )
        row = await create_organisation(OrganisationIn(name=organisation, kind=organisation_kind))
    return await create_user(
        UserIn(email=email, name=name, role=role, organisation_id=row["id"], password=password)
    )

"""Issuing and using links for people without accounts. A link that is unknown,
expired, revoked or used up is refused the same way, so none can be told from a guess."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from panels.clock import utc_now
from panels.errors import NotFound
from panels.links.tables import AccessLink, LinkPurpose

REFUSED = "This link has expired or is not valid. Contact the scheme if you need a new one."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(
    purpose: LinkPurpose,
    subject: str,
    *,
    lifetime: timedelta,
    uses_allowed: int | None = None,
    case_id: UUID | None = None,
    now: datetime | None = None,
) -> str:
    """Inside the caller's transaction: a new link's token (32 random bytes), of which
    only the hash is kept."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    await AccessLink.insert(
        AccessLink(
            token_hash=_hash(token),
            purpose=purpose,
            subject=subject,
            case=case_id,
            created_at=now,
            expires_at=now + lifetime,
            uses_allowed=uses_allowed,
        )
    )
    return token


async def valid(token: str, purpose: LinkPurpose, now: datetime | None = None) -> dict[str, Any]:
    """The link, if it may still be used for `purpose`; NotFound otherwise."""
    now = now or utc_now()
    if not token or len(token) > 100:
        raise NotFound(REFUSED)
    link = await AccessLink.select().where(AccessLink.token_hash == _hash(token)).first()
    if (
        link is None
        or link["purpose"] != purpose
        or link["revoked_at"] is not None
        or link["expires_at"] <= now
        or (link["uses_allowed"] is not None and link["uses"] >= link["uses_allowed"])
    ):
        raise NotFound(REFUSED)
    return link


async def use(token: str, purpose: LinkPurpose, now: datetime | None = None) -> dict[str, Any]:
    """Inside a write transaction: the link, counted as used once more; NotFound if it
    may not be (used up since it was opened, say)."""
    link = await valid(token, purpose, now)
    updated = (
        await AccessLink.update({AccessLink.uses: AccessLink.uses + 1})
        .where(
            (AccessLink.id == link["id"])
            & (AccessLink.uses_allowed.is_null() | (AccessLink.uses < AccessLink.uses_allowed))
        )
        .returning(AccessLink.id)
    )
    if not updated:
        raise NotFound(REFUSED)
    return link


async def revoke(subject: str, purpose: LinkPurpose, now: datetime | None = None) -> None:
    await AccessLink.update({AccessLink.revoked_at: now or utc_now()}).where(
        (AccessLink.subject == subject)
        & (AccessLink.purpose == purpose)
        & AccessLink.revoked_at.is_null()
    )

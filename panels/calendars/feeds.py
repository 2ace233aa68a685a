"""Private calendar subscription feeds for facilitators and venues.

A feed's address carries a token derived from the secret key, the owner and a
generation number, so the service can show the link again without storing it; only a
hash is stored, to find the owner. Making a new link raises the generation, and the old
link stops working at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal
from uuid import UUID

from panels.accounts.passwords import token_hash
from panels.db import write_transaction
from panels.errors import NotFound
from panels.facilitators.tables import Facilitator
from panels.settings import get_settings
from panels.venues.tables import Venue

Kind = Literal["facilitator", "venue"]
TABLES: dict[Kind, type[Facilitator] | type[Venue]] = {"facilitator": Facilitator, "venue": Venue}


def _token(kind: Kind, owner: UUID, generation: int) -> str:
    secret = get_settings().secret_key.encode()
    digest = hmac.new(secret, f"feed:{kind}:{owner}:{generation}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def _address(kind: Kind, token: str) -> str:
    return f"{get_settings().public_url}/calendars/{kind}s/{token}.ics"


async def link(kind: Kind, owner: UUID) -> str:
    """The feed's address, made on first use."""
    table = TABLES[kind]
    row = await table.select(table.feed_generation).where(table.id == owner).first()
    if row is None:
        raise NotFound(f"No such {kind}.")
    if row["feed_generation"] == 0:
        return await renew(kind, owner)
    return _address(kind, _token(kind, owner, row["feed_generation"]))


async def renew(kind: Kind, owner: UUID) -> str:
    """A new address; the old one stops working."""
    table = TABLES[kind]
    async with write_transaction():
        row = await table.select(table.feed_generation).where(table.id == owner).first()
        if row is None:
            raise NotFound(f"No such {kind}.")
        generation = row["feed_generation"] + 1
        token = _token(kind, owner, generation)
        await table.update(
            {table.feed_generation: generation, table.feed_token_hash: token_hash(token)}
        ).where(table.id == owner)
    return _address(kind, token)


async def owner_of(kind: Kind, token: str) -> UUID:
    """Whose feed this token opens, or NotFound (for a wrong, old or malformed token)."""
    table = TABLES[kind]
    row = await table.select(table.id).where(table.feed_token_hash == token_hash(token)).first()
    if row is None:
        raise NotFound("No such calendar.")
    return UUID(str(row["id"]))

"""Links for people without accounts reach one thing, for one purpose, until they expire
or are used up; an unknown, expired, revoked, used-up or wrong-purpose link is refused
the same way, so none can be told from a guess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from panels.db import write_transaction
from panels.errors import NotFound
from panels.links import service as links
from panels.links.tables import AccessLink, LinkPurpose

NOW = datetime(2027, 3, 2, 12, tzinfo=UTC)


async def issued(**extra: object) -> str:
    async with write_transaction():
        return await links.issue(
            LinkPurpose.survey,
            "survey-1",
            lifetime=timedelta(days=30),
            now=NOW,
            **extra,  # type: ignore[arg-type]
        )


async def refused(token: str, purpose: LinkPurpose = LinkPurpose.survey, **extra: object) -> str:
    with pytest.raises(NotFound) as caught:
        async with write_transaction():
            await links.use(token, purpose, **extra)  # type: ignore[arg-type]
    return caught.value.detail


async def test_a_link_reaches_its_subject_and_only_its_hash_is_kept(database: str) -> None:
    token = await issued()
    assert len(token) >= 40
    link = await links.valid(token, LinkPurpose.survey, NOW + timedelta(days=1))
    assert link["subject"] == "survey-1"
    stored = await AccessLink.select(AccessLink.token_hash).first()
    assert stored is not None
    assert token not in str(stored)


async def test_a_one_use_link_is_refused_once_used(database: str) -> None:
    token = await issued(uses_allowed=1)
    async with write_transaction():
        await links.use(token, LinkPurpose.survey, NOW)
    message = await refused(token, now=NOW)
    assert "expired or is not valid" in message


async def test_every_kind_of_bad_link_is_refused_with_the_same_words(database: str) -> None:
    token = await issued()
    messages = {
        await refused(token, now=NOW + timedelta(days=31)),  # expired
        await refused(token + "x", now=NOW),  # guessed
        await refused("", now=NOW),
        await refused(token, LinkPurpose.supervisor, now=NOW),  # for something else
    }
    async with write_transaction():
        await links.revoke("survey-1", LinkPurpose.survey, NOW)
    messages.add(await refused(token, now=NOW))
    assert messages == {links.REFUSED}


async def test_a_link_for_as_long_as_it_lasts_can_be_used_again(database: str) -> None:
    token = await issued()
    for _ in range(3):
        async with write_transaction():
            await links.use(token, LinkPurpose.survey, NOW)
    row = await AccessLink.select(AccessLink.uses).first()
    assert row == {"uses": 3}

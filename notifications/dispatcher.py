"""The dispatcher: claims due texts from the outbox, sends them through the gateway, and
records what happened. Several may run at once (on PostgreSQL rows are claimed with
FOR UPDATE SKIP LOCKED, so no two dispatchers hold one row).

What a crash can do: a dispatcher sends one text at a time and records each send in its
own transaction straight after. Killed between a send and its record, that one text is
sent again when its lease runs out, so each crash repeats at most one text. Texts it had
claimed but not sent go out once, after the lease. Just before each send the
dispatcher renews its claim if half the lease has gone (and skips the text if another
dispatcher has taken it over), and the gateway's timeout is far shorter than a lease, so
a slow provider cannot make a live dispatcher's text go twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from notifications.gateway import Gateway, Outgoing, SendFailed
from notifications.tables import OutboxMessage, OutboxStatus, SmsOptOut, SmsSenderPace
from notifications.timing import Backoff, QuietHours

log = logging.getLogger("njp.sms")

Transaction = Callable[[], contextlib.AbstractAsyncContextManager[Any]]
# Called inside the transaction that records a text as failed for good, so whatever it
# writes (a task to phone the person instead) lands with it.
OnFailed = Callable[[dict[str, Any]], Awaitable[None]]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Policy:
    rate_per_second: float = 0.0  # per sender; 0 sends as fast as the provider answers
    quiet: QuietHours = field(default_factory=QuietHours)
    backoff: Backoff = field(default_factory=Backoff)
    lease: timedelta = timedelta(minutes=2)
    batch: int = 20
    sender: str = "default"

    def claim_size(self) -> int:
        """With a rate, claim only what can go in a third of a lease: the rest stay free
        for other dispatchers, and nothing waits for its turn past its lease."""
        if self.rate_per_second <= 0:
            return self.batch
        third = self.lease.total_seconds() / 3
        return max(1, min(self.batch, math.floor(self.rate_per_second * third)))


def _now() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    def __init__(
        self,
        gateway: Gateway,
        transaction: Transaction,
        *,
        policy: Policy | None = None,
        status_callback: str | None = None,
        on_failed: OnFailed | None = None,
        name: str | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.gateway = gateway
        self.transaction = transaction
        self.policy = policy or Policy()
        self.status_callback = status_callback
        self.on_failed = on_failed
        self.name = name or worker_name()
        self.clock = clock
        # Set by run(); a dispatcher driven by run_once alone is never stopping.
        self._stop = asyncio.Event()

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 1.0) -> None:
        """Send until `stop` is set, looking again every `idle_seconds` when idle."""
        self._stop = stop
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception as problem:  # keep going; the next round retries
                # By type only: a database error can quote a phone number.
                log.error("The SMS dispatcher failed a round: %s", type(problem).__name__)
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle_seconds)

    async def run_once(self) -> int:
        """Claim a batch of due texts and send them; how many were handled."""
        now = self.clock()
        if self.policy.quiet.contains(now):
            return 0
        claimed, slots = await self._claim(now)
        for done, (row, slot) in enumerate(zip(claimed, slots, strict=True)):
            wait = (slot - self.clock()).total_seconds()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=wait)
            if self._stop.is_set():
                # Stopping: what is not sent yet goes back for the next dispatcher now,
                # rather than after its lease.
                await self._release(claimed[done:])
                return done
            await self._deliver(row)
        return len(claimed)

    async def _release(self, rows: list[dict[str, Any]]) -> None:
        async with self.transaction():
            await OutboxMessage.update(
                {
                    OutboxMessage.status: OutboxStatus.queued,
                    OutboxMessage.claimed_by: None,
                    OutboxMessage.claimed_until: None,
                    OutboxMessage.attempts: OutboxMessage.attempts - 1,
                }
            ).where(
                OutboxMessage.id.is_in([row["id"] for row in rows])
                & (OutboxMessage.status == OutboxStatus.sending)
                & (OutboxMessage.claimed_by == self.name)
            )

    async def _claim(self, now: datetime) -> tuple[list[dict[str, Any]], list[datetime]]:
        due = (
            (OutboxMessage.status == OutboxStatus.queued) & (OutboxMessage.next_attempt_at <= now)
        ) | (
            # Claimed by a dispatcher that stopped (or was killed) before finishing.
            (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_until < now)
        )
        async with self.transaction():
            query = (
                OutboxMessage.select(OutboxMessage.id)
                .where(due)
                .order_by(OutboxMessage.next_attempt_at)
                .order_by(OutboxMessage.id)
                .limit(self.policy.claim_size())
            )
            if OutboxMessage._meta.db.engine_type == "postgres":
                query = query.lock_rows(skip_locked=True)
            ids = [row["id"] for row in await query]
            if not ids:
                return [], []
            await OutboxMessage.update(
                {
                    OutboxMessage.status: OutboxStatus.sending,
                    OutboxMessage.claimed_by: self.name,
                    OutboxMessage.claimed_until: now + self.policy.lease,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                    OutboxMessage.updated_at: now,
                }
            ).where(OutboxMessage.id.is_in(ids))
            rows = await OutboxMessage.select().where(OutboxMessage.id.is_in(ids))
            slots = await self._slots(now, len(rows))
        rows.sort(key=lambda row: ids.index(row["id"]))
        return rows, slots

    async def _slots(self, now: datetime, count: int) -> list[datetime]:
        """When each claimed text may go, keeping every dispatcher of this sender within
        its rate together: the next free moment is kept in the database."""
        rate = self.policy.rate_per_second
        if rate <= 0:
            return [now] * count
        sender = self.policy.sender
        query = SmsSenderPace.select().where(SmsSenderPace.sender == sender)
        if SmsSenderPace._meta.db.engine_type == "postgres":
            query = query.lock_rows()
        pace = await query.first()
        if pace is None:
            await SmsSenderPace.insert(SmsSenderPace(sender=sender, next_slot_at=now))
            first = now
        else:
            first = max(now, pace["next_slot_at"])
        gap = timedelta(seconds=1 / rate)
        slots = [first + gap * i for i in range(count)]
        await SmsSenderPace.update({SmsSenderPace.next_slot_at: slots[-1] + gap}).where(
            SmsSenderPace.sender == sender
        )
        return slots

    async def _still_mine(self, row: dict[str, Any]) -> bool:
        """Renew the claim on `row` if half its lease has gone; False if it is no longer
        this dispatcher's (it was too slow, and another has taken the text over)."""
        now = self.clock()
        if row["claimed_until"] - now > self.policy.lease / 2:
            return True
        async with self.transaction():
            renewed = (
                await OutboxMessage.update({OutboxMessage.claimed_until: now + self.policy.lease})
                .where(
                    (OutboxMessage.id == row["id"])
                    & (OutboxMessage.status == OutboxStatus.sending)
                    & (OutboxMessage.claimed_by == self.name)
                )
                .returning(OutboxMessage.id)
            )
        return bool(renewed)

    async def _deliver(self, row: dict[str, Any]) -> None:
        if not await self._still_mine(row):
            return
        now = self.clock()
        if row["expires_at"] is not None and now >= row["expires_at"]:
            await self._finish(row, {OutboxMessage.status: OutboxStatus.expired})
            return
        if await SmsOptOut.exists().where(SmsOptOut.phone == row["to_number"]):
            await self._finish(row, {OutboxMessage.status: OutboxStatus.opted_out})
            return
        outgoing = Outgoing(
            to=row["to_number"], body=row["body"], status_callback=self.status_callback
        )
        try:
            sent = await asyncio.to_thread(self.gateway.send, outgoing)
        except SendFailed as failure:
            await self._failed(row, failure)
            return
        except Exception as problem:  # a gateway bug: retried like a passing fault
            reason = f"unexpected {type(problem).__name__} while sending"
            await self._failed(row, SendFailed(reason, permanent=False))
            return
        await self._finish(
            row,
            {
                OutboxMessage.status: OutboxStatus.sent,
                OutboxMessage.provider: self.gateway.name,
                OutboxMessage.provider_sid: sent.sid,
                OutboxMessage.delivery_status: sent.status,
                OutboxMessage.sent_at: self.clock(),
                OutboxMessage.error_code: None,
                OutboxMessage.error: None,
            },
        )

    async def _failed(self, row: dict[str, Any], failure: SendFailed) -> None:
        attempts = int(row["attempts"])
        noted = {OutboxMessage.error_code: failure.code, OutboxMessage.error: str(failure)[:500]}
        if failure.permanent or self.policy.backoff.gives_up(attempts):
            log.warning(
                "Text %s could not be sent (code %s); a person will be asked to call.",
                row["id"],
                failure.code,
            )
            await self._finish(
                row, {OutboxMessage.status: OutboxStatus.failed, **noted}, failed=True
            )
            return
        retry = self.clock() + self.policy.backoff.wait(attempts)
        log.info("Text %s will be tried again at %s (code %s).", row["id"], retry, failure.code)
        await self._finish(
            row,
            {
                OutboxMessage.status: OutboxStatus.queued,
                OutboxMessage.next_attempt_at: retry,
                **noted,
            },
        )

    async def _finish(
        self, row: dict[str, Any], changes: dict[Any, Any], *, failed: bool = False
    ) -> None:
        changes = {
            **changes,
            OutboxMessage.claimed_by: None,
            OutboxMessage.claimed_until: None,
            OutboxMessage.updated_at: self.clock(),
        }
        async with self.transaction():
            await OutboxMessage.update(changes).where(OutboxMessage.id == row["id"])
            if failed and self.on_failed is not None:
                await self.on_failed(row)

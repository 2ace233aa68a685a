"""The dispatcher sends what the outbox holds through the real twilio SDK: the exact form
Twilio gets, retries that wait longer each time, failures that will not get better
handed to a person, quiet hours, STOP, expiry, leases and the per-sender rate."""

from __future__ import annotations

import asyncio
import time as stopwatch
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from notifications import outbox
from notifications.dispatcher import Dispatcher, Policy
from notifications.gateway import TwilioGateway
from notifications.outbox import Text
from notifications.tables import OutboxMessage, OutboxStatus, SmsSenderPace
from notifications.timing import LONDON, Backoff, QuietHours
from panels.db import write_transaction
from tests.twilio_fake import FakeTwilio

NEVER_QUIET = QuietHours(start=time(0), end=time(0))
FROM = "+447700900999"
TO = "+447700900501"
CALLBACK = "https://panels.example.org/webhooks/twilio/status"
NOON = datetime(2027, 3, 2, 12, 0, tzinfo=LONDON).astimezone(UTC)


class Clock:
    """A clock the test moves, so retries and quiet hours need no waiting."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def dispatcher_for(
    twilio: FakeTwilio,
    clock: Callable[[], datetime],
    *,
    policy: Policy | None = None,
    failed: list[dict[str, Any]] | None = None,
    **gateway: str,
) -> Dispatcher:
    async def on_failed(row: dict[str, Any]) -> None:
        if failed is not None:
            failed.append(row)

    return Dispatcher(
        TwilioGateway(
            account_sid=twilio.account_sid,
            auth_token=twilio.auth_token,
            api_base_url=twilio.base_url,
            timeout_seconds=5,
            **(gateway or {"from_number": FROM}),
        ),
        write_transaction,
        policy=policy or Policy(quiet=NEVER_QUIET),
        status_callback=CALLBACK,
        on_failed=on_failed,
        name="test-dispatcher",
        clock=clock,
    )


async def queue(*bodies: str, to: str = TO, at: datetime = NOON, **extra: Any) -> None:
    async with write_transaction():
        for body in bodies:
            await outbox.enqueue(
                Text(to=to, body=body, kind="invitation", due_at=at, **extra), NEVER_QUIET, at
            )


async def rows() -> list[dict[str, Any]]:
    return await OutboxMessage.select().order_by(OutboxMessage.id)


async def test_a_due_text_is_posted_to_twilio_exactly_and_recorded_as_sent(
    database: str, twilio: FakeTwilio
) -> None:
    await queue("See you Tue 2 Mar at 18:00. Reply YES to confirm.")
    sent = await dispatcher_for(twilio, Clock(NOON)).run_once()

    assert sent == 1
    assert twilio.messages() == [
        {
            "To": TO,
            "From": FROM,
            "Body": "See you Tue 2 Mar at 18:00. Reply YES to confirm.",
            "StatusCallback": CALLBACK,
        }
    ]
    [row] = await rows()
    assert row["status"] == OutboxStatus.sent
    assert row["provider"] == "twilio"
    assert row["provider_sid"] == twilio.requests[-1].reply["sid"]
    assert row["delivery_status"] == "queued"
    assert row["attempts"] == 1
    assert row["claimed_by"] is None


async def test_a_messaging_service_sends_without_a_from_number(
    database: str, twilio: FakeTwilio
) -> None:
    await queue("Hello")
    await dispatcher_for(twilio, Clock(NOON), messaging_service_sid="MG" + "a" * 32).run_once()
    [form] = twilio.messages()
    assert form["MessagingServiceSid"] == "MG" + "a" * 32
    assert "From" not in form


async def test_a_text_not_due_yet_waits(database: str, twilio: FakeTwilio) -> None:
    await queue("Later", at=NOON + timedelta(hours=1))
    clock = Clock(NOON)
    sender = dispatcher_for(twilio, clock)
    assert await sender.run_once() == 0
    clock.at = NOON + timedelta(hours=1)
    assert await sender.run_once() == 1
    assert len(twilio.messages()) == 1


async def test_a_passing_fault_is_retried_later_with_growing_waits(
    database: str, twilio: FakeTwilio
) -> None:
    twilio.fail(TO, code=20500, status=500, times=2)
    await queue("Try again")
    clock = Clock(NOON)
    backoff = Backoff(first=timedelta(seconds=30), cap=timedelta(hours=1), attempts=5)
    sender = dispatcher_for(twilio, clock, policy=Policy(quiet=NEVER_QUIET, backoff=backoff))

    await sender.run_once()
    [row] = await rows()
    assert (row["status"], row["error_code"]) == (OutboxStatus.queued, 20500)
    assert row["next_attempt_at"] == NOON + timedelta(seconds=30)
    assert await sender.run_once() == 0  # not before its time

    clock.at = NOON + timedelta(seconds=30)
    await sender.run_once()
    [row] = await rows()
    assert row["next_attempt_at"] == clock.at + timedelta(seconds=60)

    clock.at += timedelta(seconds=60)
    await sender.run_once()
    [row] = await rows()
    assert row["status"] == OutboxStatus.sent
    assert row["attempts"] == 3
    assert len(twilio.messages()) == 1


async def test_a_bad_number_is_not_retried_and_a_person_is_asked_to_call(
    database: str, twilio: FakeTwilio
) -> None:
    twilio.fail(TO, code=21211, status=400)
    await queue("Hello")
    failed: list[dict[str, Any]] = []
    clock = Clock(NOON)
    sender = dispatcher_for(twilio, clock, failed=failed)

    await sender.run_once()
    clock.at += timedelta(days=1)
    assert await sender.run_once() == 0

    [row] = await rows()
    assert (row["status"], row["error_code"]) == (OutboxStatus.failed, 21211)
    assert TO not in (row["error"] or "")
    assert [f["id"] for f in failed] == [row["id"]]
    assert len(twilio.requests) == 1


async def test_an_opted_out_number_refused_by_twilio_is_not_retried(
    database: str, twilio: FakeTwilio
) -> None:
    twilio.fail(TO, code=21610, status=400)
    await queue("Hello")
    failed: list[dict[str, Any]] = []
    await dispatcher_for(twilio, Clock(NOON), failed=failed).run_once()
    [row] = await rows()
    assert row["status"] == OutboxStatus.failed
    assert len(failed) == 1


async def test_retrying_stops_after_the_last_attempt(database: str, twilio: FakeTwilio) -> None:
    twilio.fail(TO, code=20429, status=429)
    await queue("Busy")
    failed: list[dict[str, Any]] = []
    clock = Clock(NOON)
    backoff = Backoff(first=timedelta(seconds=1), cap=timedelta(seconds=1), attempts=3)
    sender = dispatcher_for(
        twilio, clock, policy=Policy(quiet=NEVER_QUIET, backoff=backoff), failed=failed
    )
    for _ in range(5):
        await sender.run_once()
        clock.at += timedelta(seconds=2)
    [row] = await rows()
    assert (row["status"], row["attempts"]) == (OutboxStatus.failed, 3)
    assert len(twilio.requests) == 3
    assert len(failed) == 1


async def test_nothing_is_sent_in_quiet_hours_and_all_of_it_in_the_morning(
    database: str, twilio: FakeTwilio
) -> None:
    evening = datetime(2027, 3, 2, 19, 0, tzinfo=LONDON).astimezone(UTC)
    await queue("One", "Two", at=evening)
    clock = Clock(datetime(2027, 3, 2, 21, 0, tzinfo=LONDON).astimezone(UTC))
    sender = dispatcher_for(twilio, clock, policy=Policy(quiet=QuietHours()))
    assert await sender.run_once() == 0
    clock.at = datetime(2027, 3, 3, 8, 59, tzinfo=LONDON).astimezone(UTC)
    assert await sender.run_once() == 0
    assert twilio.requests == []
    clock.at = datetime(2027, 3, 3, 9, 0, tzinfo=LONDON).astimezone(UTC)
    assert await sender.run_once() == 2


async def test_a_text_written_at_night_is_due_in_the_morning(database: str) -> None:
    night = datetime(2027, 3, 2, 23, 0, tzinfo=LONDON)
    async with write_transaction():
        await outbox.enqueue(
            Text(to=TO, body="x", kind="invitation", due_at=night), QuietHours(), night
        )
    [row] = await rows()
    assert row["due_at"] == datetime(2027, 3, 3, 9, 0, tzinfo=LONDON)


async def test_a_number_that_said_stop_gets_nothing_even_if_queued_before(
    database: str, twilio: FakeTwilio
) -> None:
    await queue("Queued before STOP")
    async with write_transaction():
        await outbox.stop(TO, NOON)
    await queue("Written after STOP")
    await dispatcher_for(twilio, Clock(NOON)).run_once()
    assert twilio.requests == []
    assert [r["status"] for r in await rows()] == [OutboxStatus.opted_out] * 2

    async with write_transaction():
        await outbox.start(TO)
    await queue("After START")
    await dispatcher_for(twilio, Clock(NOON)).run_once()
    assert [m["Body"] for m in twilio.messages()] == ["After START"]


async def test_a_text_whose_moment_has_passed_is_not_sent(
    database: str, twilio: FakeTwilio
) -> None:
    await queue("Reminder", expires_at=NOON + timedelta(minutes=5))
    await dispatcher_for(twilio, Clock(NOON + timedelta(minutes=6))).run_once()
    assert twilio.requests == []
    [row] = await rows()
    assert row["status"] == OutboxStatus.expired


async def test_writing_the_same_reason_twice_queues_one_text(database: str) -> None:
    await queue("Invitation", dedupe_key="panel:1:0:party:1:invitation")
    await queue("Invitation", dedupe_key="panel:1:0:party:1:invitation")
    assert len(await rows()) == 1


async def test_a_claim_left_by_a_dispatcher_that_died_is_taken_over_after_its_lease(
    database: str, twilio: FakeTwilio
) -> None:
    await queue("Orphan")
    lease = timedelta(minutes=2)
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.sending,
            OutboxMessage.claimed_by: "dead-worker",
            OutboxMessage.claimed_until: NOON + lease,
        },
        force=True,
    )
    clock = Clock(NOON + timedelta(minutes=1))
    sender = dispatcher_for(twilio, clock, policy=Policy(quiet=NEVER_QUIET, lease=lease))
    assert await sender.run_once() == 0  # still someone else's
    clock.at = NOON + lease + timedelta(seconds=1)
    assert await sender.run_once() == 1
    [row] = await rows()
    assert row["status"] == OutboxStatus.sent
    assert len(twilio.messages()) == 1


async def test_a_text_another_dispatcher_took_over_is_not_sent_again(
    database: str, twilio: FakeTwilio
) -> None:
    await queue("Slow")
    lease = timedelta(minutes=2)
    clock = Clock(NOON)
    slow = dispatcher_for(twilio, clock, policy=Policy(quiet=NEVER_QUIET, lease=lease))
    claimed, _ = await slow._claim(NOON)
    # The lease ran out while it waited, and another dispatcher claimed the text.
    clock.at = NOON + lease + timedelta(seconds=1)
    await OutboxMessage.update({OutboxMessage.claimed_by: "another-worker"}, force=True)
    await slow._deliver(claimed[0])
    assert twilio.requests == []


async def test_the_rate_spaces_sends_even_across_dispatchers(
    database: str, twilio: FakeTwilio
) -> None:
    await queue(*(f"Paced {n}" for n in range(6)), at=datetime.now(UTC) - timedelta(minutes=1))
    policy = Policy(quiet=NEVER_QUIET, rate_per_second=10, batch=3)
    first, second = (
        dispatcher_for(twilio, lambda: datetime.now(UTC), policy=policy) for _ in range(2)
    )
    began = stopwatch.monotonic()
    await first.run_once()
    await second.run_once()
    elapsed = stopwatch.monotonic() - began
    assert len(twilio.messages()) == 6
    # Six sends at ten a second, shared between two dispatchers: at least half a second.
    assert elapsed >= 0.5
    pace = await SmsSenderPace.select().first()
    assert pace is not None
    assert pace["sender"] == "default"


async def test_stopping_gives_back_what_it_had_not_sent_yet(
    database: str, twilio: FakeTwilio
) -> None:
    await queue(*(f"Slowly {n}" for n in range(5)), at=datetime.now(UTC) - timedelta(minutes=1))
    policy = Policy(quiet=NEVER_QUIET, rate_per_second=1, batch=5)
    sender = dispatcher_for(twilio, lambda: datetime.now(UTC), policy=policy)
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    await asyncio.to_thread(twilio.wait_for, 1, 10)
    stop.set()
    await asyncio.wait_for(running, timeout=5)  # not after the other four seconds' sends

    assert len(twilio.messages()) == 1
    left = [r for r in await rows() if r["status"] != OutboxStatus.sent]
    assert len(left) == 4
    assert {(r["status"], r["claimed_by"], r["attempts"]) for r in left} == {
        (OutboxStatus.queued, None, 0)
    }

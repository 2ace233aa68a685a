"""`njp worker` processes against a real database and the fake Twilio: one killed with
SIGKILL part-way through 500 texts loses none and repeats at most the one it was
sending; two draining one outbox at once send each text once; and the embedded server
sends what is queued without any worker."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from notifications import outbox
from notifications.outbox import Text
from notifications.tables import OutboxMessage, OutboxStatus
from notifications.timing import QuietHours
from panels.db import write_transaction
from tests.logscan import LOG_SCANNER
from tests.served import NJP, environment, serving
from tests.twilio_fake import FakeTwilio
from tests.world import SENSITIVE

MESSAGES = 500
NEVER_QUIET = QuietHours(start=datetime.min.time(), end=datetime.min.time())
# The documented bound: a dispatcher sends one text at a time and records it at once, so
# each crash can repeat at most the one text that was in flight.
REPEATS_PER_CRASH = 1


def numbers(count: int) -> list[str]:
    found = [f"+447700900{n % 1000:03d}" for n in range(count)]
    SENSITIVE.update(found)
    return found


async def queue_texts(count: int) -> list[str]:
    bodies = [f"Test text {n:04d}: see you Tue 2 Mar at 18:00." for n in range(count)]
    due = datetime.now(UTC) - timedelta(minutes=1)
    async with write_transaction():
        for body, to in zip(bodies, numbers(count), strict=True):
            await outbox.enqueue(
                Text(to=to, body=body, kind="reminder", due_at=due), NEVER_QUIET, due
            )
    return bodies


def sending_settings(twilio: FakeTwilio) -> dict[str, str]:
    return dict(
        NJP_SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=twilio.account_sid,
        TWILIO_AUTH_TOKEN=twilio.auth_token,
        TWILIO_FROM_NUMBER="+447700900999",
        TWILIO_API_BASE_URL=twilio.base_url,
        NJP_SMS_RATE_PER_SECOND="0",
        NJP_SMS_QUIET_HOURS="none",
        # Short, so the killed worker's claims are taken over within the test.
        NJP_SMS_LEASE_SECONDS="4",
        NJP_LOG_LEVEL="INFO",
    )


@asynccontextmanager
async def worker(
    database: str, twilio: FakeTwilio, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            str(NJP),
            "worker",
            "--idle",
            "0.2",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            env=environment(database, **sending_settings(twilio)),
        )
        try:
            yield process
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), timeout=15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            LOG_SCANNER.add_text(log.read_text(errors="replace"))


async def until(condition: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")


async def drained() -> bool:
    waiting = await OutboxMessage.count().where(
        OutboxMessage.status.is_in([OutboxStatus.queued, OutboxStatus.sending])
    )
    return bool(waiting == 0)


async def test_a_worker_killed_mid_batch_loses_no_text_and_repeats_at_most_one(
    database: str, twilio: FakeTwilio, tmp_path: Path
) -> None:
    bodies = await queue_texts(MESSAGES)
    twilio.delay(0.004)  # a provider that takes a moment, so the kill lands mid-send
    log = tmp_path / "workers.log"

    async with worker(database, twilio, log) as first:
        await asyncio.to_thread(twilio.wait_for, MESSAGES // 3, 60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    delivered_before_crash = len(twilio.messages())
    assert delivered_before_crash < MESSAGES, "the kill came too late to test anything"

    async with worker(database, twilio, log):
        await until(drained, 90, "the second worker to send the rest")

    sent = Counter(form["Body"] for form in twilio.messages())
    assert set(sent) == set(bodies), "every queued text reached Twilio"
    repeats = sum(count - 1 for count in sent.values())
    assert repeats <= REPEATS_PER_CRASH
    statuses = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.provider_sid)
    assert {row["status"] for row in statuses} == {OutboxStatus.sent}
    assert len({row["provider_sid"] for row in statuses}) == MESSAGES
    assert not [n for n in SENSITIVE if n in log.read_text()], "no phone number in the log"


async def test_two_workers_draining_one_outbox_send_each_text_once(
    database: str, twilio: FakeTwilio, tmp_path: Path
) -> None:
    bodies = await queue_texts(MESSAGES)
    twilio.delay(0.002)
    log = tmp_path / "workers.log"
    async with worker(database, twilio, log), worker(database, twilio, log):
        await until(drained, 90, "two workers to send everything")
    sent = Counter(form["Body"] for form in twilio.messages())
    assert sorted(sent) == sorted(bodies)
    assert set(sent.values()) == {1}
    # Both took part: each row records which worker claimed it last only while claimed,
    # so look at the log lines each worker printed on starting instead.
    assert log.read_text().count("Sending texts as") == 2


async def test_the_embedded_server_sends_queued_texts_itself(
    database: str, twilio: FakeTwilio, tmp_path: Path
) -> None:
    bodies = await queue_texts(3)
    settings = sending_settings(twilio)
    async with serving(database, tmp_path, **settings, NJP_DISPATCH_IN_SERVER="true") as served:
        assert served.status == 200, served.output()
        await asyncio.to_thread(twilio.wait_for, 3, 30)
    assert sorted(form["Body"] for form in twilio.messages()) == sorted(bodies)
    assert all(
        form["StatusCallback"] == f"{served.base_url}/webhooks/twilio/status"
        for form in twilio.messages()
    )

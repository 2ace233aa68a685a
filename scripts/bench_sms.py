"""Benchmark: sending the outbox's texts, and answering the texts people send back.

Measured in one run, each beside its baseline, against a local Twilio-compatible server
(tests.twilio_fake, in this process; what is measured runs in child processes, as the
service's own processes would):

  dispatch  N texts queued in a fresh migrated database and drained by `njp worker --once`
            (the service's own dispatcher, rate limit and quiet hours off), against the
            same N sends straight through TwilioGateway.send in a loop with no database:
            on an SQLite file, and, when PostgreSQL answers, on a fresh PostgreSQL
            database with one worker and with two at once. Every text is checked to have
            reached the fake exactly once, and every outbox row to say sent.
  webhooks  the real `njp serve` on an SQLite file, sent signed POST
            /webhooks/twilio/sms at a steady rate (open loop: each request goes at its
            moment by the clock, whatever the answers before it), half from parties
            invited to a panel replying YES (the confirm path) and half from numbers
            nobody in a case has (a stored text and a holding reply, for a person to
            read); against GET /health on the same server at the same rate.

Run with ./scripts/bench-sms; figures are printed and written to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as wall_clock
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPOSITORY = Path(__file__).resolve().parent.parent
# The fake Twilio and the served-process helpers live with the tests; one of each.
sys.path.insert(0, str(REPOSITORY))

import httpx  # noqa: E402
from benchreport import machine, write  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from tests.served import serving  # noqa: E402
from tests.twilio_fake import FakeTwilio  # noqa: E402

HEADING = "SMS"
SCRIPT = Path(__file__).resolve()
SECRET_KEY = "benchmark-only-secret-key-" + "b" * 32
SCHEME_NUMBER = "+447700900999"
# What the served app checks webhook signatures with; made up for each run.
WEBHOOK_TOKEN = secrets.token_hex(16)
POSTGRES_URL = os.environ.get(
    "NJP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SMS_PATH = "/webhooks/twilio/sms"
# Twilio waits this long for a webhook's answer by default (and at most), then gives up;
# a request is abandoned this long after it was due, and counts as failed.
TWILIO_WAITS_SECONDS = 15.0
# The invited parties' panels: one case a day from three days ahead, at six in the evening.
INVITED_CASES = 5
FIRST_PANEL_DAY = 3


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def body(tag: str, index: int) -> str:
    """A text as long as an invitation, unique to its run and place in the queue."""
    return (
        f"NJP bench {tag} #{index:05d}: your panel is on Tue 2 Mar at 18:00 at Millbrook "
        "Community Centre. Reply YES to confirm or NO if you cannot come."
    )


def number(index: int) -> str:
    """Ofcom's drama range, +447700900000 to +447700900999."""
    return f"+447700900{index % 1000:03d}"


# Child processes: what is measured, each in a process of its own with its own database.


async def _prepare(messages: int, tag: str) -> dict[str, Any]:
    """Migrate, and queue `messages` texts due now, as the service writes them."""
    from notifications import outbox
    from notifications.outbox import Text
    from panels.db import write_transaction
    from panels.messaging.service import quiet_hours
    from panels.migrate import migrate
    from panels.settings import get_settings

    await migrate()
    quiet = quiet_hours(get_settings())
    due = datetime.now(UTC) - timedelta(seconds=1)
    began = time.perf_counter()
    for first in range(0, messages, 250):
        async with write_transaction():
            for index in range(first, min(messages, first + 250)):
                text = Text(to=number(index), body=body(tag, index), kind="reminder", due_at=due)
                await outbox.enqueue(text, quiet, due)
    return {"seconds": time.perf_counter() - began}


def _worker() -> dict[str, Any]:
    """`njp worker --once`, started when the parent says go, so that two start together
    and neither's imports are timed."""
    import panels.messaging.service
    import panels.piccolo_conf
    from panels import cli

    assert panels.messaging.service.dispatcher is not None  # imported before the clock
    assert panels.piccolo_conf.DB is not None
    print("ready", flush=True)
    sys.stdin.readline()
    said = io.StringIO()
    began = time.time()
    with contextlib.redirect_stdout(said):
        code = cli.main(["worker", "--once"])
    ended = time.time()
    handled = re.search(r"Handled (\d+) texts", said.getvalue())
    return {
        "start": began,
        "end": ended,
        "code": code,
        "handled": int(handled.group(1)) if handled else -1,
    }


def _send(messages: int, tag: str) -> dict[str, Any]:
    """The baseline: the same texts straight through the gateway, one after another."""
    from notifications.gateway import Outgoing, TwilioGateway

    gateway = TwilioGateway(
        account_sid=os.environ["TWILIO_ACCOUNT_SID"],
        auth_token=os.environ["TWILIO_AUTH_TOKEN"],
        from_number=os.environ["TWILIO_FROM_NUMBER"],
        api_base_url=os.environ["TWILIO_API_BASE_URL"],
        timeout_seconds=10.0,
    )
    callback = f"{os.environ['NJP_PUBLIC_URL']}/webhooks/twilio/status"
    failed = 0
    began = time.perf_counter()
    for index in range(messages):
        try:
            gateway.send(
                Outgoing(to=number(index), body=body(tag, index), status_callback=callback)
            )
        except Exception:  # counted: a failed baseline send shows up as a lost text
            failed += 1
    return {"seconds": time.perf_counter() - began, "failed": failed}


async def _tally() -> dict[str, Any]:
    """What the database says happened: outbox rows by status, distinct provider ids,
    inbound texts (and how many were matched to a case), invitations by status."""
    from notifications.tables import InboundSms, OutboxMessage
    from panels.messaging.tables import Invitation

    sent = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.provider_sid)
    inbound = await InboundSms.select(InboundSms.case_id)
    invitations = await Invitation.select(Invitation.status)
    return {
        "outbox": dict(Counter(str(row["status"]) for row in sent)),
        "sids": len({row["provider_sid"] for row in sent if row["provider_sid"]}),
        "inbound": len(inbound),
        "inbound_matched": sum(row["case_id"] is not None for row in inbound),
        "invitations": dict(Counter(str(row["status"]) for row in invitations)),
    }


async def _invite() -> dict[str, Any]:
    """Migrate, and book panels for a few cases, so their parties hold invitations they
    can answer by text; the parties' numbers."""
    from panels.bookings import service as bookings
    from panels.bookings.schemas import BookingIn
    from panels.cases.tables import Party
    from panels.clock import LONDON, london_today
    from panels.migrate import migrate
    from tests.world import build_world, ready_case, staff_the_scheme

    await migrate()
    world = await build_world()
    staff = await staff_the_scheme(world)
    phones: list[str] = []
    for day in range(FIRST_PANEL_DAY, FIRST_PANEL_DAY + INVITED_CASES):
        day_of_panel = london_today() + timedelta(days=day)
        start = datetime.combine(day_of_panel, wall_clock(18), tzinfo=LONDON)
        case_id = await ready_case(world, [(start, start + timedelta(hours=3))])
        await bookings.book(
            world.coordinator.actor,
            case_id,
            BookingIn(
                start=start, venue_id=staff["venue"], facilitator_ids=[staff["lead"], staff["co"]]
            ),
        )
        parties = await Party.select(Party.phone).where(Party.case == case_id)
        phones.extend(str(p["phone"]) for p in parties)
    return {"phones": phones}


def child(mode: str, messages: int, tag: str) -> int:
    if mode == "prepare":
        found = asyncio.run(_prepare(messages, tag))
    elif mode == "worker":
        found = _worker()
    elif mode == "send":
        found = _send(messages, tag)
    elif mode == "tally":
        found = asyncio.run(_tally())
    elif mode == "invite":
        found = asyncio.run(_invite())
    else:
        raise SystemExit(f"unknown child mode {mode!r}")
    print(json.dumps(found), flush=True)
    return 0


# The parent: starts the children, keeps the fake Twilio, checks and reports.


def child_environment(database: str, twilio: FakeTwilio | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "NJP_SECRET_KEY": SECRET_KEY,
        "NJP_PUBLIC_URL": "http://127.0.0.1:8000",
        "NJP_SMS_RATE_PER_SECOND": "0",
        "NJP_SMS_QUIET_HOURS": "none",
        "NJP_DISPATCH_IN_SERVER": "false",
    }
    for name in ("TWILIO_MESSAGING_SERVICE_SID", "TWILIO_REGION", "TWILIO_EDGE"):
        env.pop(name, None)
    if twilio is not None:
        env.update(
            NJP_SMS_BACKEND="twilio",
            TWILIO_ACCOUNT_SID=twilio.account_sid,
            TWILIO_AUTH_TOKEN=twilio.auth_token,
            TWILIO_FROM_NUMBER=SCHEME_NUMBER,
            TWILIO_API_BASE_URL=twilio.base_url,
        )
    return env


def run_child(mode: str, env: dict[str, str], messages: int = 0, tag: str = "") -> Any:
    command = [sys.executable, str(SCRIPT), "--child", mode, "--messages", str(messages)]
    done = subprocess.run(
        [*command, "--tag", tag], env=env, cwd=REPOSITORY, stdout=subprocess.PIPE, check=True
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def run_workers(count: int, env: dict[str, str]) -> list[dict[str, Any]]:
    """`count` workers started together once each has imported what it needs."""
    command = [sys.executable, str(SCRIPT), "--child", "worker"]
    workers = [
        subprocess.Popen(
            command, env=env, cwd=REPOSITORY, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        for _ in range(count)
    ]
    for worker in workers:
        assert worker.stdout is not None
        if worker.stdout.readline().strip() != b"ready":
            raise RuntimeError("a worker died before it was ready")
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(b"go\n")
        worker.stdin.flush()
    answers = []
    for worker in workers:
        output, _ = worker.communicate(timeout=600)
        answers.append(json.loads(output.decode().strip().splitlines()[-1]))
    return answers


@dataclass
class Arrivals:
    once: int
    lost: int
    repeated: int


def arrivals(twilio: FakeTwilio, tag: str, messages: int) -> Arrivals:
    """Counting the run's bodies at the fake: each must be there once."""
    prefix = f"NJP bench {tag} #"
    counts = Counter(f["Body"] for f in twilio.messages() if f["Body"].startswith(prefix))
    expected = {body(tag, index) for index in range(messages)}
    return Arrivals(
        once=sum(counts[b] == 1 for b in expected),
        lost=sum(counts[b] == 0 for b in expected),
        # A text sent twice, or one nobody queued.
        repeated=sum(count - 1 for count in counts.values() if count > 1)
        + sum(count for text, count in counts.items() if text not in expected),
    )


@dataclass
class Drain:
    way: str
    database: str
    workers: int
    messages: int
    seconds: float
    arrived: Arrivals
    queueing_seconds: float | None = None
    handled: list[int] = field(default_factory=list)
    outbox: dict[str, int] = field(default_factory=dict)
    sids: int = 0
    failures: int = 0

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def correct(self) -> bool:
        fine = self.arrived.once == self.messages and self.arrived.repeated == 0
        fine = fine and self.failures == 0
        if self.workers:
            fine = fine and self.outbox == {"sent": self.messages} and self.sids == self.messages
            fine = fine and sum(self.handled) == self.messages
        return fine


def direct(twilio: FakeTwilio, messages: int) -> Drain:
    note(f"Sending {messages} texts straight through TwilioGateway.send ...")
    env = child_environment("sqlite:///unused.sqlite", twilio)
    found = run_child("send", env, messages, "direct")
    return Drain(
        "`TwilioGateway.send` in a loop (baseline)",
        "none",
        0,
        messages,
        found["seconds"],
        arrivals(twilio, "direct", messages),
        failures=found["failed"],
    )


def drain(twilio: FakeTwilio, database: str, label: str, workers: int, messages: int) -> Drain:
    tag = f"{label.split()[0].lower()}-{workers}"
    env = child_environment(database, twilio)
    note(f"Queueing {messages} texts in a fresh {label} database ...")
    queued = run_child("prepare", env, messages, tag)
    note(f"Draining them with {workers} `njp worker --once` ...")
    answers = run_workers(workers, env)
    seconds = max(a["end"] for a in answers) - min(a["start"] for a in answers)
    tally = run_child("tally", env)
    way = "`njp worker --once`" if workers == 1 else f"{workers} `njp worker --once` at once"
    return Drain(
        way,
        label,
        workers,
        messages,
        seconds,
        arrivals(twilio, tag, messages),
        queueing_seconds=queued["seconds"],
        handled=[a["handled"] for a in answers],
        outbox=tally["outbox"],
        sids=tally["sids"],
        failures=sum(a["code"] != 0 for a in answers),
    )


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def _admin(*statements: str) -> str:
    """Run `statements` on the PostgreSQL server; its version."""
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_URL, timeout=3)
    try:
        for statement in statements:
            await connection.execute(statement)
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return str(version).split()[0]


def postgres_version() -> str | None:
    try:
        return asyncio.run(_admin())
    except Exception as problem:  # not running, refused, wrong password: measured without it
        note(f"PostgreSQL does not answer at the benchmark's address ({type(problem).__name__}).")
        return None


def drain_postgres(twilio: FakeTwilio, workers: int, messages: int, version: str) -> Drain:
    name = f"njp_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        return drain(
            twilio, _with_database(POSTGRES_URL, name), f"PostgreSQL {version}", workers, messages
        )
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# Webhooks.


@dataclass
class Answer:
    kind: str  # "health", "invited" or "unknown"
    status: int
    seconds: float  # from the moment it was due to go, so a late start counts
    late: float  # how late the client sent it
    right: bool  # the answer the path should give


def inbound(phone: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound text."""
    sid = "SM" + secrets.token_hex(16)
    return {
        "ToCountry": "GB",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": "YES",
        "FromCountry": "GB",
        "To": SCHEME_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "ApiVersion": "2010-04-01",
    }


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    form: dict[str, str] | None = None
    signature: str = ""


def signed_texts(public_url: str, invited: list[str], count: int) -> list[Call]:
    """`count` texts, alternately from an invited party and from a number no case has,
    each signed as Twilio signs (over the public address and every field)."""
    validator = RequestValidator(WEBHOOK_TOKEN)
    strangers = [number(500 + i) for i in range(500) if number(500 + i) not in invited]
    calls = []
    for index in range(count):
        who = index // 2
        kind, phone = (
            ("invited", invited[who % len(invited)])
            if index % 2 == 0
            else ("unknown", strangers[who % len(strangers)])
        )
        form = inbound(phone)
        signature = validator.compute_signature(public_url + SMS_PATH, form)
        calls.append(Call(kind, "POST", SMS_PATH, form, str(signature)))
    return calls


def _right(call: Call, response: httpx.Response) -> bool:
    if call.kind == "health":
        return bool(response.json().get("status") == "ok")
    if not response.headers.get("content-type", "").startswith("application/xml"):
        return False
    wanted = "you're confirmed" if call.kind == "invited" else "Someone will be in touch"
    return wanted in response.text.replace("&#x27;", "'").replace("&apos;", "'")


async def _one(http: httpx.AsyncClient, call: Call, due: float) -> Answer:
    loop = asyncio.get_running_loop()
    late = loop.time() - due
    try:
        async with asyncio.timeout(TWILIO_WAITS_SECONDS - late):
            if call.form is None:
                response = await http.request(call.method, call.path)
            else:
                headers = {"X-Twilio-Signature": call.signature}
                response = await http.post(call.path, data=call.form, headers=headers)
        status, right = response.status_code, _right(call, response)
    except (httpx.HTTPError, TimeoutError):
        status, right = 0, False
    return Answer(call.kind, status, loop.time() - due, late, right)


async def steady(http: httpx.AsyncClient, calls: list[Call], rate: float) -> list[Answer]:
    """Open loop: call i goes at start + i / rate, whether or not earlier ones answered."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    pending = []
    for index, call in enumerate(calls):
        due = start + index / rate
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        pending.append(asyncio.create_task(_one(http, call, due)))
    return list(await asyncio.gather(*pending))


@dataclass
class WebhookRun:
    rate: float
    seconds: float
    health: list[Answer]
    texts: list[Answer]
    invited_numbers: int
    tally: dict[str, Any]
    warm_up: int
    server_errors: list[str]


async def webhooks(work: Path, seconds: float, rate: float) -> WebhookRun:
    database = f"sqlite:///{work / 'served.sqlite'}"
    note("Booking panels so a few parties hold invitations to answer ...")
    env = child_environment(database)
    invited = (await asyncio.to_thread(run_child, "invite", env))["phones"]
    count = round(seconds * rate)
    extra = {"TWILIO_AUTH_TOKEN": WEBHOOK_TOKEN, "NJP_DISPATCH_IN_SERVER": "false"}
    async with serving(database, work, **extra) as served:
        if served.status != 200:
            raise RuntimeError(f"njp serve did not come up (health {served.status})")
        public_url = served.base_url
        warm = signed_texts(public_url, invited, 40)
        texts = signed_texts(public_url, invited, count)
        health = [Call("health", "GET", "/health") for _ in range(count)]
        # As many connections as requests in flight, as Twilio opens; the deadline is
        # TWILIO_WAITS_SECONDS from when each was due.
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=100)
        async with httpx.AsyncClient(
            base_url=public_url, timeout=TWILIO_WAITS_SECONDS, limits=limits
        ) as http:
            note("Warming up the server (not counted) ...")
            await steady(http, [*warm, *[Call("health", "GET", "/health")] * 40], 40)
            note(f"GET /health at {rate:g} a second for {seconds:g} s ...")
            health_answers = await steady(http, health, rate)
            note(f"POST {SMS_PATH} at {rate:g} a second for {seconds:g} s ...")
            text_answers = await steady(http, texts, rate)
    errors = [
        line
        for line in served.output().splitlines()
        if re.search(r"\b(ERROR|CRITICAL|Traceback)\b|database is locked", line)
    ]
    tally = await asyncio.to_thread(run_child, "tally", env)
    return WebhookRun(
        rate, seconds, health_answers, text_answers, len(invited), tally, len(warm), errors
    )


# Reporting.


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(each: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of them at or below it."""
    ordered = sorted(each)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency_row(way: str, answers: list[Answer], rate: float) -> str:
    times = [a.seconds for a in answers]
    ok = sum(a.status == 200 for a in answers)
    right = sum(a.right for a in answers)
    return (
        f"| {way} | {len(answers)} | {rate:g}/s | {ok} | {right} | "
        f"{ms(statistics.median(times))} | {ms(percentile(times, 0.95))} | "
        f"{ms(percentile(times, 0.99))} | {ms(max(times))} |"
    )


def drain_row(d: Drain) -> str:
    queued = f"{d.queueing_seconds:.2f} s" if d.queueing_seconds is not None else "-"
    once = f"{d.arrived.once} of {d.messages}"
    if d.arrived.repeated:
        once += f", **{d.arrived.repeated} repeated**"
    if len(d.handled) > 1:
        once += f" ({' + '.join(str(h) for h in d.handled)} by each worker)"
    return (
        f"| {d.way} | {d.database} | {d.messages} | {d.seconds:.2f} s | "
        f"{d.per_second:.0f} | {ms(d.seconds / d.messages)} | {queued} | {once} |"
    )


def bookkeeping(drains: list[Drain]) -> str:
    """What the outbox adds to each text, and what a second worker buys."""
    baseline = drains[0]
    parts = []
    for d in drains[1:]:
        if d.workers == 1:
            extra = (d.seconds - baseline.seconds) / d.messages
            parts.append(f"{ms(extra)} a text on {d.database}")
    line = (
        f"- With one worker the outbox adds {' and '.join(parts)} to the baseline's "
        f"{ms(baseline.seconds / baseline.messages)} a send"
    )
    one = next((d for d in drains if d.workers == 1 and d.database.startswith("PostgreSQL")), None)
    two = next((d for d in drains if d.workers == 2), None)
    if one is not None and two is not None:
        line += (
            f"; two workers on PostgreSQL send {two.per_second / one.per_second:.2f} times as "
            "fast as one (on 2 cores shared with PostgreSQL and the fake Twilio)"
        )
    return line + "."


def drift(answers: list[Answer]) -> str:
    """The median latency of the first and the last fifth of a run: a queue that grows
    shows as the second far above the first."""
    fifth = max(1, len(answers) // 5)
    first = statistics.median(a.seconds for a in answers[:fifth])
    last = statistics.median(a.seconds for a in answers[-fifth:])
    return f"{ms(first)} in the first fifth of the run, {ms(last)} in the last"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="texts to queue (2000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="webhook run length (20)")
    parser.add_argument("--rate", type=float, default=100.0, help="webhook requests/s (100)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.messages, args.tag)

    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="njp-bench-sms-"))
    try:
        with FakeTwilio() as twilio:
            drains = [direct(twilio, args.messages)]
            sqlite = f"sqlite:///{work / 'outbox.sqlite'}"
            drains.append(drain(twilio, sqlite, "SQLite file", 1, args.messages))
            version = postgres_version()
            if version is not None:
                for workers in (1, 2):
                    drains.append(drain_postgres(twilio, workers, args.messages, version))
            refused = sum(r.answered != 201 for r in twilio.requests)
        served = asyncio.run(webhooks(work, args.seconds, args.rate))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    invited = [a for a in served.texts if a.kind == "invited"]
    unknown = [a for a in served.texts if a.kind == "unknown"]
    answered = len(served.texts) + served.warm_up
    tally = served.tally
    webhooks_ok = all(a.status == 200 and a.right for a in [*served.health, *served.texts])
    webhooks_ok = webhooks_ok and tally["inbound"] == answered
    drains_ok = all(d.correct for d in drains) and refused == 0
    late = max(a.late for a in [*served.health, *served.texts])

    drain_rows = [
        "| way | database | texts | total | texts per second | per text | queueing them took "
        "| arrived exactly once |",
        "|---|---|---|---|---|---|---|---|",
        *(drain_row(d) for d in drains),
    ]
    webhook_rows = [
        "| request | requests | rate | 200 | right answer | median | 95th percentile "
        "| 99th percentile | slowest |",
        "|---|---|---|---|---|---|---|---|---|",
        latency_row("`GET /health` (baseline)", served.health, served.rate),
        latency_row(f"`POST {SMS_PATH}`, all", served.texts, served.rate),
        latency_row("… from an invited party (YES confirms)", invited, served.rate / 2),
        latency_row("… from an unknown number (held for a person)", unknown, served.rate / 2),
    ]
    if drains_ok:
        sent_check = (
            "Every text reached the fake Twilio exactly once (its bodies counted), every "
            "outbox row ended `sent` with a provider id of its own, and the workers' counts "
            "add up to the texts queued."
        )
    else:
        sent_check = (
            "**Not every text reached the fake Twilio exactly once, or not every outbox row "
            f"ended `sent`**: see the table (the fake refused {refused} requests)."
        )
    postgres_note = (
        ""
        if version is not None
        else f" PostgreSQL did not answer at {urlsplit(POSTGRES_URL).netloc}, so it was "
        "not measured."
    )
    errors = (
        f"the server logged {len(served.server_errors)} errors, the first: "
        f"`{served.server_errors[0][:200]}`"
        if served.server_errors
        else "the server logged no errors"
    )
    report = "\n".join(
        [
            f"## {HEADING} ({datetime.now(UTC):%Y-%m-%d})",
            "",
            f"Machine: {machine()}; load average {load:.2f} at the start. Measured by "
            "`./scripts/bench-sms`. Each way is measured beside its baseline in the one "
            "run, against a local Twilio-compatible server (`tests/twilio_fake.py`, in the "
            "benchmark's own process, so it shares the cores with what is measured; run "
            "with Nagle's algorithm off on its side, without which every answer waits some "
            "40 ms for a delayed ACK).",
            "",
            f"Sending: {args.messages} texts queued through `notifications.outbox.enqueue` in "
            "a fresh migrated database, then drained by the service's dispatcher as "
            "`njp worker --once` runs it (Twilio backend, no rate limit, no quiet hours, "
            "claims of 20), timed from the workers' start (after their imports) to the "
            "last one's end. The baseline sends the same texts through `TwilioGateway.send` "
            "in a loop, with no database, so the difference is what the outbox's "
            "bookkeeping costs: a claim per 20 texts, and per text an opt-out check, a "
            f"worker thread for the send and a transaction to record it.{postgres_note}",
            "",
            *drain_rows,
            "",
            f"- {sent_check}",
            bookkeeping(drains),
            "",
            f"Replies: the real `njp serve` (one uvicorn process, SQLite file, no dispatcher "
            f"in the server) sent signed `POST {SMS_PATH}` requests at {served.rate:g} a "
            f"second for {served.seconds:g} s with `httpx.AsyncClient`, open loop (each "
            "request goes at its moment by the clock, whatever the earlier ones are doing), "
            "every one with its own MessageSid and Body `YES`. They alternate between the "
            f"{served.invited_numbers} parties of {INVITED_CASES} cases with a booked panel "
            "(the confirm path: the invitation marked confirmed, a case event, the "
            "confirmation with the panel's time and venue) and numbers no case has (the "
            "path where a person reads it: the text stored and a holding reply). The "
            "baseline is `GET /health` on the same server at the same rate, just before. "
            "Latency runs from the moment a request was due to go, so a slow client counts "
            f"against the server rather than hiding it (the client was at most {ms(late)} "
            f"late). A request not answered {TWILIO_WAITS_SECONDS:g} s after it was due, "
            "when Twilio would have given up on it, counts as failed, and at that time in "
            "the latencies. A warm-up of "
            f"{served.warm_up} texts and 40 health checks went first, "
            "not counted. *Right answer*: the TwiML reply the path should give (the "
            "confirmation, or the holding reply).",
            "",
            *webhook_rows,
            "",
            f"- Median latency of the texts: {drift(served.texts)}; of `/health`: "
            f"{drift(served.health)}.",
            f"- The database holds {tally['inbound']} inbound texts for the {answered} sent "
            f"(warm-up included), {tally['inbound_matched']} of them matched to a case; the "
            f"invitations stand at {tally['invitations']}; {errors}.",
            "",
        ]
    )
    print(report)
    write(HEADING, report)
    return 0 if drains_ok and webhooks_ok else 1


if __name__ == "__main__":
    sys.exit(main())

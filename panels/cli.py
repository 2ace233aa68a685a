"""The `njp` command: serve, migrate, demo-data, create-user, fetch-calendars, schedule,
worker, send-surveys."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

from panels.settings import SettingsError


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from panels.settings import get_settings

    settings = get_settings()
    uvicorn.run(
        "panels.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from panels.migrate import MigrationFailed, migrate

    try:
        asyncio.run(migrate())
    except MigrationFailed as problem:
        print(f"Migrating the database failed: {problem}", file=sys.stderr)
        return 1
    print("The database schema is up to date.")
    return 0


def _demo_data(args: argparse.Namespace) -> int:
    from panels.demo import DatabaseNotEmpty, DemoDataFailed, load_demo_data

    try:
        summary = asyncio.run(load_demo_data())
    except DemoDataFailed as problem:
        print(
            f"The demo data could not be loaded: {str(problem).rstrip('.')}.\n"
            "Nothing was written; the database is as it was.",
            file=sys.stderr,
        )
        return 1
    except DatabaseNotEmpty:
        if args.if_empty:
            print("The database already has data; demo data not loaded.")
            return 0
        print(
            "The database already has data. Demo data only goes into an empty database.",
            file=sys.stderr,
        )
        return 1
    print(summary)
    return 0


def _fetch_calendars(_: argparse.Namespace) -> int:
    from panels.facilitators.service import refresh_calendars

    refreshed, failed = asyncio.run(refresh_calendars())
    print(f"Calendars read again: {refreshed}; could not be read: {failed}.")
    return 0


def _schedule(args: argparse.Namespace) -> int:
    """Batch-schedule the panels of an instance file (DESIGN.md's format) with optimise;
    the answer is checked against every hard rule before it is written."""
    import json
    from pathlib import Path

    from scheduling.checker import violations
    from scheduling.instance import InstanceError, dump_solution, load_instance
    from scheduling.optimise import optimise

    source, target = Path(args.instance), Path(args.out)
    try:
        instance = load_instance(json.loads(source.read_text(encoding="utf-8")))
    except OSError as problem:
        print(f"Could not read {source}: {problem.strerror or problem}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as problem:
        print(f"{source} is not JSON: {problem}", file=sys.stderr)
        return 1
    except InstanceError as problem:
        print(f"{source} is not a scheduling instance: {problem}", file=sys.stderr)
        return 1
    solution = optimise(instance, time_limit_seconds=args.seconds, workers=args.workers)
    broken = violations(instance, solution.assignments)
    if broken:  # never expected: the checker is the last guard against a search bug
        print("The plan breaks a hard rule, so it was not written:", file=sys.stderr)
        for rule in broken:
            print(f"  {rule}", file=sys.stderr)
        return 3
    text = json.dumps(dump_solution(solution, timezone=instance.timezone), indent=2) + "\n"
    # Written beside the target and renamed, so a reader never sees half an answer.
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as failure:
        print(f"Could not write {target}: {failure.strerror or failure}", file=sys.stderr)
        return 1
    placed, panels = len(solution.assignments), len(instance.panels)
    seconds = solution.stats.get("seconds", 0)
    print(f"Placed {placed} of {panels} panels in {seconds} s; the plan is in {target}.")
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Send the texts in the outbox as they fall due, and every few minutes the surveys
    that are due and the deadlines that passed, until stopped (SIGTERM or Ctrl-C); with
    --once, send what is due now and stop. Several may run at once on PostgreSQL."""
    import signal

    from panels import db, follow_up
    from panels.messaging.service import dispatcher

    async def run() -> int:
        database = db.engine()
        opened = await db.start(database)
        sender = dispatcher()
        try:
            if args.once:
                handled = total = 0
                while (handled := await sender.run_once()) > 0:
                    total += handled
                print(f"Handled {total} texts.")
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            print(f"Sending texts as {sender.name} through {sender.gateway.name}.", flush=True)
            await asyncio.gather(sender.run(stop, idle_seconds=args.idle), follow_up.run(stop))
            return 0
        finally:
            if opened:
                await db.stop(database)

    return asyncio.run(run())


def _send_surveys(_: argparse.Namespace) -> int:
    """Text the feedback surveys that have fallen due (run it hourly, e.g. from cron)."""
    from panels import db
    from panels.feedback.service import send_due_surveys

    async def run() -> int:
        database = db.engine()
        opened = await db.start(database)
        try:
            return await send_due_surveys()
        finally:
            if opened:
                await db.stop(database)

    sent = asyncio.run(run())
    print(f"Surveys sent: {sent}.")
    return 0


def _follow_up(_: argparse.Namespace) -> int:
    """One round of the follow-up that `njp worker` runs every few minutes: due surveys
    texted, actions past their deadline missed (the breach protocol's next step), and
    waiting emails sent."""
    from panels import db, follow_up

    async def run() -> tuple[int, int, int]:
        database = db.engine()
        opened = await db.start(database)
        try:
            return await follow_up.once()
        finally:
            if opened:
                await db.stop(database)

    surveys, missed, mailed = asyncio.run(run())
    print(f"Surveys sent: {surveys}. Actions now missed: {missed}. Emails sent: {mailed}.")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise ValueError("The two passwords are different.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _create_user(args: argparse.Namespace) -> int:
    from panels.accounts.service import create_user_in_named_organisation
    from panels.accounts.tables import OrganisationKind, Role
    from panels.errors import DomainError

    try:
        password = _read_password()
        user = asyncio.run(
            create_user_in_named_organisation(
                email=args.email,
                name=args.name,
                role=Role(args.role),
                organisation=args.organisation,
                organisation_kind=OrganisationKind(args.organisation_kind)
                if args.organisation_kind
                else None,
                password=password,
            )
        )
    except SettingsError:
        raise  # a configuration problem, reported as such by main()
    except (DomainError, ValueError) as problem:
        print(f"Could not create the user: {problem}", file=sys.stderr)
        return 1
    print(f"Created {user['role']} {user['email']}.")
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 24 * 3600:  # also false for NaN
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds up to a day")
    return value


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of threads from 1 to 64")
    return int(text)


def parser() -> argparse.ArgumentParser:
    from panels.accounts.tables import OrganisationKind, Role

    top = argparse.ArgumentParser(prog="njp", description="Neighbourhood Justice Panels service")
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_migrate)

    demo = commands.add_parser("demo-data", help="load fictional demo data into an empty database")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if there is data")
    demo.set_defaults(run=_demo_data)

    fetch = commands.add_parser(
        "fetch-calendars",
        help="read facilitators' own calendar feeds again (run it hourly, e.g. from cron)",
    )
    fetch.set_defaults(run=_fetch_calendars)

    schedule = commands.add_parser(
        "schedule",
        help="place the panels of a scheduling instance file (JSON) and write the plan",
    )
    schedule.add_argument("--instance", required=True, help="the instance, as JSON")
    schedule.add_argument("--out", required=True, help="where to write the plan, as JSON")
    schedule.add_argument(
        "--seconds", type=_seconds, default=60.0, help="time limit for the search (60)"
    )
    schedule.add_argument(
        "--workers", type=_workers, default=2, help="solver threads; one per core suits (2)"
    )
    schedule.set_defaults(run=_schedule)

    follow_up = commands.add_parser(
        "follow-up",
        help="one follow-up round: due surveys, missed deadlines, waiting emails (cron)",
    )
    follow_up.set_defaults(run=_follow_up)

    worker = commands.add_parser("worker", help="send the outbox's texts as they fall due")
    worker.add_argument("--once", action="store_true", help="send what is due now, then stop")
    worker.add_argument(
        "--idle", type=_seconds, default=1.0, help="seconds between looks when idle (1)"
    )
    worker.set_defaults(run=_worker)

    surveys = commands.add_parser(
        "send-surveys",
        help="text the feedback surveys that are due (run it hourly, e.g. from cron)",
    )
    surveys.set_defaults(run=_send_surveys)

    create = commands.add_parser(
        "create-user", help="create a user; the password is read from standard input"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--organisation", required=True, help="the organisation's name")
    create.add_argument(
        "--organisation-kind",
        choices=[kind.value for kind in OrganisationKind],
        help="create the organisation with this kind if it does not exist yet",
    )
    create.set_defaults(run=_create_user)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SettingsError as problem:
        print(f"Configuration problem: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

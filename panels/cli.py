"""The `njp` command: serve, migrate, demo-data, create-user."""

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
    from panels.demo import DatabaseNotEmpty, load_demo_data

    try:
        summary = asyncio.run(load_demo_data())
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

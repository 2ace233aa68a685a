"""The `njp` command as an operator runs it: each test runs the installed console script
in its own process, against the test's own database."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from panels.accounts import service as accounts
from panels.accounts.schemas import OrganisationIn
from panels.accounts.tables import Organisation, OrganisationKind, Role, User
from panels.bookings.tables import Panel, PanelFacilitator
from panels.cases.tables import Case
from panels.demo import DEMO_PASSWORD, SCHEME
from panels.errors import NotSignedIn
from panels.facilitators import service as facilitators
from panels.facilitators.schemas import FacilitatorIn
from panels.facilitators.tables import Facilitator
from panels.venues.tables import Venue
from scheduling.checker import violations
from scheduling.instance import load_instance, load_solution
from tests.served import NJP, environment, serving
from tests.world import PASSWORD, World

NEW_PASSWORD = "a long enough passphrase"


@dataclass
class Finished:
    code: int
    stdout: str
    stderr: str


async def njp(
    database: str | None, *args: str, stdin: str = "", cwd: Path, **extra: str
) -> Finished:
    """Runs `njp` with `args`; `database` None for a command that needs none."""
    process = await asyncio.create_subprocess_exec(
        str(NJP),
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **extra} if database is None else environment(database, **extra),
        cwd=cwd,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=180)
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


def create_user_args(email: str, organisation: str, *extra: str) -> list[str]:
    return [
        "create-user",
        "--email",
        email,
        "--name",
        "Olu Operator",
        "--role",
        "coordinator",
        "--organisation",
        organisation,
        *extra,
    ]


# create-user ---------------------------------------------------------------------------


async def test_create_user_reads_the_password_from_stdin_and_the_user_can_sign_in(
    database: str, tmp_path: Path
) -> None:
    ran = await njp(
        database,
        *create_user_args("olu@scheme.example", "Northshire NJP", "--organisation-kind", "scheme"),
        stdin=NEW_PASSWORD + "\n",
        cwd=tmp_path,
    )
    assert ran.code == 0, ran.stderr
    assert "olu@scheme.example" in ran.stdout
    assert NEW_PASSWORD not in ran.stdout + ran.stderr

    actor, _, _ = await accounts.sign_in("olu@scheme.example", NEW_PASSWORD, 12)
    assert actor.role is Role.coordinator
    assert actor.name == "Olu Operator"
    organisation = await accounts.get_organisation(actor.organisation_id)
    assert organisation["name"] == "Northshire NJP"
    assert organisation["kind"] == OrganisationKind.scheme
    with pytest.raises(NotSignedIn):
        await accounts.sign_in("olu@scheme.example", NEW_PASSWORD.upper(), 12)


async def test_create_user_takes_no_password_argument(database: str, tmp_path: Path) -> None:
    """A password on the command line would sit in shell history and the process list."""
    ran = await njp(
        database,
        *create_user_args("olu@scheme.example", "Northshire NJP"),
        "--organisation-kind",
        "scheme",
        "--password",
        NEW_PASSWORD,
        cwd=tmp_path,
    )
    assert ran.code != 0
    assert "--password" in ran.stderr
    assert await User.count() == 0


async def test_create_user_refuses_a_short_password(database: str, tmp_path: Path) -> None:
    ran = await njp(
        database,
        *create_user_args("olu@scheme.example", "Northshire NJP", "--organisation-kind", "scheme"),
        stdin="short\n",
        cwd=tmp_path,
    )
    assert ran.code == 1
    assert "at least 12 characters" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert await User.count() == 0


async def test_create_user_lists_known_organisations_when_the_name_is_unknown(
    database: str, tmp_path: Path
) -> None:
    for name, kind in (
        ("Northshire NJP", OrganisationKind.scheme),
        ("Northshire Police", OrganisationKind.police),
    ):
        await accounts.create_organisation(OrganisationIn(name=name, kind=kind))
    ran = await njp(
        database,
        *create_user_args("olu@scheme.example", "Northshire Panels"),
        stdin=NEW_PASSWORD + "\n",
        cwd=tmp_path,
    )
    assert ran.code == 1
    assert "Northshire Panels" in ran.stderr
    assert "Northshire NJP" in ran.stderr
    assert "Northshire Police" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert await User.count() == 0
    assert await Organisation.count() == 2


async def test_create_user_joins_an_existing_organisation_whatever_the_case(
    database: str, tmp_path: Path
) -> None:
    existing = await accounts.create_organisation(
        OrganisationIn(name="Northshire NJP", kind=OrganisationKind.scheme)
    )
    ran = await njp(
        database,
        *create_user_args("olu@scheme.example", "northshire njp"),
        stdin=NEW_PASSWORD + "\n",
        cwd=tmp_path,
    )
    assert ran.code == 0, ran.stderr
    actor, _, _ = await accounts.sign_in("olu@scheme.example", NEW_PASSWORD, 12)
    assert actor.organisation_id == existing["id"]
    assert await Organisation.count() == 1


# demo-data ---------------------------------------------------------------------------


async def test_demo_data_fills_an_empty_database_once(database: str, tmp_path: Path) -> None:
    ran = await njp(database, "demo-data", cwd=tmp_path)
    assert ran.code == 0, ran.stderr
    for login in (
        "coordinator@northshire-njp.example",
        "facilitator@northshire-njp.example",
        "referrer@northshire-police.example",
    ):
        assert login in ran.stdout
    assert DEMO_PASSWORD in ran.stdout

    assert await Organisation.count() == 4
    assert await User.count().where(User.role == Role.facilitator) == 12
    assert await Venue.count() == 5
    assert await Case.count() == 20
    statuses = {row["status"] for row in await Case.select(Case.status)}
    assert {
        "referred",
        "rejected",
        "accepted",
        "contacting",
        "ready_to_schedule",
        "scheduled",
        "closed",
    } <= statuses
    # The scheduled case has its panel, with a lead and a co-facilitator.
    (panel,) = await Panel.select(Panel.id, Panel.status)
    assert panel["status"] == "booked"
    assert await PanelFacilitator.count().where(PanelFacilitator.panel == panel["id"]) == 2

    for login in ("coordinator@northshire-njp.example", "referrer@northshire-police.example"):
        actor, _, _ = await accounts.sign_in(login, DEMO_PASSWORD, 12)
        assert actor.email == login

    again = await njp(database, "demo-data", cwd=tmp_path)
    assert again.code == 1
    assert "already has data" in again.stderr

    quietly = await njp(database, "demo-data", "--if-empty", cwd=tmp_path)
    assert quietly.code == 0, quietly.stderr
    assert "not loaded" in quietly.stdout
    assert await Case.count() == 20
    assert await Organisation.count() == 4


async def test_a_demo_load_that_fails_keeps_nothing_and_says_why(
    database: str, tmp_path: Path
) -> None:
    """Ten-hour panels fit no facilitator's day: the scheme is built, then no panel can be
    booked. Nothing of the demo is kept, so `./scripts/serve` never serves half of it."""
    failed = await njp(database, "demo-data", "--if-empty", cwd=tmp_path, NJP_PANEL_MINUTES="600")
    assert failed.code == 1
    assert "no time for a panel" in failed.stderr
    assert "the database is as it was" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert await Organisation.count() == 0
    assert await User.count() == 0
    assert await Venue.count() == 0
    assert await Case.count() == 0

    again = await njp(database, "demo-data", "--if-empty", cwd=tmp_path)
    assert again.code == 0, again.stderr
    assert await Case.count() == 20


async def test_part_of_a_demo_left_by_an_older_failed_load_is_not_served(
    database: str, tmp_path: Path
) -> None:
    """Before loads were whole, one that stopped left the demo's scheme and a few of its
    cases behind, and --if-empty then served them as if they were the demo."""
    await accounts.create_organisation(OrganisationIn(name=SCHEME, kind=OrganisationKind.scheme))
    ran = await njp(database, "demo-data", "--if-empty", cwd=tmp_path)
    assert ran.code == 1
    assert "only part of the demo" in ran.stderr
    assert "delete it" in ran.stderr
    assert await Organisation.count() == 1


# migrate -----------------------------------------------------------------------------


async def test_migrate_on_an_up_to_date_database_keeps_its_data(
    database: str, tmp_path: Path
) -> None:
    await accounts.create_organisation(
        OrganisationIn(name="Northshire NJP", kind=OrganisationKind.scheme)
    )
    ran = await njp(database, "migrate", cwd=tmp_path)
    assert ran.code == 0, ran.stderr
    assert "up to date" in ran.stdout
    assert [row["name"] for row in await Organisation.select(Organisation.name)] == [
        "Northshire NJP"
    ]


async def test_fetch_calendars_reports_what_it_read(
    database: str, world: World, tmp_path: Path
) -> None:
    await facilitators.create(FacilitatorIn(user_id=world.facilitator.actor.id))
    await Facilitator.update({Facilitator.calendar_url: "http://calendar.invalid/feed.ics"}).where(
        Facilitator.user == world.facilitator.actor.id
    )
    ran = await njp(database, "fetch-calendars", cwd=tmp_path)
    assert ran.code == 0, ran.stderr
    assert ran.stdout.strip() == "Calendars read again: 0; could not be read: 1."
    problem = await Facilitator.select(Facilitator.calendar_problem).first()
    assert problem == {"calendar_problem": "That address could not be found."}
    # the address, which may carry a private token, is never printed or logged
    assert "calendar.invalid" not in ran.stdout + ran.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["migrate"],
        ["demo-data"],
        create_user_args("olu@scheme.example", "Northshire NJP", "--organisation-kind", "scheme"),
    ],
    ids=["migrate", "demo-data", "create-user"],
)
async def test_a_configuration_problem_is_reported_as_such(
    database: str, tmp_path: Path, command: list[str]
) -> None:
    ran = await njp(
        database,
        *command,
        stdin=NEW_PASSWORD + "\n",
        cwd=tmp_path,
        NJP_SMS_BACKEND="carrier-pigeon",
    )
    assert ran.code == 2
    assert "Configuration problem" in ran.stderr
    assert "NJP_SMS_BACKEND" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert await User.count() == 0


# serve -------------------------------------------------------------------------------


async def test_serve_answers_over_http_from_the_configured_database(
    database: str, world: World, tmp_path: Path
) -> None:
    async with (
        serving(database, tmp_path) as served,
        httpx.AsyncClient(base_url=served.base_url, timeout=10) as http,
    ):
        health = await http.get("/health")
        login = await http.post(
            "/api/v1/auth/login",
            json={"email": "cora@scheme.example", "password": PASSWORD},
        )
        me = await http.get("/api/v1/me", headers=world.referrer.headers)
        cases = await http.get(f"/api/v1/cases/{world.case_id}", headers=world.coordinator.headers)
    output = served.output()
    assert served.status == 200, output
    assert health.json() == {"status": "ok", "database": "reachable"}
    # It serves the test's own database, not the default one.
    assert login.status_code == 200, login.text
    assert login.json()["id"] == str(world.coordinator.actor.id)
    assert me.json()["email"] == "rhys@police.example"
    assert cases.status_code == 200, cases.text
    assert cases.json()["id"] == str(world.case_id)
    assert "Traceback" not in output
    assert not (tmp_path / "var").exists()


# schedule ----------------------------------------------------------------------------


def _evening(day: int) -> list[str]:
    """18:00 to 21:00 local on a day in March 2027 (before the clocks change: UTC)."""
    return [f"2027-03-{day:02d}T18:00:00+00:00", f"2027-03-{day:02d}T21:00:00+00:00"]


def _facilitator(name: str, *skills: str, days: tuple[int, ...] = (1, 2)) -> dict[str, object]:
    return {
        "id": name,
        "skills": list(skills),
        "areas": ["north"],
        "max_panels": 4,
        "available": [_evening(day) for day in days],
    }


def _panel(name: str, day: int, **more: object) -> dict[str, object]:
    return {
        "id": name,
        "duration_minutes": 120,
        "attendees": 5,
        "area": "north",
        "parties_available": [_evening(day)],
        **more,
    }


def _instance() -> dict[str, object]:
    """Two evenings, one room, a lead and two others; the first evening is partly booked."""
    return {
        "version": 1,
        "timezone": "Europe/London",
        "horizon": {"start": "2027-03-01T00:00:00+00:00", "end": "2027-03-08T00:00:00+00:00"},
        "granularity_minutes": 30,
        "facilitators": [
            _facilitator("ayo", "lead"),
            _facilitator("bea"),
            _facilitator("cal", days=(2,)),
        ],
        "venues": [
            {
                "id": "hall",
                "area": "north",
                "capacity": 12,
                "features": ["two_rooms"],
                "open": [_evening(1), _evening(2)],
            }
        ],
        "panels": [
            _panel("first", 1),
            _panel("second", 2),
            _panel("stairs", 2, requires_features=["step_free"]),
        ],
        "booked": [
            {
                "panel": "earlier",
                "start": "2027-03-01T18:00:00+00:00",
                "end": "2027-03-01T19:00:00+00:00",
                "venue": "hall",
                "facilitators": ["ayo", "bea"],
            }
        ],
    }


async def test_schedule_writes_a_plan_that_keeps_every_rule(tmp_path: Path) -> None:
    given = _instance()
    (tmp_path / "in.json").write_text(json.dumps(given))
    ran = await njp(
        None, "schedule", "--instance", "in.json", "--out", "out.json", "--seconds", "5",
        cwd=tmp_path,
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert "Placed 2 of 3 panels" in ran.stdout

    plan = json.loads((tmp_path / "out.json").read_text())
    assert plan["version"] == 1
    by_panel = {a["panel"]: a for a in plan["assignments"]}
    # The first evening's booking ends at 19:00, so the first panel starts then.
    assert by_panel["first"]["start"] == "2027-03-01T19:00:00+00:00"
    assert by_panel["first"]["facilitators"][0] in {"ayo", "bea"}
    assert by_panel["second"]["venue"] == "hall"
    (stairs,) = plan["unscheduled"]
    assert stairs["panel"] == "stairs"
    assert stairs["reasons"][0] == "No venue with step_free for 5 people exists"
    assert plan["stats"]["placed"] == 2
    assert violations(load_instance(given), load_solution(plan).assignments) == []


async def test_schedule_refuses_an_instance_that_is_wrong_and_names_the_field(
    tmp_path: Path,
) -> None:
    given = _instance()
    given["panels"][0]["duration_minutes"] = "two hours"  # type: ignore[index]
    (tmp_path / "in.json").write_text(json.dumps(given))
    ran = await njp(None, "schedule", "--instance", "in.json", "--out", "out.json", cwd=tmp_path)
    assert ran.code == 1
    assert "panels[0].duration_minutes: must be a positive whole number" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "Could not read missing.json"), ("{not json", "is not JSON")],
    ids=["missing", "not-json"],
)
async def test_schedule_says_what_is_wrong_with_the_file(
    tmp_path: Path, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "missing.json").write_text(content)
    ran = await njp(
        None, "schedule", "--instance", "missing.json", "--out", "out.json", cwd=tmp_path
    )
    assert ran.code == 1
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not (tmp_path / "out.json").exists()

"""Test set-up: the environment is fixed before the app is imported, every test that
touches the database starts from an empty, migrated database (SQLite by default,
PostgreSQL when NJP_TEST_ENGINE=postgres), and every log record written during a test is
checked for the names and phone numbers of the people in it."""

from __future__ import annotations

import asyncio
import atexit
import copy
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# The suite sets every setting it depends on, so whatever an operator has exported (the
# README's PostgreSQL and Twilio settings, say) cannot change a result: every NJP_*,
# TWILIO_*, DATABASE_URL and PostgreSQL client (PG*) variable goes, and so do proxies,
# which would take the tests' requests to 127.0.0.1 elsewhere. The suite's own settings
# are named NJP_TEST_*.
for _name in list(os.environ):
    if _name.startswith("NJP_TEST_"):
        continue
    if (
        _name.startswith(("NJP_", "TWILIO_", "PG"))
        or _name in {"DATABASE_URL", "PICCOLO_CONF"}
        or _name.lower() in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    ):
        del os.environ[_name]

# A pass at a hard date (scripts/test's NJP_TEST_DATE) moves this process's clock from
# tests/clock/sitecustomize.py before anything runs; a pass that asked for it and did
# not get it would prove nothing, so it stops here.
if os.environ.get("NJP_TEST_CLOCK_OFFSET"):
    import time_machine

    if not time_machine.escape_hatch.is_travelling():
        raise RuntimeError(
            "NJP_TEST_CLOCK_OFFSET is set but the clock did not move: put tests/clock on "
            "PYTHONPATH (scripts/test does, given NJP_TEST_DATE)"
        )

ENGINE = os.environ.get("NJP_TEST_ENGINE", "sqlite")
WORK = Path(tempfile.mkdtemp(prefix="njp-tests-"))
RUN_ID = uuid.uuid4().hex[:8]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin_execute(*statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


if ENGINE == "postgres":
    POSTGRES_ADMIN_URL = os.environ.get("NJP_TEST_POSTGRES_URL", "")
    if not POSTGRES_ADMIN_URL:
        raise RuntimeError("NJP_TEST_ENGINE=postgres needs NJP_TEST_POSTGRES_URL")
    POSTGRES_DATABASE = f"njp_test_{RUN_ID}"
    os.environ["DATABASE_URL"] = _with_database(POSTGRES_ADMIN_URL, POSTGRES_DATABASE)
    # Created before the app is imported: Piccolo connects as soon as its engine exists.
    # Dropped when this process ends, whether or not it ran tests (xdist's controller
    # imports this file too).
    asyncio.run(_admin_execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
    atexit.register(
        lambda: asyncio.run(
            _admin_execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        )
    )
elif ENGINE == "sqlite":
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'template.sqlite'}"
else:
    raise RuntimeError(f"NJP_TEST_ENGINE must be sqlite or postgres, not {ENGINE!r}")
os.environ["NJP_SECRET_KEY"] = "test-only-secret-key-" + "k" * 32
os.environ["NJP_LOG_LEVEL"] = "DEBUG"
os.environ["NJP_PUBLIC_URL"] = "http://127.0.0.1:8000"
# Tests send texts when they choose to (a dispatcher they run, or a worker they start),
# not from whichever app happens to be serving.
os.environ["NJP_DISPATCH_IN_SERVER"] = "false"
# Webhook tests sign what they post with it, as Twilio would.
os.environ["TWILIO_AUTH_TOKEN"] = "test-only-twilio-auth-token"

# The app is imported only now, so it reads the environment above.
import httpx  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from litestar import Litestar  # noqa: E402

from panels import db  # noqa: E402
from panels.app import create_app  # noqa: E402
from panels.migrate import migrate  # noqa: E402
from panels.piccolo_app import APP_CONFIG  # noqa: E402
from panels.settings import get_settings  # noqa: E402
from tests.logscan import LOG_SCANNER  # noqa: E402
from tests.smtp_fake import FakeSmtp  # noqa: E402
from tests.twilio_fake import FakeTwilio  # noqa: E402
from tests.world import SENSITIVE, World, build_world  # noqa: E402

DATABASE_FIXTURES = {"database"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a database, so the PostgreSQL run can select them."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database)


def pytest_report_header() -> list[str]:
    from datetime import datetime

    from panels.clock import LONDON

    moved = " (moved)" if os.environ.get("NJP_TEST_CLOCK_OFFSET") else ""
    return [
        f"njp database engine: {ENGINE}",
        f"njp clock: {datetime.now(LONDON):%A %d %B %Y %H:%M %Z}{moved}",
    ]


def _emptying_statements() -> list[str]:
    """Empty every table of the service (not Piccolo's record of migrations). Replica mode
    switches off triggers for this one session: the append-only guards, and the foreign
    keys, so the order does not matter."""
    tables = [table._meta.tablename for table in APP_CONFIG.table_classes]
    return [
        "SET session_replication_role = replica",
        *(f'DELETE FROM "{table}"' for table in tables),
        "SET session_replication_role = DEFAULT",
    ]


@pytest.fixture(scope="session")
async def migrated_database() -> AsyncIterator[str]:
    """A database migrated once per run."""
    if ENGINE == "postgres":
        await migrate()
        # One pool for the tests' own queries and the app's: connecting per query is slow.
        engine = db.engine()
        await engine.start_connection_pool(min_size=1, max_size=4)  # type: ignore[attr-defined]
        yield os.environ["DATABASE_URL"]
        await db.stop(engine)
    else:
        await migrate()
        yield str(WORK / "template.sqlite")
    shutil.rmtree(WORK, ignore_errors=True)


@dataclass(frozen=True)
class WorldTemplate:
    """The small scheme of tests/world.py, built once per run: on SQLite a checkpointed
    copy of the migrated file holding it, on PostgreSQL a copy of its rows in a schema
    of their own, put back after each test's emptying."""

    world: World
    sqlite_file: Path | None = None
    restore: tuple[str, ...] = ()


SNAPSHOT = "njp_test_world"


@pytest.fixture(scope="session")
async def world_template(migrated_database: str) -> WorldTemplate:
    """Building the world per test was a quarter of the suite's time; each test still
    gets its own fresh copy, so nothing leaks from one test to the next."""
    if ENGINE == "postgres":
        import asyncpg

        connection = await asyncpg.connect(migrated_database)
        try:
            await connection.execute(";\n".join(_emptying_statements()))
            built = await build_world()
            await connection.execute(f'DROP SCHEMA IF EXISTS "{SNAPSHOT}" CASCADE')
            await connection.execute(f'CREATE SCHEMA "{SNAPSHOT}"')
            restore = ["SET session_replication_role = replica"]
            for table in APP_CONFIG.table_classes:
                name = table._meta.tablename
                await connection.execute(
                    f'CREATE TABLE "{SNAPSHOT}"."{name}" AS TABLE public."{name}"'
                )
                if await connection.fetchval(f'SELECT count(*) FROM "{SNAPSHOT}"."{name}"'):
                    restore.append(
                        f'INSERT INTO public."{name}" SELECT * FROM "{SNAPSHOT}"."{name}"'
                    )
            restore.append("SET session_replication_role = DEFAULT")
        finally:
            await connection.close()
        return WorldTemplate(built, restore=tuple(restore))
    engine = db.engine()
    path = WORK / "world.sqlite"
    shutil.copyfile(migrated_database, path)
    engine.path = str(path)  # type: ignore[attr-defined]
    built = await build_world()
    await engine.run_ddl("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[attr-defined]
    return WorldTemplate(built, sqlite_file=path)


@pytest.fixture
async def database(
    migrated_database: str, world_template: WorldTemplate, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """A migrated database, which the service's engine points at: empty, or holding the
    world when the test asks for it. On SQLite each test gets its own copy of a file; on
    PostgreSQL the one database is emptied before each test (creating a database per
    test costs a third of a second) and the world's rows are put back."""
    with_world = "world" in request.fixturenames
    if ENGINE == "postgres":
        import asyncpg

        connection = await asyncpg.connect(migrated_database)
        try:
            restore = world_template.restore if with_world else ()
            await connection.execute(";\n".join([*_emptying_statements(), *restore]))
        finally:
            await connection.close()
        yield migrated_database
    else:
        source = migrated_database
        if with_world and world_template.sqlite_file is not None:
            source = str(world_template.sqlite_file)
        engine = db.engine()
        path = WORK / f"njp_test_{uuid.uuid4().hex[:12]}.sqlite"
        shutil.copyfile(source, path)
        engine.path = str(path)  # type: ignore[attr-defined]
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def app() -> Litestar:
    """One app for the run: it holds no state of its own (the engine it uses is pointed at
    each test's database), and building it is a third of a test's set-up time."""
    application = create_app()
    # The app's logging config replaces the root handlers; listen again.
    LOG_SCANNER.attach()
    return application


@pytest.fixture
async def client(app: Litestar, database: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app, started and stopped in the test's event loop, called in-process.

    Requests go to the app itself, not LifespanManager's wrapper: that wrapper hands every
    request the same `state` dict, where Litestar keeps per-request data."""
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
        ) as test_client,
    ):
        yield test_client


@pytest.fixture
async def world(database: str, world_template: WorldTemplate) -> World:
    """The small scheme of tests/world.py, in this test's database (put there by the
    database fixture, from the run's one build of it)."""
    return copy.deepcopy(world_template.world)


@pytest.fixture(autouse=True)
def no_personal_data_in_logs() -> Iterator[None]:
    """No name or phone number of anyone in a case may reach the application log."""
    LOG_SCANNER.attach()
    LOG_SCANNER.clear()
    yield
    leaks = LOG_SCANNER.leaks(SENSITIVE)
    LOG_SCANNER.clear()
    assert not leaks, f"personal data reached the log: {leaks[:3]}"


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    """An SMTP server on 127.0.0.1 that keeps the mail it is sent."""
    with FakeSmtp() as server:
        yield server


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change a setting for one test: the settings are read again, and again after."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A Twilio-compatible server on 127.0.0.1 that records what the real SDK posts."""
    with FakeTwilio() as server:
        yield server

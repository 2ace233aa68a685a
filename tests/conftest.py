"""Test set-up: the environment is fixed before the app is imported, every test that
touches the database gets a fresh, migrated database of its own (SQLite by default,
PostgreSQL when NJP_TEST_ENGINE=postgres), and every log record written during a test is
checked for the names and phone numbers of the people in it."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENGINE = os.environ.get("NJP_TEST_ENGINE", "sqlite")
WORK = Path(tempfile.mkdtemp(prefix="njp-tests-"))
RUN_ID = uuid.uuid4().hex[:8]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


if ENGINE == "postgres":
    POSTGRES_ADMIN_URL = os.environ.get("NJP_TEST_POSTGRES_URL", "")
    if not POSTGRES_ADMIN_URL:
        raise RuntimeError("NJP_TEST_ENGINE=postgres needs NJP_TEST_POSTGRES_URL")
    TEMPLATE = f"njp_test_{RUN_ID}_template"
    os.environ["DATABASE_URL"] = _with_database(POSTGRES_ADMIN_URL, TEMPLATE)
elif ENGINE == "sqlite":
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'template.sqlite'}"
else:
    raise RuntimeError(f"NJP_TEST_ENGINE must be sqlite or postgres, not {ENGINE!r}")
os.environ["NJP_SECRET_KEY"] = "test-only-secret-key-" + "k" * 32
os.environ["NJP_LOG_LEVEL"] = "DEBUG"
os.environ.setdefault("NJP_PUBLIC_URL", "http://127.0.0.1:8000")

# The app is imported only now, so it reads the environment above.
import httpx  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from litestar import Litestar  # noqa: E402

from panels import db  # noqa: E402
from panels.app import create_app  # noqa: E402
from panels.migrate import migrate  # noqa: E402
from tests.logscan import LOG_SCANNER  # noqa: E402
from tests.world import SENSITIVE, World, build_world  # noqa: E402

DATABASE_FIXTURES = {"database"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a database, so the PostgreSQL run can select them."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database)


def pytest_report_header() -> str:
    return f"njp database engine: {ENGINE}"


async def _admin_execute(*statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def template_database() -> AsyncIterator[str]:
    """A database migrated once per run, copied for each test."""
    if ENGINE == "postgres":
        await _admin_execute(f'CREATE DATABASE "{TEMPLATE}"')
        await migrate()
        yield TEMPLATE
        await _admin_execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    else:
        await migrate()
        yield str(WORK / "template.sqlite")
    shutil.rmtree(WORK, ignore_errors=True)


@pytest.fixture
async def database(template_database: str) -> AsyncIterator[str]:
    """A fresh copy of the migrated database, which the service's engine now points at."""
    engine = db.engine()
    name = f"njp_test_{RUN_ID}_{uuid.uuid4().hex[:12]}"
    if ENGINE == "postgres":
        await _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        url = _with_database(POSTGRES_ADMIN_URL, name)
        engine.config = {"dsn": url}  # type: ignore[attr-defined]
        yield url
        engine.config = {"dsn": os.environ["DATABASE_URL"]}  # type: ignore[attr-defined]
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = WORK / f"{name}.sqlite"
        shutil.copyfile(template_database, path)
        engine.path = str(path)  # type: ignore[attr-defined]
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def app(database: str) -> Litestar:
    application = create_app()
    # The app's logging config replaces the root handlers; listen again.
    LOG_SCANNER.attach()
    return application


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
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
async def world(database: str) -> World:
    return await build_world()


@pytest.fixture(autouse=True)
def no_personal_data_in_logs() -> Iterator[None]:
    """No name or phone number of anyone in a case may reach the application log."""
    LOG_SCANNER.attach()
    LOG_SCANNER.clear()
    yield
    leaks = LOG_SCANNER.leaks(SENSITIVE)
    LOG_SCANNER.clear()
    assert not leaks, f"personal data reached the log: {leaks[:3]}"

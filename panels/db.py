"""The database engine for the configured URL, and the one way to open a write transaction."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
import weakref
from collections.abc import AsyncIterator
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from panels.settings import Settings

# Seconds a writer waits for SQLite's lock before giving up; IMMEDIATE transactions
# queue on it instead of failing half-way with "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30

# aiosqlite logs every statement with its parameters at DEBUG: names and phone numbers.
# Never below WARNING, whatever the log level, for every entry point (web, CLI, worker).
logging.getLogger("aiosqlite").setLevel(logging.WARNING)


def create_engine(settings: Settings) -> Engine[Any]:
    if settings.engine == "sqlite":
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    # No extensions: the schema needs none, and a production role may not create them.
    return PostgresEngine(config={"dsn": settings.database_url}, extensions=())


def engine() -> Engine[Any]:
    from panels.piccolo_conf import DB

    return DB


def write_transaction() -> Any:
    """A transaction for changes. On SQLite it takes the write lock at BEGIN (IMMEDIATE),
    so two writers queue rather than one failing when it upgrades a read lock; and the
    writers of one process queue in order on a lock of their own first."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return _sqlite_write(db)
    return db.transaction()


# SQLite's own busy wait lets waiting writers sleep and retry in no order, so under a
# burst (a hundred webhooks a second) early ones starve until its timeout. Queued in
# the process first, each writer takes the file lock at once; other processes still
# wait on SQLite's.
_writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)
_writing = contextvars.ContextVar("njp_sqlite_writing", default=False)


@contextlib.asynccontextmanager
async def _sqlite_write(db: SQLiteEngine) -> AsyncIterator[Any]:
    if _writing.get():
        # Already inside this task's write transaction: Piccolo nests the new one in it.
        async with db.transaction(transaction_type=TransactionType.immediate) as nested:
            yield nested
        return
    loop = asyncio.get_running_loop()
    lock = _writer_locks.setdefault(loop, asyncio.Lock())
    async with lock:
        token = _writing.set(True)
        try:
            async with db.transaction(transaction_type=TransactionType.immediate) as outer:
                yield outer
        finally:
            _writing.reset(token)


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def enable_wal(db: Engine[Any]) -> None:
    """WAL lets readers carry on while one writer commits; the mode is stored in the file."""
    if isinstance(db, SQLiteEngine):
        with sqlite3.connect(db.path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS) as connection:
            connection.execute("PRAGMA journal_mode=WAL")


# A small floor keeps start-up quick; the ceiling bounds what one web process may hold.
POOL_MIN_SIZE = 2
POOL_MAX_SIZE = 10


async def start(db: Engine[Any]) -> bool:
    """Ready the engine for serving. True when this call opened a connection pool, which
    its caller then closes with `stop`; an already running pool is shared."""
    if isinstance(db, PostgresEngine):
        if db.pool is None:
            await db.start_connection_pool(min_size=POOL_MIN_SIZE, max_size=POOL_MAX_SIZE)
            return True
        return False
    enable_wal(db)
    return False


async def stop(db: Engine[Any]) -> None:
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()


# A load balancer asking /health should hear "no" quickly, not after a connect timeout.
HEALTH_TIMEOUT_SECONDS = 3


async def is_reachable(db: Engine[Any]) -> bool:
    try:
        await asyncio.wait_for(db.run_ddl("SELECT 1"), timeout=HEALTH_TIMEOUT_SECONDS)
    except Exception:  # any failure, timeouts included, means "not reachable"
        return False
    return True

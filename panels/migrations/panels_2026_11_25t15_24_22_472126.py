"""Venue feed tokens are unique. SQLite cannot add a UNIQUE column to an existing table,
so the column came in the previous migration and the uniqueness comes here, as an index
(which works the same on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-25T15:24:22:472126"
VERSION = "1.38.0"
DESCRIPTION = "unique venue feed tokens"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panels", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            'CREATE UNIQUE INDEX venues_feed_token_hash ON venues ("feed_token_hash")'
        )

    manager.add_raw(run)
    return manager

"""No facilitator and no venue can be booked twice for overlapping times, whatever code
runs and however many requests arrive at once: the database refuses the second hold.

PostgreSQL: exclusion constraints over time ranges (btree_gist lets a GiST index compare
the resource id for equality). SQLite: triggers; SQLite has one writer at a time and
njp opens write transactions IMMEDIATE, so a trigger's check and the insert it guards
cannot interleave with another writer's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-25T16:03:21:789198"
VERSION = "1.38.0"
DESCRIPTION = "no double booking"

RESOURCES = ("facilitator", "venue")


def postgres_statements() -> list[str]:
    statements = ["CREATE EXTENSION IF NOT EXISTS btree_gist"]
    for resource in RESOURCES:
        statements.append(
            f"ALTER TABLE resource_holds ADD CONSTRAINT {resource}_not_double_booked "
            f'EXCLUDE USING gist ("{resource}" WITH =, '
            "tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f'WHERE (active AND "{resource}" IS NOT NULL)'
        )
    return statements


def sqlite_statements() -> list[str]:
    statements = []
    for resource in RESOURCES:
        clash = (
            "EXISTS (SELECT 1 FROM resource_holds AS held "
            f'WHERE held.active AND held."{resource}" = NEW."{resource}" '
            "AND held.id IS NOT NEW.id "
            "AND julianday(held.starts_at) < julianday(NEW.ends_at) "
            "AND julianday(NEW.starts_at) < julianday(held.ends_at))"
        )
        for action in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {resource}_not_double_booked_{action.lower()} "
                f"BEFORE {action} ON resource_holds "
                f'WHEN NEW.active AND NEW."{resource}" IS NOT NULL AND {clash} '
                f"BEGIN SELECT RAISE(ABORT, '{resource}_not_double_booked'); END"
            )
    return statements


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panels", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        assert engine is not None
        sqlite = engine.engine_type == "sqlite"
        for statement in sqlite_statements() if sqlite else postgres_statements():
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager

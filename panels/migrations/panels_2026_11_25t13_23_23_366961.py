"""Make the records the scheme must be able to trust append-only in the database itself:
the case timeline, the view log, consent, admissions and contact attempts. An UPDATE or
DELETE on them fails whatever code issues it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-25T13:23:23:366961"
VERSION = "1.38.0"
DESCRIPTION = "append-only records"

APPEND_ONLY_TABLES = (
    "case_events",
    "personal_data_views",
    "consents",
    "admissions",
    "contact_attempts",
)


def sqlite_statements() -> list[str]:
    statements = []
    for table in APPEND_ONLY_TABLES:
        for action in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    return statements


def postgres_statements() -> list[str]:
    statements = [
        """
        CREATE OR REPLACE FUNCTION njp_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END
        $$
        """
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION njp_append_only()"
        )
        statements.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION njp_append_only()"
        )
    return statements


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panels", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        assert engine is not None
        statements = sqlite_statements() if engine.engine_type == "sqlite" else postgres_statements()
        for statement in statements:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager

"""Applies the committed migrations to the configured database."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards

from panels import db
from panels.settings import SettingsError


class MigrationFailed(RuntimeError):
    pass


async def migrate() -> None:
    """Bring the schema up to date; Piccolo's own chatter is kept for failures only."""
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            result = await run_forwards(app_name="all")
    except SettingsError:
        raise  # the configuration is wrong, not a migration
    except Exception as problem:  # a migration that fails half-way says which and why
        raise MigrationFailed(
            f"{type(problem).__name__}: {problem}\n{output.getvalue()}"
        ) from problem
    if not result.success:
        raise MigrationFailed(f"{result.message}\n{output.getvalue()}")
    db.enable_wal(db.engine())

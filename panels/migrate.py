"""Applies the committed migrations to the configured database."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards

from panels import db


class MigrationFailed(RuntimeError):
    pass


async def migrate() -> None:
    """Bring the schema up to date; Piccolo's own chatter is kept for failures only."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise MigrationFailed(f"{result.message}\n{output.getvalue()}")
    db.enable_wal(db.engine())

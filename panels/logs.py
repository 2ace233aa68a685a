"""Logging set-up. The application never logs names, phone numbers or request bodies;
the test suite checks that no party's name or phone reaches any log."""

from __future__ import annotations

import sys
import traceback
from typing import Any

from litestar.logging.config import LoggingConfig
from litestar.types.protocols import Logger


def log_unexpected_error(logger: Logger, scope: Any, _: list[str]) -> None:
    """Log 5xx errors by type and stack only. An exception's message can quote the data
    that failed (a database error repeats the offending value), so it stays out."""
    exc_type, exc, trace = sys.exc_info()
    if exc_type is None or getattr(exc, "status_code", 500) < 500:
        return
    logger.error(
        "Unexpected %s on %s %s\n%s",
        exc_type.__name__,
        scope.get("method", scope.get("type")),
        scope.get("path"),
        "".join(traceback.format_tb(trace)),
    )


def logging_config(level: str) -> LoggingConfig:
    return LoggingConfig(
        root={"level": level, "handlers": ["queue_listener"]},
        formatters={"standard": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        # Everything goes through the root logger, so one handler sees all of it.
        loggers={
            "litestar": {"level": level, "handlers": [], "propagate": True},
        },
        log_exceptions="always",
        exception_logging_handler=log_unexpected_error,
    )

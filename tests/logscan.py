"""Listens to every log record the service writes, to check none carries personal data."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable


def _forms(value: str) -> set[str]:
    """The ways a value might be written: as stored, and a phone's national forms."""
    forms = {value}
    if re.fullmatch(r"\+44\d{10}", value):
        national = "0" + value[3:]
        forms |= {national, f"{national[:5]} {national[5:]}", value[1:]}
    return forms


class LogScanner(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record that cannot format is still worth seeing
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" | {record.exc_info[1]!r}"
        self.messages.append(text)

    def attach(self) -> None:
        root = logging.getLogger()
        if self not in root.handlers:
            root.addHandler(self)
        root.setLevel(logging.DEBUG)

    def clear(self) -> None:
        self.messages.clear()

    def add_text(self, text: str) -> None:
        """For output of a separate process (the served app's stderr)."""
        self.messages.extend(text.splitlines())

    def leaks(self, sensitive: Iterable[str]) -> list[str]:
        forms = {form for value in sensitive for form in _forms(value)}
        return [message for message in self.messages if any(form in message for form in forms)]


LOG_SCANNER = LogScanner()

"""Reads an .ics document the way Thunderbird does, by running ical.js under Node
(tests/icaljs.mjs), so tests can check what a calendar client would make of our output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SCRIPT = REPOSITORY / "tests" / "icaljs.mjs"
ICALJS = REPOSITORY / "node_modules" / "ical.js" / "package.json"


def parse_with_icaljs(ics: bytes) -> dict[str, Any]:
    """What ical.js reads from the document: method, calendar_name, timezones and events
    (uid, sequence, summary, location, description, status, start_utc, end_utc,
    start_tzid, end_tzid, organizer, attendees), times converted to UTC by ical.js from
    the document's own VTIMEZONEs. AssertionError if ical.js cannot read it."""
    node = shutil.which("node")
    if node is None or not ICALJS.is_file():
        missing = "Node" if node is None else "node_modules/ical.js"
        message = f"needs Node and ical.js (scripts/frontend); {missing} is missing"
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{message}; in CI this is a failure, not a skip")
        pytest.skip(f"{message}; in CI this fails instead")
    result = subprocess.run(
        [node, str(SCRIPT)],
        input=ics,
        capture_output=True,
        cwd=REPOSITORY,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"ical.js could not read the calendar: {result.stderr.decode(errors='replace')}"
            f"--- the document ---\n{ics.decode(errors='replace')}"
        )
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed

"""What the benchmark scripts share: a line describing the machine, and replacing one
benchmark's section of BENCHMARKS.md while keeping the others."""

from __future__ import annotations

import os
import platform
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def write(heading: str, report: str) -> None:
    """Replace the section under `## {heading}` in BENCHMARKS.md, keeping the others."""
    text = (
        BENCHMARKS.read_text()
        if BENCHMARKS.exists()
        else "# Benchmarks\n\nFigures measured by the scripts under `scripts/`.\n\n"
    )
    sections = text.split("\n## ")
    kept = [sections[0]] + [
        "## " + s for s in sections[1:] if not ("## " + s).startswith(f"## {heading}")
    ]
    BENCHMARKS.write_text("\n".join(part.rstrip("\n") + "\n" for part in kept) + "\n" + report)

"""The real `njp serve` in a subprocess on 127.0.0.1, against a test's own database.
Its output is handed to the log check when it stops."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.logscan import LOG_SCANNER

NJP = Path(sys.executable).parent / "njp"
SECRET_KEY = "served-test-secret-key-" + "s" * 32
REPOSITORY = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(database: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database, "NJP_SECRET_KEY": SECRET_KEY, **extra}


async def wait_until_healthy(base_url: str, process: asyncio.subprocess.Process) -> int:
    """The status /health answers with once the server is up; -1 if the process died,
    0 if it never answered."""
    deadline = time.monotonic() + 20
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                return -1
            try:
                return (await http.get("/health")).status_code
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    return 0


@dataclass
class Served:
    base_url: str
    status: int
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@asynccontextmanager
async def serving(database: str, workdir: Path, **extra: str) -> AsyncIterator[Served]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            str(NJP),
            "serve",
            "--port",
            str(port),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            env=environment(database, NJP_PUBLIC_URL=base_url, **extra),
            cwd=workdir,
        )
        try:
            yield Served(base_url, await wait_until_healthy(base_url, process), log)
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), timeout=10)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            LOG_SCANNER.add_text(log.read_text(errors="replace"))

"""Browser fixtures: Debian's Chromium driven by Playwright against the real server on
127.0.0.1, axe-core checks of every page a test visits, and a screenshot when a test
fails (in test-artifacts/)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from tests.served import REPOSITORY, Served, serving

CHROMIUM = Path(os.environ.get("NJP_TEST_CHROMIUM", "/usr/bin/chromium"))
# Where scripts/test has scripts/frontend build them (it clears NJP_ASSETS_DIR first).
ASSETS = (REPOSITORY / "var" / "static").resolve()
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPOSITORY / "test-artifacts"
IN_CI = os.environ.get("CI") == "true"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# WCAG 2.2 AA, as axe-core tags it.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# What evaluating a script says when the page navigated part-way through.
NAVIGATED = ("Execution context was destroyed", "reading 'documentElement'")


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium at {CHROMIUM} (Debian packages chromium and chromium-driver)"
    if not (ASSETS / "njp.css").exists() or not AXE.exists():
        return "the front-end assets and axe-core (run scripts/frontend)"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    problem = _missing()
    if problem and IN_CI:
        pytest.fail(f"browser tests cannot run in CI without {problem}")
    if problem:
        pytest.skip(f"needs {problem}; not skipped in CI (CI=true fails instead)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def site(database: str, tmp_path: Path) -> AsyncIterator[Served]:
    async with serving(database, tmp_path, NJP_ASSETS_DIR=str(ASSETS)) as served:
        assert served.status == 200, served.output()
        yield served
        assert "Traceback" not in served.output(), served.output()


class Pages:
    """Opens pages as one person would (one browser context, one viewport) and checks
    every page they reach with axe-core."""

    def __init__(self, browser: Browser, site: Served, request: pytest.FixtureRequest):
        self.browser = browser
        self.site = site
        self.request = request
        self.opened: list[Page] = []
        self.visited: set[str] = set()
        self.checked: set[str] = set()
        self.blocked: list[str] = []
        self.axe = AXE.read_text()

    async def open(self, viewport: dict[str, int] = PHONE) -> Page:
        context = await self.browser.new_context(viewport=viewport, base_url=self.site.base_url)
        page = await context.new_page()
        page.on("framenavigated", lambda frame: self._visited(frame))
        # anything the content security policy blocks is a page that would not work
        page.on(
            "console",
            lambda message: (
                self.blocked.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.opened.append(page)
        return page

    def _visited(self, frame: Any) -> None:
        if frame.parent_frame is None and frame.url.startswith(self.site.base_url):
            self.visited.add(self._key(frame.url))

    def _key(self, url: str) -> str:
        path = url.removeprefix(self.site.base_url).split("#")[0]
        # one check per kind of page: ids and query strings vary, the page does not
        return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path.split("?")[0])

    async def check(self, page: Page) -> None:
        """axe-core on the page as it stands: zero violations of WCAG 2.2 AA.

        A click that navigates returns before the new page has loaded, so the check
        waits for it, and runs again if the page changed under it while it ran."""
        for attempt in range(3):
            await page.wait_for_load_state("load")
            try:
                violations = await self._violations(page)
                break
            except PlaywrightError as error:
                if attempt == 2 or not any(sign in str(error) for sign in NAVIGATED):
                    raise
        assert violations == [], (
            f"accessibility problems on {page.url}:\n{json.dumps(violations, indent=2)}"
        )
        self.checked.add(self._key(page.url))

    async def _violations(self, page: Page) -> list[dict[str, Any]]:
        await page.evaluate(self.axe)
        violations: list[dict[str, Any]] = await page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return result.violations.map(v => ({
                    rule: v.id, impact: v.impact, help: v.help,
                    where: v.nodes.slice(0, 3).map(n => n.target.join(' '))
                }));
            }""",
            WCAG,
        )
        return violations

    async def close(self) -> None:
        failed = getattr(self.request.node, "report_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.request.node.nodeid)
            for index, page in enumerate(self.opened):
                if not page.is_closed():
                    await page.screenshot(path=ARTIFACTS / f"{name}-{index}.png", full_page=True)
        for page in self.opened:
            await page.context.close()


@pytest.fixture
async def pages(
    browser: Browser, site: Served, request: pytest.FixtureRequest
) -> AsyncIterator[Pages]:
    opened = Pages(browser, site, request)
    yield opened
    await opened.close()
    unchecked = opened.visited - opened.checked
    assert not unchecked, f"pages visited without an accessibility check: {sorted(unchecked)}"
    assert not opened.blocked, f"the content security policy blocked: {opened.blocked}"

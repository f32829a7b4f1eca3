"""Browser-test fixtures: one Chromium per test process, a fresh browser context per visit.

Tests make their data, then drive the browser inside ``with visit() as v:``, then
check the database: no ORM calls inside that block (visit.py explains why).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.chromium import LAUNCH_ARGS, ChromiumMissingWarning, chromium_availability
from tests.browser.visit import BrowserSession, Visit, VisitFactory

TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Chromium's path; skips the browser tests without it, or fails them when CI=true."""
    availability = chromium_availability()
    if availability.outcome == "fail":
        pytest.fail(availability.message, pytrace=False)
    if availability.outcome == "skip":
        warnings.warn(availability.message, ChromiumMissingWarning, stacklevel=1)
        pytest.skip(availability.message)
    return availability.path


@pytest.fixture(scope="session")
def browser_session(chromium_executable: Path) -> Iterator[BrowserSession]:
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=LAUNCH_ARGS)
    except BaseException:
        playwright.stop()
        asyncio._set_running_loop(None)
        raise
    session = BrowserSession(browser=browser, loop=asyncio.get_running_loop())
    asyncio._set_running_loop(None)  # until a test drives the browser: see visit.py
    yield session
    with session.driving():
        browser.close()
        playwright.stop()


@pytest.fixture
def visit(browser_session: BrowserSession, live_server: object) -> VisitFactory:
    """``with visit() as v:`` opens a fresh browser context on the live server."""
    base_url = str(live_server)

    @contextmanager
    def open_visit() -> Iterator[Visit]:
        with browser_session.driving():
            context = browser_session.browser.new_context(
                base_url=base_url, locale="en-GB", timezone_id="Europe/London"
            )
            context.set_default_timeout(TIMEOUT_MS)
            try:
                page = context.new_page()
                current = Visit(page)
                page.on("console", current.on_console)
                yield current
                current.assert_no_csp_errors("the pages of this visit")
            finally:
                context.close()

    return open_visit

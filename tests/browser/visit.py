"""A visit: one person's browser context, and the checks every page in it must pass.

Playwright's sync API leaves its event loop marked as running in the main thread
between calls (see wait_for_future in playwright/_impl/_greenlets.py). Django then
refuses every ORM call there with SynchronousOnlyOperation, including
pytest-django's flush after each live-server test. The loop only works while a
Playwright call is in progress, so ``BrowserSession.driving`` marks it as running
only inside a ``with visit() as v:`` block. Tests create their data before that
block and check the database after it; an ORM call inside the block still raises,
as it should.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from attune.accounts.tests.factories import TEST_PASSWORD

AXE = Axe()
CSP_MARKER = "Content Security Policy"


@dataclass(frozen=True)
class BrowserSession:
    """The test process's one Chromium, and the event loop Playwright drives it with."""

    browser: Browser
    loop: asyncio.AbstractEventLoop

    @contextmanager
    def driving(self) -> Iterator[None]:
        """Mark Playwright's loop as running (as it expects) only while a test drives it.

        On leaving, whatever was marked before is restored, so one person's visit can
        stay open while another person's visit runs inside it."""
        previous = asyncio._get_running_loop()
        asyncio._set_running_loop(self.loop)
        try:
            yield
        finally:
            asyncio._set_running_loop(previous)


@dataclass
class Visit:
    """One person's browser (its own cookies), with the checks every page must pass."""

    page: Page
    csp_errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and CSP_MARKER in message.text:
            self.csp_errors.append(f"{self.page.url}: {message.text}")

    def check(self, name: str) -> None:
        """The page as it is now has no axe-core violations and broke no CSP rule."""
        self.page.wait_for_load_state("load")
        results = AXE.run(self.page)
        assert results.violations_count == 0, (
            f"axe-core found accessibility violations on the {name} page "
            f"({self.page.url}):\n{results.generate_report()}"
        )
        self.assert_no_csp_errors(f"the {name} page")

    def assert_no_csp_errors(self, where: str) -> None:
        assert not self.csp_errors, f"Content Security Policy violations by {where}:\n" + "\n".join(
            self.csp_errors
        )

    def sign_in_with_password(self, username: str, password: str = TEST_PASSWORD) -> None:
        """Open the sign-in page (and check it), then submit a username and password."""
        self.page.goto("/accounts/sign-in/")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Sign in to Attune")
        self.check("sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_load_state("load")

    def enter_code(self, code: str, button: str = "Continue") -> None:
        self.page.get_by_label("Security code").fill(code)
        self.page.get_by_role("button", name=button).click()
        self.page.wait_for_load_state("load")

    def sign_out(self) -> None:
        self.page.get_by_test_id("sign-out").click()
        self.page.wait_for_load_state("load")


# What the ``visit`` fixture returns: ``with visit() as v:`` opens a fresh visit.
VisitFactory = Callable[[], AbstractContextManager[Visit]]

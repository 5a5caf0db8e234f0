"""Shared pytest fixtures and helpers for browser tests (Playwright, Debian's Chromium).

Registered for the whole test suite by the root ``conftest.py``, so that every app's tests can
ask for ``page`` next to pytest-django's ``live_server``::

    @pytest.mark.browser
    def test_it_lists_things(live_server, page, countries):
        user = make_user("ana", organisation, Role.VIEWER)
        sign_in(page, live_server.url, "ana")
        ...

The browser is Debian's ``/usr/bin/chromium``, never a downloaded one. Without it, browser
tests are skipped, unless ``SYNERGY_REQUIRE_BROWSER=1`` (CI), where they fail instead.

Every console error, uncaught page error and Content Security Policy violation seen by ``page``
fails the test that caused it. A test that expects one calls ``browser_errors.allow(...)``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# The test machines have a closed network: no background requests, no QUIC, no updates.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS_DIR = Path(os.environ.get("SYNERGY_SHOTS_DIR", "/tmp/synergy-shots"))
VIEWPORT = {"width": 1280, "height": 800}
# Milliseconds. Generous: the CI machine has two cores shared with other jobs.
TIMEOUT_MS = 15_000


def require_browser() -> None:
    """Skip (or, when CI requires the browser, fail) if Debian's Chromium is not installed."""
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("SYNERGY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SYNERGY_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class BrowserErrors:
    """Console errors, page errors and CSP violations collected while a test drives a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Expect errors matching this regular expression (e.g. a deliberate 403)."""
        self._allowed.append(re.compile(pattern))

    def add(self, message: str) -> None:
        self.messages.append(message)

    @property
    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self._allowed)]

    def check(self) -> None:
        """Fail now if anything unexpected was reported so far (and forget it)."""
        unexpected = self.unexpected
        self.messages.clear()
        if unexpected:
            pytest.fail(
                "The browser reported errors:\n" + "\n".join(f"  - {m}" for m in unexpected),
                pytrace=False,
            )


class OneRequestAtATime:
    """Make Django's live server run the application for one request at a time.

    On SQLite the tests' database lives in memory, and the live server shares the test
    thread's single connection with every request thread. A page whose htmx fragments load
    together (the country report loads three) then drove one SQLite connection from several
    threads at once: "database table is locked" at random, and once a CI run that never
    finished. Connections are still accepted and read in threads (a speculative connection
    that Chromium opens and never uses blocks nothing); only the application, and the
    reading of its response, are serialised.
    """

    @staticmethod
    def install() -> None:
        from django.core.servers.basehttp import ThreadedWSGIServer
        from django.test.testcases import LiveServerThread

        class SerialAppServer(ThreadedWSGIServer):
            def set_app(self, application: Any) -> None:
                lock = threading.Lock()

                def serial(environ: dict[str, Any], start_response: Any) -> list[bytes]:
                    with lock:
                        result = application(environ, start_response)
                        try:
                            # Streamed bodies read the database too: read them here.
                            return [b"".join(result)]
                        finally:
                            if hasattr(result, "close"):
                                result.close()

                super().set_app(serial)

        LiveServerThread.server_class = SerialAppServer  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server() -> None:
    OneRequestAtATime.install()


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django would otherwise
    # refuse the ORM calls that tests make while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


def _console_listener(errors: BrowserErrors) -> Callable[[ConsoleMessage], None]:
    def listener(message: ConsoleMessage) -> None:
        # CSP violations are reported by Chromium as console errors ("Refused to ...").
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            errors.add(f"console: {message.text}" + (f" ({where})" if where else ""))

    return listener


def open_page(browser: Browser, errors: BrowserErrors, **context_options: Any) -> Page:
    """A new page in a fresh context (own cookies), with its errors reported to ``errors``."""
    options: dict[str, Any] = {"viewport": VIEWPORT, "locale": "en-GB"}
    options.update(context_options)
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", _console_listener(errors))
    page.on("pageerror", lambda exc: errors.add(f"page error: {exc}"))
    return page


@pytest.fixture
def page(browser: Browser, browser_errors: BrowserErrors) -> Generator[Page]:
    page = open_page(browser, browser_errors)
    try:
        yield page
    finally:
        page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail a browser test that passed although its page reported errors."""
    result = yield
    funcargs = getattr(item, "funcargs", {})
    errors = funcargs.get("browser_errors")
    if isinstance(errors, BrowserErrors):
        errors.check()
    return result


@pytest.fixture
def countries(transactional_db: None) -> None:
    """Make sure the country list exists.

    A data migration loads it, but transactional tests (which ``live_server`` needs) flush
    every table after each test, so later tests find it empty.
    """
    from synergy.core.countries import countries_sync
    from synergy.core.models import Country

    if not Country.objects.exists():
        countries_sync(Country)


def sign_in(page: Page, base_url: str, username: str, password: str | None = None) -> None:
    """Sign in through the real login form and wait until the dashboard or ``next`` loads."""
    if password is None:
        from synergy.testing import PASSWORD

        password = PASSWORD
    page.goto(f"{base_url}/account/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/account/login/" in page.url:
        raise AssertionError(f"Signing in as {username!r} failed; still on {page.url}")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot to /tmp/synergy-shots/<name>.png (SYNERGY_SHOTS_DIR overrides it)."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path

"""Fixtures for the offline tests: a live server whose app the tests can reach, and a phone.

Each test runs its own persistent Chromium profile (service workers, Cache Storage and
IndexedDB behave as on a phone, not as in an incognito window) against one live server whose
app the tests can reach: setting `SERVICE_WORKER_SALT` on it is how a test deploys a new version,
and its store is where a test counts the sessions the server keeps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, ConsoleWatch, pin_clock
from tests.e2e.offline.worker import Hipday


@pytest.fixture(scope="module")
def hipday(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hipday]:
    app = make_app(tmp_path_factory.mktemp("offline-db"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="hipday-offline", daemon=True)
    thread.start()
    try:
        yield Hipday(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["hipday"].store.engine.dispose()


@pytest.fixture
def phone(
    playwright: Playwright, tmp_path: Path, console: ConsoleWatch
) -> Iterator[BrowserContext]:
    """A persistent Chromium profile on a 390 px phone; console errors fail the test."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        **PHONE,
    )
    context.set_default_timeout(10_000)
    pin_clock(context)
    for opened in context.pages:
        console.watch(opened)
    context.on("page", console.watch)
    try:
        yield context
    finally:
        context.close()
    problems = console.unexpected()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def page(phone: BrowserContext) -> Page:
    return phone.pages[0] if phone.pages else phone.new_page()

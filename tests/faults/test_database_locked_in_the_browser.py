"""In Chromium: a session finished while the database is locked waits on the phone, then syncs.

The live server's app waits only 0.3 s for SQLite's write lock, which the test holds from
another connection while the session ends (and is saved at once).

The browser is the one tests/e2e uses (Debian Chromium, its flags, a phone-sized context whose
console errors fail the test), started by a Playwright of this test's own on a thread of its own:
the e2e folder's session-wide Playwright may still be running on the main thread, and Playwright
allows one per thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import ON_POSTGRES, make_app
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, ConsoleWatch, buffered, start_clock
from tests.faults.conftest import stored, wait_until
from tests.faults.test_database_away import write_lock


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """The app on a SQLite file in tmp_path, on 127.0.0.1 from a thread; (url, app)."""
    if ON_POSTGRES:
        pytest.skip("SQLite's file lock; PostgreSQL has the forwarder test")
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'hipday.sqlite3'}?timeout=0.3")
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="hipday-locked", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["hipday"].store.engine.dispose()


def on_a_phone(scenario: Callable[[Page, ConsoleWatch], None], seconds: float = 90) -> None:
    """Run `scenario` with a fresh phone-sized page, on a thread with its own Playwright.

    Errors in the scenario, and console errors it did not allow, fail the test.
    """
    failure: list[BaseException] = []

    def run() -> None:
        console = ConsoleWatch()
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    context = browser.new_context(**PHONE)
                    context.set_default_timeout(10_000)
                    context.on("page", console.watch)
                    scenario(context.new_page(), console)
                    context.close()
                finally:
                    browser.close()
            problems = console.unexpected()
            assert not problems, "The browser reported errors:\n" + "\n".join(problems)
        except BaseException as error:  # handed to the test's thread
            failure.append(error)

    thread = threading.Thread(target=run, name="faults-phone", daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the browser scenario took over {seconds} s"
    if failure:
        raise failure[0]


def outbox(page: Page) -> list[dict[str, Any]] | None:
    """The sessions waiting on the phone; None while the page is reloading."""
    try:
        entries: list[dict[str, Any]] = page.evaluate("HipdayOutbox.all()")
    except PlaywrightError as error:  # Today reloads itself once the outbox has synced
        if "context was destroyed" not in str(error):
            raise
        return None
    return entries


def test_a_session_saved_while_the_database_is_locked_is_kept_on_the_phone_and_syncs_once(
    served: tuple[str, Flask], tmp_path: Path
) -> None:
    url, app = served

    def scenario(page: Page, console: ConsoleWatch) -> None:
        console.allow(r"status of 503")
        console.allow(r"Response Status Error Code 503 from /sessions")
        start_clock(page)
        page.goto(f"{url}/play/desk-reset")
        page.get_by_role("button", name="Start", exact=True).tap()
        page.clock.run_for(3000)

        with write_lock(tmp_path / "hipday.sqlite3"):
            page.get_by_role("button", name="End early").tap()  # and it is saved at once
            card = page.locator("#done-status")
            expect(card).to_contain_text("Hipday's server is busy right now.")
            expect(card).to_contain_text("It will sync by itself")
            kept = outbox(page)
            assert kept is not None and len(kept) == 1, kept
            op_id = kept[0]["op_id"]
            assert stored(app) == {}

        # The next time Hipday opens, the outbox sends it, and the server stores it once.
        page.goto(f"{url}/")
        wait_until(lambda: stored(app) == {op_id: 1}, "the session to sync")
        wait_until(lambda: outbox(page) == [], "an empty outbox")
        page.goto(f"{url}/")
        done = page.locator(".quick-start", has_text="Desk reset").get_by_text("Done today")
        expect(done).to_be_visible()
        assert stored(app) == {op_id: 1}

    on_a_phone(scenario)

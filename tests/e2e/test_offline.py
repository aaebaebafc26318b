"""Offline on a phone: the service worker, its saved pages, the outbox and updates.

Each test runs its own persistent Chromium profile (service workers, Cache Storage and
IndexedDB behave as on a phone, not as in an incognito window) against one live server whose
app the tests can reach: setting `SERVICE_WORKER_SALT` on it is how a test deploys a new version,
and its store is where a test counts the sessions the server keeps.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, Playwright, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func
from sqlmodel import Session, select
from werkzeug.serving import make_server

from routines.catalog.load import load_catalog
from tests.conftest import TEST_NOW, make_app, wait_until
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    ConsoleWatch,
    clock_text,
    pin_clock,
    start_clock,
    timeline,
)
from webapp.pwa import service_worker
from webapp.store.models import Completion

WARM_UP = timeline("pre-run-warm-up")
DESK = timeline("desk-reset")

#: What Chromium and htmx log when a request finds no network; tests that go offline expect them.
OFFLINE_NOISE = (
    r"net::ERR_INTERNET_DISCONNECTED",
    r"net::ERR_FAILED",
    r"htmx:sendError",
    r"htmx:afterRequest",
)

ASK_VERSION = """() => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => resolve(event.data.version);
  navigator.serviceWorker.controller.postMessage({ type: "version" }, [channel.port2]);
})"""
CHECK_FOR_UPDATE = (
    "navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true)"
)
CACHE_NAMES = "caches.keys().then((names) => names.sort())"
OUTBOX = "HipdayOutbox.all()"


# --- a live server whose app the tests can reach ---------------------------------------------


@dataclass
class Hipday:
    """The app served on 127.0.0.1 from a thread."""

    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def deploy(self, salt: str) -> str:
        """Serve a new service worker version from now on; returns that version."""
        self.app.config["SERVICE_WORKER_SALT"] = salt
        return f"{service_worker.files_hash()}-{salt}"

    def stored(self, op_id: str) -> int:
        """How many completions the server keeps under `op_id` (whoever sent them)."""
        engine = self.app.extensions["hipday"].store.engine
        with Session(engine) as session:
            query = select(func.count()).select_from(Completion).where(Completion.op_id == op_id)
            return int(session.exec(query).one())


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


# --- helpers ------------------------------------------------------------------------------------


def open_with_worker(page: Page, url: str) -> None:
    """A first visit installs the worker; after one reload it controls the page."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), (
        "the service worker does not control the page after a reload"
    )


def worker_version(page: Page) -> str:
    version: str = page.evaluate(ASK_VERSION)
    return version


def caches_of(version: str) -> list[str]:
    return sorted([f"hipday-pages-{version}", f"hipday-static-{version}"])


def offer_update(page: Page, hipday: Hipday, salt: str) -> str:
    """Deploy a new version and let the page find it: the update note appears."""
    version = hipday.deploy(salt)
    page.evaluate(CHECK_FOR_UPDATE)
    expect(page.locator("#update-note")).to_be_visible()
    return version


def saved_pages(page: Page) -> list[str]:
    urls: list[str] = page.evaluate(
        "caches.keys().then((names) => caches.open(names.find((n) => n.startsWith('hipday-pages-'))))"
        ".then((cache) => cache.keys()).then((requests) => requests.map((r) => r.url))"
    )
    return urls


def outbox(page: Page) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = page.evaluate(OUTBOX)
    return entries


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


def finish_fields(page: Page, op_id: str) -> dict[str, str]:
    """The player's finish form as the page has it, for a session that ended a minute ago."""
    fields: dict[str, str] = page.evaluate(
        "Object.fromEntries(new FormData(document.getElementById('finish-form')).entries())"
    )
    ended = TEST_NOW - timedelta(minutes=1)
    fields.pop("csrf_token", None)
    fields.update(
        op_id=op_id,
        started_at=(ended - timedelta(minutes=4)).isoformat(),
        ended_at=ended.isoformat(),
        time_zone="UTC",
        effort="4",
    )
    return fields


def never_visited_page() -> str:
    """An exercise page no test here opens online, so no phone has it saved."""
    return "/exercises/" + sorted(load_catalog().exercises)[-1]


# --- 1. the worker, its caches and its versions -----------------------------------------------


def test_the_worker_controls_the_page_names_its_caches_by_version_and_drops_old_ones(
    page: Page, hipday: Hipday
) -> None:
    first = hipday.deploy("caches-1")

    script = page.request.get(hipday("/service-worker.js"))
    assert script.ok
    assert script.headers["cache-control"] == "no-cache"
    assert f'const VERSION = "{first}";' in script.text()

    open_with_worker(page, hipday("/"))
    assert worker_version(page) == first
    page.wait_for_function("caches.keys().then((n) => n.length === 2)")
    assert page.evaluate(CACHE_NAMES) == caches_of(first)

    # A new version installs beside the old one and waits for the user.
    second = offer_update(page, hipday, "caches-2")
    assert second != first
    expect(page.locator("#update-text")).to_have_text("A new version of Hipday is ready.")
    assert worker_version(page) == first, "the new worker took over before it was accepted"

    with page.expect_event("load"):
        page.get_by_role("button", name="Update now").tap()
    assert worker_version(page) == second
    # The new worker deletes the old version's caches when it activates.
    expected = caches_of(second)
    wait_until(lambda: page.evaluate(CACHE_NAMES) == expected, f"only {expected}")
    expect(page.locator("#update-note")).to_be_hidden()


# --- 2. a day with no signal ---------------------------------------------------------------------


def test_offline_today_plays_and_keeps_a_session_then_syncs_it_once_back_online(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("offline-day")
    start_clock(page)
    open_with_worker(page, hipday("/"))
    saved = saved_pages(page)
    for path in ("/", "/progress", "/offline", f"/play/{WARM_UP.slug}"):
        assert hipday(path) in saved, f"{path} is not saved on the phone: {saved}"
    assert hipday(never_visited_page()) not in saved

    phone.set_offline(True)

    # Today opens from the phone's copy and says so, with the time of that copy.
    page.reload()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    note = page.locator("#saved-copy-note")
    expect(note).to_be_visible()
    expect(note).to_have_text(
        re.compile(r"^No signal: this is the copy saved on your phone, as of .+\.$")
    )

    # A page never opened here gets the offline page.
    page.goto(hipday(never_visited_page()))
    expect(page.get_by_role("heading", name="No signal", level=1)).to_be_visible()
    expect(page.get_by_text("This page isn't saved on your phone yet.")).to_be_visible()

    # The pre-run warm-up starts from Today's quick start and runs to its end.
    page.goto(hipday("/"))
    page.locator(".quick-start", has_text=WARM_UP.name).tap()
    expect(page).to_have_url(hipday(f"/play/{WARM_UP.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(WARM_UP.steps[0].title)
    page.clock.run_for(WARM_UP.seconds_before(len(WARM_UP.steps)) * 1000 + 1000)
    expect(page.locator("#player-stage")).to_be_hidden()

    # It ended, so it is kept at once: no tap needed.
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    expect(page.locator("#done-status")).to_contain_text(
        "Saved on this phone. It will sync by itself"
    )
    kept = outbox(page)
    assert len(kept) == 1, kept
    op_id = kept[0]["op_id"]
    assert kept[0]["fields"]["steps_done"] == str(len(WARM_UP.steps))
    assert hipday.stored(op_id) == 0

    # Progress, from the phone's copy: the session waits to sync and the streak counts it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").tap()
    expect(page).to_have_url(hipday("/progress"))
    expect(page.locator("#saved-copy-note")).to_be_visible()
    pending = page.locator("#pending-sync")
    expect(pending).to_be_visible()
    expect(pending.locator("li")).to_have_count(1)
    expect(pending.locator("li")).to_have_text(
        re.compile(rf"^{re.escape(WARM_UP.name)} · \d+ min · saved on this phone — will sync$")
    )
    streak = page.locator("#streak-number")
    if_done = streak.get_attribute("data-if-done-today")
    assert if_done == "1", f"a first session should make a 1-day streak, the page says {if_done}"
    expect(streak).to_have_text(if_done)
    expect(page.locator("#streak-pending")).to_be_visible()
    today = page.locator("body").get_attribute("data-today")
    expect(page.locator(f'table.month td[data-day="{today}"]')).to_have_class(
        re.compile(r"\bis-pending-sync\b")
    )

    # Back online: the outbox sends it once and Progress shows the server's own record.
    page.evaluate("window.beforeSync = true")
    phone.set_offline(False)
    try:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    except PlaywrightError as error:  # Chromium's own `online` event already synced and reloaded
        assert "context was destroyed" in str(error), error
    wait_until(lambda: hipday.stored(op_id) == 1, "the server to store the session")
    expect(page.locator("#pending-sync")).to_be_hidden()
    try:
        # The page that sent it reloads by itself to show what the server now knows.
        page.wait_for_function("window.beforeSync === undefined", timeout=5000)
    except PlaywrightError:
        # Background Sync in the worker delivered it first: this page only hid its pending
        # list and still shows the phone's copy, so open it afresh.
        page.reload()
    expect(page.locator("#saved-copy-note")).to_be_hidden()
    expect(page.locator("#pending-sync")).to_be_hidden()
    expect(page.locator("#streak-number")).to_have_text("1")
    expect(page.locator("#streak-pending")).to_be_hidden()
    expect(page.locator("ol.history .history-name")).to_have_text([WARM_UP.name])
    page.wait_for_load_state()
    assert outbox(page) == []
    assert hipday.stored(op_id) == 1


def test_the_offline_page_does_not_claim_to_be_a_saved_copy_of_the_page_asked_for(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("offline-page")
    open_with_worker(page, hipday("/"))
    wanted = hipday(never_visited_page())
    assert wanted not in saved_pages(page)
    phone.set_offline(True)
    page.goto(wanted)
    expect(page.get_by_role("heading", name="No signal", level=1)).to_be_visible()
    expect(page.locator("#saved-copy-note")).to_be_hidden()


# --- 3. replays are stored once --------------------------------------------------------------------


def test_a_completion_replayed_three_times_is_stored_once(
    page: Page, hipday: Hipday, console: ConsoleWatch
) -> None:
    hipday.deploy("replays")
    page.goto(hipday(f"/play/{DESK.slug}"))
    token = csrf_token(page)

    # Through the outbox: the same entry added and flushed three times.
    op_id = f"replay-{uuid.uuid4().hex}"
    entry = {
        "op_id": op_id,
        "url": "/sessions",
        "fields": finish_fields(page, op_id),
        "token": token,
        "name": DESK.name,
        "local_date": TEST_NOW.date().isoformat(),
        "minutes": 4,
    }
    sent = page.evaluate(
        """async (entry) => {
          const sent = [];
          for (let i = 0; i < 3; i++) {
            await HipdayOutbox.add(entry);
            sent.push(await HipdayOutbox.flush());
          }
          return sent;
        }""",
        entry,
    )
    assert len(sent) == 3
    # Background Sync may deliver an entry from the worker before the page's flush does.
    wait_until(lambda: outbox(page) == [], "an empty outbox")
    assert hipday.stored(op_id) == 1

    # Straight to the server: three POSTs with one Idempotency-Key.
    key = f"direct-{uuid.uuid4().hex}"
    form = {"csrf_token": token, **finish_fields(page, key)}
    statuses = [
        page.request.post(
            hipday("/sessions"),
            form=form,
            headers={"Idempotency-Key": key, "HX-Request": "true"},
            max_redirects=0,
        ).status
        for _ in range(3)
    ]
    assert statuses == [201, 200, 200]
    assert hipday.stored(key) == 1

    # And three at once.
    key = f"racing-{uuid.uuid4().hex}"
    body = {**finish_fields(page, key)}
    statuses = page.evaluate(
        """async ({key, body, token}) => Promise.all([1, 2, 3].map(() => fetch("/sessions", {
          method: "POST",
          headers: {"Idempotency-Key": key, "X-CSRFToken": token, "HX-Request": "true"},
          body: new URLSearchParams(body),
        }).then((response) => response.status)))""",
        {"key": key, "body": body, "token": token},
    )
    assert sorted(statuses) == [200, 200, 201]
    assert hipday.stored(key) == 1


# --- 4. updates wait for the session ------------------------------------------------------------


def test_an_update_waits_until_the_session_is_over_then_reloads_into_the_new_worker(
    page: Page, hipday: Hipday
) -> None:
    old = hipday.deploy("update-1")
    start_clock(page)
    open_with_worker(page, hipday(f"/play/{WARM_UP.slug}"))
    assert worker_version(page) == old

    page.get_by_role("button", name="Start", exact=True).tap()
    page.clock.run_for(3000)
    expect(page.locator("#timer")).to_have_text(clock_text(WARM_UP.steps[0].seconds - 3))
    assert page.evaluate("window.hipdayPlayer.active()")

    new = offer_update(page, hipday, "update-2")
    assert new != old
    page.evaluate("window.hipdayMarker = 'same page'")

    # During the session "Update now" only explains; the page and its worker stay.
    page.get_by_role("button", name="Update now").tap()
    expect(page.locator("#update-text")).to_have_text(
        "Finish or end your session first; the update will wait."
    )
    time.sleep(1)  # real time for a reload that should not come
    assert page.evaluate("window.hipdayMarker") == "same page"
    assert worker_version(page) == old
    assert page.evaluate(
        "navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)"
    )
    page.clock.run_for(2000)
    expect(page.locator("#player-stage")).to_be_visible()
    assert page.evaluate("window.hipdayPlayer.active()")

    # Ended and saved: now the update goes ahead.
    page.get_by_role("button", name="End early").tap()
    expect(page.locator("#done-status")).to_contain_text(f"Saved: {WARM_UP.name}")
    assert not page.evaluate("window.hipdayPlayer.active()")

    with page.expect_event("load"):
        page.get_by_role("button", name="Update now").tap()
    assert page.evaluate("window.hipdayMarker") is None
    assert worker_version(page) == new
    expect(page.locator("#update-note")).to_be_hidden()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()


# --- 5. fragments never get a saved page ---------------------------------------------------------


def fragment_fails_offline(page: Page, act: Callable[[], None], url_part: str) -> None:
    """Run `act` (which makes htmx ask for a fragment) and wait for the request to fail."""
    failed: list[str] = []
    page.on(
        "requestfailed",
        lambda request: failed.append(request.url) if url_part in request.url else None,
    )
    page.evaluate(
        "document.body.addEventListener('htmx:sendError', () => { window.fragmentFailed = true; },"
        " { once: true })"
    )
    act()
    page.wait_for_function("window.fragmentFailed === true")
    assert failed, f"no failed request for {url_part}"


def assert_one_page(page: Page, target: str) -> None:
    """The page holds exactly one page: no <html>, <body>, header or h1 landed in `target`."""
    nested = page.evaluate(
        """(target) => {
          const place = document.querySelector(target);
          return {
            targets: document.querySelectorAll(target).length,
            inside: place.querySelectorAll("html, head, body, header.site-header, h1, main").length,
            headers: document.querySelectorAll("header.site-header").length,
            mains: document.querySelectorAll("main").length,
            h1s: document.querySelectorAll("h1").length,
          };
        }""",
        target,
    )
    assert nested == {"targets": 1, "inside": 0, "headers": 1, "mains": 1, "h1s": 1}, nested


def test_offline_fragment_requests_fail_instead_of_getting_a_saved_page(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("fragments")
    open_with_worker(page, hipday("/progress"))

    # The phone saves, as pages, the very URLs the fragments below ask for.
    previous = page.locator(".month-nav a").first
    previous_url = previous.get_attribute("hx-get") or ""
    assert "month=" in previous_url
    page.goto(hipday(previous_url))
    expect(page.locator("#month-heading")).to_be_visible()

    page.goto(hipday("/routines"))
    with page.expect_response(lambda r: "/routines?" in r.url) as filtered:
        page.get_by_label("Goal").select_option("running")
    library_url = filtered.value.url
    expect(page).to_have_url(library_url)
    page.goto(library_url)  # as a page: now the phone has it saved
    page.goto(hipday("/routines"))
    found = page.locator("#found-heading").inner_text()

    page.goto(hipday("/progress"))
    month = page.locator("#month-heading").inner_text()
    for url in (hipday(previous_url), library_url):
        assert page.evaluate("(url) => caches.match(url).then((r) => r !== undefined)", url), (
            f"the phone should have {url} saved as a page"
        )

    phone.set_offline(True)

    # The month arrow: the request fails, the month stays, no page lands inside the section.
    fragment_fails_offline(page, lambda: page.locator(".month-nav a").first.tap(), "month=")
    expect(page.locator("#month-heading")).to_have_text(month)
    expect(page).to_have_url(hipday("/progress"))
    assert_one_page(page, "#month-section")

    # The library filter, from the phone's copy of the library.
    page.goto(hipday("/routines"))
    expect(page.locator("#saved-copy-note")).to_be_visible()
    fragment_fails_offline(
        page, lambda: page.get_by_label("Goal").select_option("running"), "/routines?"
    )
    expect(page.locator("#found-heading")).to_have_text(found)
    expect(page).to_have_url(hipday("/routines"))
    assert_one_page(page, "#routine-list")

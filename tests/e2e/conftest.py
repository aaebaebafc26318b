"""Browser fixtures: a live Hipday server, headless Debian Chromium, a phone-sized page.

The server's clock is pinned at `TEST_NOW` and every browser context's clock starts there too
(`pin_clock`), so the page's JavaScript and the server agree on the day whatever the real date.

Every page a test opens is watched: console errors (CSP violations included) and uncaught page
errors fail the test when its context closes. A test that expects an error (a 404 page, a 422
form response) says so with `console.allow(pattern)`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    sync_playwright,
)
from werkzeug.serving import make_server

from tests.conftest import TEST_NOW, make_app
from webapp.pwa.icons import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
    # Today's "Done today" is worked out in the guest's zone (UTC until they change it); pin the
    # phone's zone too so a run near midnight on a non-UTC machine stays deterministic.
    # tests/e2e/test_today_time_zone.py covers phones in other zones.
    "timezone_id": "UTC",
    "locale": "en-GB",
}


@dataclass
class ConsoleWatch:
    """Console errors and page errors seen by the pages of one browser context."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect console errors matching `pattern` (e.g. the 404 of a missing page)."""
        self.allowed.append(re.compile(pattern))

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        self.errors.append(f"console error: {message.text} (at {url or '?'})")

    def _on_page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught page error: {error.name}: {error.message}\n{error.stack}")

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@dataclass
class LiveServer:
    url: str
    #: The app it serves, for a test that checks what the server keeps.
    app: Flask | None = None

    def __call__(self, path: str = "/") -> str:
        return self.url + path


class InFlight:
    """How many requests the server is answering, to wait for them before closing the engine.

    Werkzeug's request threads are daemons nobody joins: an engine disposed while one still
    holds a connection leaves that connection to be garbage-collected open, which PostgreSQL's
    driver reports as a ResourceWarning in whichever test runs then.
    """

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def __enter__(self) -> None:
        with self.changed:
            self.count += 1

    def __exit__(self, *_: object) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_idle(self, seconds: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout=seconds)


def buffered(app: WSGIApplication, flight: InFlight | None = None) -> WSGIApplication:
    """`app`, reading each response whole and closing it before the server sends it.

    Werkzeug's development server skips the response's close() when the browser resets the
    connection while it drains the request (a context closing while the service worker is still
    fetching icons), which leaks the open static file as a ResourceWarning in a later test.
    Each request counts in `flight` (when given) until its response is closed.
    """
    flight = flight or InFlight()

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        with flight:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    return serve


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a temporary database, served on 127.0.0.1 from a thread."""
    app = make_app(tmp_path_factory.mktemp("e2e-db"))
    flight = InFlight()
    server = make_server("127.0.0.1", 0, buffered(app, flight), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="hipday-e2e", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        flight.wait_idle(seconds=10)
        app.extensions["hipday"].store.engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def console() -> ConsoleWatch:
    """What the test's pages logged; `console.allow(...)` for errors a test expects."""
    return ConsoleWatch()


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, console: ConsoleWatch) -> Iterator[NewContext]:
    """Make a fresh phone-sized context (a fresh guest); every page in it is watched."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**{**PHONE, **options})
        context.set_default_timeout(10_000)
        pin_clock(context)
        context.on("page", console.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        # Pages first: a context closed while its pages still drive the service worker can
        # hang Chromium's disposal of it (an upstream flake, seen once in 150 contexts).
        for page in context.pages:
            page.close()
        context.close()
    problems = console.unexpected()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def context(new_context: NewContext) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def pin_clock(context: BrowserContext) -> None:
    """Start the pages' clock at the server's pinned `TEST_NOW`; from there it runs in real time.

    Call it on every context before its first page opens.
    """
    context.clock.install(time=TEST_NOW)


def start_clock(page: Page, run_budget: timedelta = timedelta(minutes=9)) -> None:
    """Install a paused fake clock on `page` (call before `page.goto`).

    The fake "now" is `run_budget` before the server's pinned `TEST_NOW` (not past its
    midnight), so a session of up to `run_budget` of fake time ends on the pinned day and never
    after the server's "now".
    """
    midnight = TEST_NOW.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight + timedelta(seconds=1), TEST_NOW - run_budget)
    page.clock.install(time=start)
    page.clock.pause_at(start + timedelta(seconds=1))


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def page_problems(page: Page, state: str) -> list[str]:
    """Axe violations and sideways scrolling at 390 px on `page` now, each naming `state`."""
    problems = []
    violations = run_axe(page)
    if violations:
        problems.append(f"{state}: axe found\n{describe_violations(violations)}")
    width = page_width(page)
    if width > 390:
        problems.append(f"{state}: the page is {width} px wide, it scrolls sideways at 390 px")
    return problems


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"
        )
    return "\n".join(lines)


# --- the routines as the player runs them -----------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """A routine's steps as `routines.session` compiles them (the same data the player gets)."""

    slug: str
    name: str
    steps: tuple[Any, ...]

    def seconds_before(self, index: int) -> int:
        """Seconds from pressing Start to the beginning of step `index`."""
        return sum(step.seconds for step in self.steps[:index])

    def first_per_side_hold(self) -> int:
        """The index of the right-side step of the first per-side hold."""
        for index, step in enumerate(self.steps):
            if (
                step.kind.value == "work"
                and step.dosage_kind is not None
                and step.dosage_kind.value == "hold"
                and step.side is not None
                and step.side.value == "right"
            ):
                return index
        raise AssertionError(f"{self.slug} has no per-side hold")


def timeline(slug: str) -> Timeline:
    from routines.catalog.load import load_catalog
    from routines.session import compile_session

    routine = load_catalog().routines[slug]
    return Timeline(slug, routine.name, compile_session(routine).steps)


def clock_text(seconds: int) -> str:
    """How the player's timer shows `seconds` (m:ss)."""
    return f"{seconds // 60}:{seconds % 60:02d}"


MakePhone = Callable[..., BrowserContext]


@pytest.fixture
def make_phone(
    playwright: Playwright, tmp_path: Path, console: ConsoleWatch, live_server: LiveServer
) -> Iterator[MakePhone]:
    """Open a persistent Chromium profile on a 390 px phone, notifications allowed for Hipday.

    Options go to `launch_persistent_context` (a `user_agent`, say); `init_script` runs in every
    page before Hipday's own scripts. Console errors fail the test.
    """
    contexts: list[BrowserContext] = []

    def make(init_script: str | None = None, **options: Any) -> BrowserContext:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{len(contexts)}"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            **{**PHONE, **options},
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        pin_clock(context)
        context.grant_permissions(["notifications"], origin=live_server.url)
        if init_script:
            context.add_init_script(init_script)
        for opened in context.pages:
            console.watch(opened)
        context.on("page", console.watch)
        return context

    yield make
    for context in contexts:
        # Pages first: a context closed while its pages still drive the service worker can
        # hang Chromium's disposal of it (an upstream flake, seen once in 150 contexts).
        for page in context.pages:
            page.close()
        context.close()
    problems = console.unexpected()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)

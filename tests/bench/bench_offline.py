"""Bytes over the network for Today: a first visit, a repeat visit once the service worker
controls the page, and a visit with no signal.

Bytes are Chromium's `encodedDataLength` (response headers plus body as sent, compressed):
from CDP `Network.loadingFinished` for the page's own requests, and for the requests the service
worker makes itself from Playwright's worker network events (`sizes()`: headers + body, which is
the same figure). A response the worker answers from its cache counts 0; a revalidation that
ends in 304 counts its header bytes. The server's own log tells which requests reached it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import make_app
from webapp.pwa.icons import CHROMIUM, CHROMIUM_ARGS

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "timezone_id": "UTC",
    "locale": "en-GB",
}
QUIET_SECONDS = 0.6


@dataclass
class Server:
    url: str
    seen: list[tuple[str, str, int]] = field(default_factory=list)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The app on 127.0.0.1; every request that reaches it is noted (method, path, status)."""
    record = Server("")

    class Noting(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            status = code.value if hasattr(code, "value") else int(code)
            record.seen.append((self.command, self.path, int(status)))

    app = make_app(tmp_path)
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Noting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    record.url = f"http://127.0.0.1:{httpd.server_port}"
    yield record
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)
    app.extensions["hipday"].store.engine.dispose()


@dataclass
class Fetch:
    """One request: who made it (the page or the worker), how it was answered, its bytes."""

    who: str
    url: str
    status: int = 0
    by_worker: bool = False  # a page request the service worker answered
    worker_source: str = ""  # where the worker's answer came from (network, cache-storage...)
    network_bytes: int = 0
    failed: str = ""


@dataclass
class Visit:
    label: str
    fetches: list[Fetch]
    server_saw: list[tuple[str, str, int]]

    def page(self) -> list[Fetch]:
        return [f for f in self.fetches if f.who == "page"]

    def worker(self) -> list[Fetch]:
        return [f for f in self.fetches if f.who == "worker"]

    def total(self) -> int:
        return sum(f.network_bytes for f in self.fetches)

    def document_bytes(self, path: str) -> int:
        return sum(f.network_bytes for f in self.fetches if f.url == path)


class Meter:
    """Collects the page's requests (CDP) and the worker's (Playwright) during one visit."""

    def __init__(self, context: BrowserContext, server: Server) -> None:
        self.context = context
        self.server = server
        self.fetches: list[Fetch] = []
        self.changed = time.monotonic()
        context.on("requestfinished", self._worker_finished)
        context.on("requestfailed", self._worker_failed)

    def _short(self, url: str) -> str:
        return url.removeprefix(self.server.url)

    def _worker_finished(self, request: Request) -> None:
        if request.service_worker is None:
            return
        sizes = request.sizes()
        response = request.response()
        self.fetches.append(
            Fetch(
                "worker",
                self._short(request.url),
                response.status if response else 0,
                network_bytes=max(0, sizes["responseHeadersSize"] + sizes["responseBodySize"]),
            )
        )
        self.changed = time.monotonic()

    def _worker_failed(self, request: Request) -> None:
        if request.service_worker is None:
            return
        self.fetches.append(
            Fetch("worker", self._short(request.url), failed=request.failure or "failed")
        )
        self.changed = time.monotonic()

    def visit(self, label: str, path: str, wait_for_worker: bool = False) -> tuple[Visit, Page]:
        """Open `path` in a new tab and note everything until the network is quiet."""
        self.fetches = []
        seen_before = len(self.server.seen)
        page = self.context.new_page()
        self._listen(page)
        page.goto(self.server.url + path, wait_until="networkidle")
        if wait_for_worker:
            # Activation follows a finished install, precache included.
            page.wait_for_function("navigator.serviceWorker.controller !== null")
        self._settle()
        return Visit(label, list(self.fetches), self.server.seen[seen_before:]), page

    def _listen(self, page: Page) -> None:
        """Note each of the page's requests, its answer, size and failure, as Chrome reports them."""
        cdp = self.context.new_cdp_session(page)
        cdp.send("Network.enable")
        by_id: dict[str, Fetch] = {}

        def sent(event: dict[str, Any]) -> None:
            fetch = Fetch("page", self._short(event["request"]["url"]))
            by_id[event["requestId"]] = fetch
            self.fetches.append(fetch)
            self.changed = time.monotonic()

        def received(event: dict[str, Any]) -> None:
            fetch = by_id.get(event["requestId"])
            if fetch is not None:
                response = event["response"]
                fetch.status = int(response["status"])
                fetch.by_worker = bool(response.get("fromServiceWorker"))
                fetch.worker_source = str(response.get("serviceWorkerResponseSource") or "")

        def finished(event: dict[str, Any]) -> None:
            fetch = by_id.get(event["requestId"])
            if fetch is not None:
                fetch.network_bytes = int(event["encodedDataLength"])
            self.changed = time.monotonic()

        def failed(event: dict[str, Any]) -> None:
            fetch = by_id.get(event["requestId"])
            if fetch is not None:
                fetch.failed = str(event.get("errorText") or "failed")
            self.changed = time.monotonic()

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", failed)

    def _settle(self) -> None:
        """Wait (at most 10 s) until nothing has moved for QUIET_SECONDS."""
        deadline = time.monotonic() + 10
        seen = len(self.server.seen)
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if len(self.server.seen) != seen:
                seen = len(self.server.seen)
                self.changed = time.monotonic()
            if time.monotonic() - self.changed >= QUIET_SECONDS:
                return


def kb(size: int) -> str:
    return f"{size / 1024:6.1f} KB"


def describe(visit: Visit, document: str) -> None:
    page, worker = visit.page(), visit.worker()
    answered = [f for f in page if f.by_worker]
    worker_doc = visit.document_bytes(document)
    not_modified = [path for _, path, status in visit.server_saw if status == 304]
    print(f"\n{visit.label}")
    print(
        f"  page requests {len(page)} ({len(answered)} answered by the worker); the worker's own "
        f"requests {len(worker)} ({sum(1 for f in worker if f.failed)} failed); "
        f"the server saw {len(visit.server_saw)} ({len(not_modified)} answered 304)"
    )
    print(
        f"  document {document}: {kb(worker_doc)}; everything else: {kb(visit.total() - worker_doc)}"
    )
    for fetch in sorted(visit.fetches, key=lambda f: (f.who, -f.network_bytes, f.url)):
        if fetch.failed:
            how = f"failed: {fetch.failed}"
        elif fetch.by_worker:
            how = f"{fetch.status} from the worker ({fetch.worker_source})"
        else:
            how = str(fetch.status)
        print(f"    {fetch.who:6} {kb(fetch.network_bytes)}  {fetch.url}  {how}")
    if not_modified:
        print(f"  304 (revalidated, headers only): {', '.join(not_modified)}")


def three_visits(server: Server, profile: Path) -> tuple[Visit, Visit, Visit, bool, bool]:
    """Today on a first visit, on a repeat visit and offline; then whether the heading and the
    saved-copy note showed offline."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            **PHONE,
        )
        context.set_default_timeout(15_000)
        try:
            for blank in context.pages:
                blank.close()
            meter = Meter(context, server)

            first, page = meter.visit("(a) first visit", "/", wait_for_worker=True)
            page.close()
            repeat, page = meter.visit("(b) repeat visit, the worker in control", "/")
            assert page.evaluate("navigator.serviceWorker.controller !== null")
            page.close()

            context.set_offline(True)
            offline, page = meter.visit("(c) offline visit", "/")
            saved_copy = page.locator("#saved-copy-note").is_visible()
            today_heading = page.get_by_role("heading", name="Today", level=1).is_visible()
            page.close()
        finally:
            context.close()

    return first, repeat, offline, today_heading, saved_copy


def print_visits(first: Visit, repeat: Visit, offline: Visit) -> None:
    """The three visits side by side, each in detail, and whether (b) and (c) met their targets."""
    print("\nToday over the network (encodedDataLength: response headers + body as sent)")
    print(f"  {'visit':42} {'requests':>8} {'by worker':>9} {'to server':>9} {'of them 304':>11} {'document':>10} {'other':>10} {'total':>10}")  # fmt: skip
    for visit in (first, repeat, offline):
        print(
            f"  {visit.label:42} {len(visit.page()) + len(visit.worker()):8d} "
            f"{sum(1 for f in visit.page() if f.by_worker):9d} {len(visit.server_saw):9d} "
            f"{sum(1 for *_, status in visit.server_saw if status == 304):11d} "
            f"{kb(visit.document_bytes('/')):>10} {kb(visit.total() - visit.document_bytes('/')):>10} "
            f"{kb(visit.total()):>10}"
        )
    for visit in (first, repeat, offline):
        describe(visit, "/")
    only_document = all(f.url == "/" or f.network_bytes == 0 for f in repeat.fetches) and all(
        path == "/" for _, path, _ in repeat.server_saw
    )
    print(
        f"\n  (b) target, the HTML document only: {'met' if only_document else 'NOT met'}"
        f" ({sum(1 for f in repeat.worker() if f.url != '/' and not f.failed)} other requests"
        f" from the worker, {kb(repeat.total() - repeat.document_bytes('/'))})"
    )
    print(
        f"  (c) target, zero bytes from the network: {'met' if offline.total() == 0 else 'NOT met'}"
    )


def test_today_over_the_network_first_repeat_and_offline(server: Server, tmp_path: Path) -> None:
    first, repeat, offline, today_heading, saved_copy = three_visits(server, tmp_path)
    print_visits(first, repeat, offline)

    # (a) The first visit loads the page from the server and installs the worker.
    assert any(f.url == "/" and f.status == 200 and not f.by_worker for f in first.page())
    assert ("GET", "/service-worker.js", 200) in first.server_saw
    # (b) Every response the page gets comes through the worker; it asks the network for the page.
    assert repeat.page() and all(f.by_worker for f in repeat.page() if not f.failed)
    assert any(f.url == "/" and f.worker_source == "network" for f in repeat.page())
    assert ("GET", "/", 200) in repeat.server_saw
    # (c) Offline nothing reaches the server and the phone's copy shows.
    assert offline.total() == 0
    assert offline.server_saw == []
    assert all(f.by_worker for f in offline.page() if not f.failed)
    assert today_heading and saved_copy

"""Bytes over the wire for a first visit to Today, with every asset, compressed as served."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_app
from webapp.pwa.icons import CHROMIUM, CHROMIUM_ARGS

BUDGET_BYTES = 60 * 1024


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, make_app(tmp_path), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_first_load_of_today_fits_the_budget(base_url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        page.goto(base_url + "/", wait_until="networkidle")
        browser.close()
    total = sum(sizes.values())
    print(f"\nFirst load of Today: {len(sizes)} responses, {total / 1024:.1f} KB over the wire:")
    for request_id, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {size / 1024:6.1f} KB  {urls.get(request_id, '?').removeprefix(base_url)}")
    print(f"  budget {BUDGET_BYTES / 1024:.0f} KB: {'within' if total <= BUDGET_BYTES else 'OVER'}")
    assert total <= BUDGET_BYTES

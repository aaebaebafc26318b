"""Offline on a phone: the service worker's versioned caches, its offline page, updates, and
fragment requests with no signal.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import wait_until
from tests.e2e.conftest import ConsoleWatch, clock_text, start_clock
from tests.e2e.offline.worker import (
    OFFLINE_NOISE,
    WARM_UP,
    Hipday,
    never_visited_page,
    open_with_worker,
    saved_pages,
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


def start_the_warm_up_on_the_old_worker(page: Page, hipday: Hipday) -> str:
    """The warm-up runs under the first worker version; that version."""
    old = hipday.deploy("update-1")
    start_clock(page)
    open_with_worker(page, hipday(f"/play/{WARM_UP.slug}"))
    assert worker_version(page) == old

    page.get_by_role("button", name="Start", exact=True).tap()
    page.clock.run_for(3000)
    expect(page.locator("#timer")).to_have_text(clock_text(WARM_UP.steps[0].seconds - 3))
    assert page.evaluate("window.hipdayPlayer.active()")
    return old


def expect_update_now_to_wait_for_the_session(page: Page, old: str) -> None:
    """During the session "Update now" only explains; the page and its worker stay."""
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


def test_an_update_waits_until_the_session_is_over_then_reloads_into_the_new_worker(
    page: Page, hipday: Hipday
) -> None:
    old = start_the_warm_up_on_the_old_worker(page, hipday)
    new = offer_update(page, hipday, "update-2")
    assert new != old
    page.evaluate("window.hipdayMarker = 'same page'")
    expect_update_now_to_wait_for_the_session(page, old)

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


def save_the_fragment_urls_as_pages(page: Page, hipday: Hipday) -> tuple[str, str, str]:
    """The phone saves, as pages, the very URLs the fragments ask for.

    Returns the previous month's URL, the filtered library's URL and the library's found heading.
    """
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
    return previous_url, library_url, found


def test_offline_fragment_requests_fail_instead_of_getting_a_saved_page(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("fragments")
    open_with_worker(page, hipday("/progress"))
    previous_url, library_url, found = save_the_fragment_urls_as_pages(page, hipday)

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

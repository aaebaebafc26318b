"""Installing Hipday: Chromium finds it installable, the install button, the iPhone steps.

Chromium answers installability questions only outside incognito, so those tests use a
persistent context (a real profile in a temporary folder); the install UI tests stub the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ConsoleWatch,
    LiveServer,
    NewContext,
    describe_violations,
    run_axe,
)

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)

#: A `beforeinstallprompt` like Chromium's, whose prompt() only counts that it was called.
OFFER_INSTALL = """() => {
  window.promptCalls = 0;
  const offer = new Event("beforeinstallprompt", { cancelable: true });
  offer.prompt = () => { window.promptCalls += 1; return Promise.resolve(); };
  offer.userChoice = Promise.resolve({ outcome: "accepted", platform: "web" });
  window.dispatchEvent(offer);
  return offer.defaultPrevented;
}"""

#: A storage.persist() that only counts its calls.
COUNT_PERSIST = """
window.persistCalls = 0;
if (navigator.storage) {  // absent on about:blank, which is no secure context
  Object.defineProperty(navigator.storage, "persist", {
    value: () => { window.persistCalls += 1; return Promise.resolve(true); },
  });
}
"""

#: Hipday as if opened from the home screen icon.
RUN_INSTALLED = """
const browserMatchMedia = window.matchMedia.bind(window);
window.matchMedia = (query) => query === "(display-mode: standalone)"
  ? { matches: true, media: query, addEventListener() {}, removeEventListener() {} }
  : browserMatchMedia(query);
"""


@pytest.fixture
def profile(
    playwright: Playwright, tmp_path: Path, console: ConsoleWatch
) -> Iterator[BrowserContext]:
    """A phone-sized Chromium with a real profile on disk, as installability needs."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(10_000)
    for page in context.pages:  # the window the profile opened with
        console.watch(page)
    context.on("page", console.watch)
    yield context
    context.close()
    problems = console.unexpected()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)
    return page


def install_slot(page: Page) -> Locator:
    return page.locator("#install-slot")


def test_chromium_finds_hipday_installable_with_no_errors(
    profile: BrowserContext, live_server: LiveServer
) -> None:
    page = open_page(profile, live_server("/"))
    cdp = profile.new_cdp_session(page)

    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    app_manifest = cdp.send("Page.getAppManifest")
    assert app_manifest["url"] == live_server("/manifest.webmanifest")
    assert app_manifest["errors"] == []
    manifest = app_manifest["manifest"]
    assert manifest["name"] == "Hipday"
    assert manifest["display"] == "kStandalone"
    assert manifest["startUrl"] == live_server("/?source=pwa")
    assert manifest["id"] == live_server("/")
    assert [s["name"] for s in manifest["shortcuts"]] == ["Pre-run warm-up", "Desk reset"]
    assert cdp.send("Page.getAppId")["appId"] == live_server("/")


def test_chromiums_own_install_offer_becomes_the_install_button_on_today(
    profile: BrowserContext, live_server: LiveServer
) -> None:
    page = open_page(profile, live_server("/"))

    button = install_slot(page).get_by_role("button", name="Install Hipday")
    expect(button).to_be_visible()
    expect(button).to_have_class("button secondary")


def test_settings_offers_no_install_until_the_browser_does(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/settings"))

    expect(install_slot(page)).to_be_empty()


def test_tapping_install_hipday_opens_the_browsers_install_prompt_once(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/settings"))

    assert page.evaluate(OFFER_INSTALL) is True, "the page keeps the offer for its own button"
    button = install_slot(page).get_by_role("button", name="Install Hipday")
    expect(button).to_have_class("button secondary")
    button.tap()

    assert page.evaluate("window.promptCalls") == 1
    expect(install_slot(page)).to_be_empty()


def test_iphone_safari_shows_the_add_to_home_screen_steps(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context(user_agent=IPHONE, bypass_csp=True).new_page()  # bypass: axe runs inline
    page.goto(live_server("/settings"))

    steps = install_slot(page).get_by_role("region", name="Add Hipday to your Home Screen")
    expect(steps).to_contain_text("Tap Share, then Add to Home Screen")
    expect(steps.get_by_role("listitem")).to_have_count(3)
    expect(steps.get_by_role("listitem").first).to_contain_text("Share")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_dismissed_home_screen_steps_stay_dismissed(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context(user_agent=IPHONE).new_page()
    page.goto(live_server("/settings"))

    install_slot(page).get_by_role("button", name="Hide these steps").tap()

    expect(install_slot(page)).to_be_empty()
    expect(page.locator("#main")).to_be_focused()
    page.reload()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(install_slot(page)).to_be_empty()
    page.goto(live_server("/"))
    expect(install_slot(page)).to_be_empty()


def test_installed_hipday_asks_once_to_keep_its_data_and_offers_nothing(
    new_context: NewContext, live_server: LiveServer
) -> None:
    context = new_context(user_agent=IPHONE)
    context.add_init_script(COUNT_PERSIST + RUN_INSTALLED)
    page = context.new_page()

    page.goto(live_server("/"))
    expect(install_slot(page)).to_be_empty()
    assert page.evaluate("window.persistCalls") == 1
    page.reload()
    expect(install_slot(page)).to_be_empty()
    assert page.evaluate("window.persistCalls") == 0


def test_a_fresh_install_asks_to_keep_data_and_removes_the_button(
    context: BrowserContext, live_server: LiveServer
) -> None:
    context.add_init_script(COUNT_PERSIST)
    page = context.new_page()
    page.goto(live_server("/settings"))
    page.evaluate(OFFER_INSTALL)
    expect(install_slot(page).get_by_role("button", name="Install Hipday")).to_be_visible()

    page.evaluate("window.dispatchEvent(new Event('appinstalled'))")

    expect(install_slot(page)).to_be_empty()
    assert page.evaluate("window.persistCalls") == 1

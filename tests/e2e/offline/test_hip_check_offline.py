"""The hip check with no signal: the phone keeps the page, the check runs on it with the figure
picker (this headless Chromium has no motion sensors), and its results wait on the phone until
the signal is back, then reach Progress once."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import wait_until
from tests.e2e.conftest import ConsoleWatch
from tests.e2e.offline.worker import OFFLINE_NOISE, Hipday, open_with_worker

WAITING = "JSON.parse(localStorage.getItem('hipday-hip-checks') || '[]').length"


def pick_both_directions(page: Page, turned_out: int, turned_in: int) -> None:
    for degrees in (turned_out, turned_in):
        page.get_by_role("button", name=f"{degrees} degrees", exact=True).tap()
        page.get_by_role("button", name="Yes", exact=True).tap()


def hold_briefly(page: Page) -> None:
    page.get_by_role("button", name="Start", exact=True).tap()
    page.get_by_role("button", name="Stop", exact=True).tap()


def test_a_check_done_with_no_signal_is_kept_then_sent_once_back_online(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    open_with_worker(page, hipday("/"))

    phone.set_offline(True)
    page.goto(hipday("/hip-check"))
    page.get_by_role("button", name="Start the check").tap()
    expect(page.locator("#sensor-message")).to_contain_text("This device gives no motion readings")
    pick_both_directions(page, 40, 30)  # right
    pick_both_directions(page, 35, 25)  # left
    for _ in range(2):
        hold_briefly(page)
    page.get_by_role("button", name="Full", exact=True).tap()
    for _ in range(2):
        hold_briefly(page)
    page.get_by_role("button", name="No, one side lifted").tap()
    expect(page.locator("#save-status")).to_have_text(
        "Saved on this phone: it is sent when you are back online."
    )
    assert page.evaluate(WAITING) == 1

    phone.set_offline(False)
    wait_until(lambda: page.evaluate(WAITING) == 0, "the kept check to be sent")
    page.goto(hipday("/progress"))
    expect(page.locator("#hips")).to_contain_text("70°")  # the right hip's arc: 40° + 30°

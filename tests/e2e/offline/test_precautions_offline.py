"""Offline after new precautions answers: the routine page the phone kept is refreshed, so with
no signal it no longer shows a move the answers leave out."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import wait_until
from tests.e2e.conftest import ConsoleWatch
from tests.e2e.offline.worker import OFFLINE_NOISE, Hipday, open_with_worker

ROUTINE = "/routines/release-and-stretch"
FIGURE_FOUR = "/exercises/figure-four-stretch-lying"
#: Whether the phone's saved copy of `url` no longer links the figure-four.
SAVED_COPY_REFRESHED = """async ([url, gone]) => {
  const names = await caches.keys();
  const cache = await caches.open(names.find((n) => n.startsWith('hipday-pages-')));
  const copy = await cache.match(url);
  return copy !== undefined && !(await copy.text()).includes(gone);
}"""


def test_a_saved_routine_page_loses_the_left_out_move_once_the_answers_are_saved(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    open_with_worker(page, hipday(ROUTINE))
    expect(page.locator(f'ol.prescriptions a[href="{FIGURE_FOUR}"]')).to_be_visible()

    page.goto(hipday("/settings/precautions"))
    page.get_by_role("radio", name="Yes, by the back (posterior) approach").check()
    page.get_by_role("button", name="Save my answers").tap()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    wait_until(
        lambda: page.evaluate(SAVED_COPY_REFRESHED, [hipday(ROUTINE), FIGURE_FOUR]),
        "the saved routine page to be refreshed",
    )

    phone.set_offline(True)
    page.goto(hipday(ROUTINE))
    expect(page.locator("#left-out")).to_contain_text("Lying figure-four stretch: left out")
    expect(page.locator(f'ol.prescriptions a[href="{FIGURE_FOUR}"]')).to_have_count(0)
    phone.set_offline(False)

"""Today is the phone's today: a session finished this morning in Kiribati is done today there."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.conftest import TEST_NOW
from tests.e2e.conftest import LiveServer, NewContext, start_clock, timeline


def zone_on_another_date_than_utc(now: datetime) -> str:
    """A real time zone whose date right now differs from UTC's, at least an hour from midnight."""
    if now.hour >= 11:
        return "Pacific/Kiritimati"  # UTC+14: already tomorrow there
    return "Etc/GMT+12"  # UTC-12: still yesterday there


def test_a_session_finished_on_the_phones_date_shows_as_done_today_there(
    new_context: NewContext, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    zone = zone_on_another_date_than_utc(TEST_NOW)
    page = new_context(timezone_id=zone).new_page()
    start_clock(page, run_budget=timedelta(minutes=2))

    page.goto(live_server("/"))
    # The first visit adopts the phone's zone, and Today reloads for the phone's date.
    expect(page.locator("body")).to_have_attribute("data-time-zone", zone)
    page.locator(".quick-start", has_text=routine.name).tap()
    page.get_by_role("button", name="Start", exact=True).tap()
    page.clock.run_for(10_000)
    page.get_by_role("button", name="End early").tap()
    expect(page.locator("#done-status")).to_contain_text(f"Saved: {routine.name}")

    page.get_by_role("link", name="Back to Today").tap()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    badge = page.locator(".quick-start", has_text=routine.name).get_by_text("Done today")
    expect(badge).to_be_visible()

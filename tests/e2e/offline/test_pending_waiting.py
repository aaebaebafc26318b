"""Sessions waiting on the phone: one truth for the streak, and retries that wait longer.

- A session waiting to sync moves Today's streak line and every figure on Progress the same way,
  and they are the figures the server shows once it has it.
- Failed tries wait longer each time; after `MOST_TRIES` the session says it wasn't sent and
  waits for "Try again".
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from tests.conftest import TEST_NOW, wait_until
from tests.e2e.conftest import ConsoleWatch, NewContext, page_problems
from tests.e2e.offline.pending import (
    DESK,
    REFUSED_NOISE,
    csrf_token,
    keep_on_phone,
    look_at,
    progress_figures,
    streak_line,
)
from tests.e2e.offline.worker import OFFLINE_NOISE, Hipday, open_with_worker, outbox


def log_session(page: Page, hipday: Hipday, days_ago: int, minutes: int = 4) -> None:
    """A whole Desk reset the server has, ended at 08:00 `days_ago` days before TEST_NOW."""
    ended = TEST_NOW.replace(hour=8) - timedelta(days=days_ago)
    steps = str(len(DESK.steps))
    response = page.request.post(
        hipday("/sessions"),
        form={
            "csrf_token": csrf_token(page),
            "routine": DESK.slug,
            "started_at": (ended - timedelta(minutes=minutes)).isoformat(),
            "ended_at": ended.isoformat(),
            "steps_done": steps,
            "steps_total": steps,
            "time_zone": "UTC",
        },
        headers={"Idempotency-Key": uuid.uuid4().hex, "HX-Request": "true"},
    )
    assert response.status == 201, response.text()


def a_three_day_streak_kept_on_the_phone(page: Page, hipday: Hipday) -> None:
    """Three sessions on the server; the phone keeps Today and Progress as the server shows them."""
    open_with_worker(page, hipday("/"))
    for days_ago in (1, 2, 3):
        log_session(page, hipday, days_ago)
    page.goto(hipday("/progress"))
    page.goto(hipday("/"))
    assert streak_line(page) == "3-day streak. A session today keeps your streak going. Progress"


def expect_today_to_count_the_waiting_session(page: Page) -> str:
    """Today, from the phone's copy: the streak line counts it, and says why; that line."""
    expect(page.locator("#streak-line")).to_contain_text("4-day streak.")
    phone_line = streak_line(page)
    assert phone_line == "4-day streak. Done today. Your streak is safe. Progress"
    expect(page.locator("#streak-pending")).to_have_text(
        "Counting the session saved on this phone that hasn't synced yet."
    )
    expect(page.locator("#pending-list li")).to_have_text(
        [f"{DESK.name} · 7 min · saved on this phone — will sync"]
    )
    look_at(page, "today-waiting")
    return phone_line


def expect_progress_to_count_the_waiting_session(page: Page) -> dict[str, str]:
    """Progress, from the phone's copy: every figure with it; those figures."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").tap()
    expect(page.locator("#saved-copy-note")).to_be_visible()
    expect(page.locator("#sessions-number")).to_have_text("4")
    phone_figures = progress_figures(page)
    assert phone_figures == {
        "Current streak": "4 days",
        "Longest": "4 days",
        "Freezes banked": "0 of 2",
        "Sessions": "4",
        "Minutes": "19",
        "sentence": "Done today. Your streak is safe.",
    }
    today = TEST_NOW.date().isoformat()
    cell = page.locator(f'table.month td[data-day="{today}"]')
    expect(cell).to_have_class(re.compile(r"\bmark-done\b.*\bis-pending-sync\b"))
    expect(cell.locator(".day-mark")).to_have_text("done, syncing")
    expect(page.locator(f'.hm-cell[data-day="{today}"]')).to_have_class(
        re.compile(r"\bmark-done\b")
    )
    expect(page.locator("#month-summary")).to_have_text(
        "4 days with a session", use_inner_text=True
    )
    look_at(page, "progress-waiting")
    return phone_figures


def test_a_waiting_session_moves_todays_line_and_progress_as_the_server_will(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("waiting-session")
    a_three_day_streak_kept_on_the_phone(page, hipday)

    phone.set_offline(True)
    page.reload()
    expect(page.locator("#saved-copy-note")).to_be_visible()
    op_id = keep_on_phone(page, TEST_NOW - timedelta(minutes=1), minutes=7)
    phone_line = expect_today_to_count_the_waiting_session(page)
    phone_figures = expect_progress_to_count_the_waiting_session(page)

    # Back online: once the server has it, its own pages show the very same figures.
    with page.expect_navigation():  # synced (by the page or Background Sync): it reloads
        phone.set_offline(False)
    assert hipday.stored(op_id) == 1
    page.goto(hipday("/progress"))
    expect(page.locator("#saved-copy-note")).to_be_hidden()
    assert progress_figures(page) == phone_figures
    page.goto(hipday("/"))
    assert streak_line(page) == phone_line
    assert outbox(page) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_today_and_progress_with_a_waiting_and_a_refused_session_have_no_serious_problems(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch, color_scheme: str
) -> None:
    for noise in (*REFUSED_NOISE, r"net::ERR_FAILED"):
        console.allow(noise)
    context = new_context(service_workers="block", bypass_csp=True, color_scheme=color_scheme)
    page = context.new_page()
    page.goto(hipday("/"))
    log_session(page, hipday, days_ago=1)
    keep_on_phone(page, TEST_NOW + timedelta(hours=2), minutes=4)  # refused: ends in the future
    page.reload()
    expect(page.locator(".pending-item.is-refused")).to_have_count(1)
    page.route("**/sessions", lambda route: route.abort())  # the next one can't get through
    keep_on_phone(page, TEST_NOW - timedelta(minutes=1), minutes=7)
    expect(page.locator("#pending-list li")).to_have_count(2)
    expect(page.locator("#streak-line")).to_contain_text("2-day streak. Done today.")
    problems = page_problems(page, f"Today ({color_scheme})")
    page.goto(hipday("/progress"))
    expect(page.locator("#sessions-number")).to_have_text("2")
    problems += page_problems(page, f"Progress ({color_scheme})")
    assert not problems, "\n".join(problems)

    # A month brought in by htmx marks the waiting session's day too.
    today = page.locator(f'table.month td[data-day="{TEST_NOW.date().isoformat()}"]')
    expect(today).to_have_class(re.compile(r"\bis-pending-sync\b"))
    page.locator(".month-nav a").first.tap()
    expect(page.locator("#month-heading")).to_have_text("February 2026")
    page.locator(".month-nav a").last.tap()
    expect(page.locator("#month-heading")).to_have_text("March 2026")
    expect(today).to_have_class(re.compile(r"\bis-pending-sync\b"))
    expect(today.locator(".day-mark")).to_have_text("done, syncing")


def fail_every_try(page: Page) -> list[str]:
    """Answer every send with 503 (Hipday busy); the URLs tried, as they come."""
    tries: list[str] = []

    def busy(route: Route) -> None:
        tries.append(route.request.url)
        route.fulfill(status=503, body="Hipday is busy for a moment")

    page.route("**/sessions", busy)
    return tries


def minutes_between_seven_failed_tries(page: Page, item: Locator) -> list[int]:
    waits = []
    for attempt in range(1, 8):
        wait_until(lambda n=attempt: outbox(page)[0].get("tries") == n, f"try {attempt}")
        expect(item).to_contain_text("will sync; Hipday's server was busy, next try at")
        waits.append(round((outbox(page)[0]["next_try"] - page.evaluate("Date.now()")) / 60000))
        page.clock.run_for(60 * 60 * 1000)  # the next try is due within the hour
    return waits


def test_failed_tries_wait_longer_each_time_then_wait_for_try_again(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    console.allow(REFUSED_NOISE[1])
    context = new_context(service_workers="block")
    page = context.new_page()
    page.goto(hipday("/"))
    tries = fail_every_try(page)
    op_id = keep_on_phone(page, TEST_NOW - timedelta(minutes=1), minutes=4)
    page.reload()
    item = page.locator("#pending-list li")
    waits = minutes_between_seven_failed_tries(page, item)
    assert waits == [1, 2, 4, 8, 16, 32, 60], "minutes between tries"

    # The eighth failed try: no more "will sync", and no more tries by itself.
    wait_until(lambda: outbox(page)[0].get("tries") == 8, "the eighth try")
    expect(item).to_contain_text(
        f"{DESK.name} · 4 min · saved on this phone, but not sent after 8 tries: "
        "Hipday's server was busy."
    )
    expect(item).not_to_contain_text("will sync")
    page.clock.run_for(3 * 60 * 60 * 1000)
    assert len(tries) == 8
    # It still counts on the phone until the user decides.
    assert streak_line(page) == "1-day streak. Done today. Your streak is safe. Progress"

    page.unroute("**/sessions")
    with page.expect_navigation():
        item.get_by_role("button", name="Try again").tap()
    assert hipday.stored(op_id) == 1
    assert outbox(page) == []

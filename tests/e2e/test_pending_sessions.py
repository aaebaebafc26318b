"""Sessions waiting on the phone: one truth for the streak, refusals in the server's words.

- A session finished with no signal on a phone whose clock runs 15 minutes fast is refused by
  the server when it syncs; Today and Progress say why, it stops counting, and "Send it with the
  server's time" stores it once, moved back by the clock's error and as long as it was.
- A session waiting to sync moves Today's streak line and every figure on Progress the same way,
  and they are the figures the server shows once it has it.
- Failed tries wait longer each time; after `MOST_TRIES` the session says it wasn't sent and
  waits for "Try again".
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlmodel import Session, select

from tests.conftest import TEST_NOW, wait_until
from tests.e2e import test_offline as offline
from tests.e2e.conftest import ConsoleWatch, NewContext, page_problems, timeline
from tests.e2e.test_offline import OFFLINE_NOISE, Hipday, open_with_worker, outbox
from webapp.store.models import Completion

# The offline tests' live server (whose database a test can read) and persistent phone.
hipday = offline.hipday
phone = offline.phone
page = offline.page

DESK = timeline("desk-reset")
CLOCK_AHEAD = timedelta(minutes=15)
FUTURE = "The session's end is in the future. Check your phone's clock."
#: How the browser reports a refused or failed fetch; these tests expect them.
REFUSED_NOISE = (r"status of 422", r"status of 503")


def look_at(page: Page, name: str) -> None:
    """Keep a 390×844 screenshot of the top of the page for a person to look at, when
    HIPDAY_SCREENSHOTS names a folder (screenshots are looked at, never compared)."""
    folder = os.environ.get("HIPDAY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


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


def keep_on_phone(page: Page, ended: datetime, minutes: int) -> str:
    """A whole Desk reset finished on this phone with no signal, as the player keeps it."""
    op_id = uuid.uuid4().hex
    steps = str(len(DESK.steps))
    page.evaluate(
        "(entry) => HipdayOutbox.add(entry)",
        {
            "op_id": op_id,
            "url": "/sessions",
            "token": csrf_token(page),
            "name": DESK.name,
            "local_date": ended.date().isoformat(),
            "minutes": minutes,
            "fields": {
                "op_id": op_id,
                "routine": DESK.slug,
                "started_at": (ended - timedelta(minutes=minutes)).isoformat(),
                "ended_at": ended.isoformat(),
                "steps_done": steps,
                "steps_total": steps,
                "time_zone": "UTC",
            },
        },
    )
    return op_id


def stored_times(hipday: Hipday, op_id: str) -> list[tuple[datetime, datetime]]:
    engine = hipday.app.extensions["hipday"].store.engine
    with Session(engine) as session:
        rows = session.exec(select(Completion).where(Completion.op_id == op_id)).all()
        return [
            (row.started_at.replace(tzinfo=UTC), row.ended_at.replace(tzinfo=UTC)) for row in rows
        ]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def progress_figures(page: Page) -> dict[str, str]:
    """Progress's streak card as a reader sees it: each figure with its unit, and the sentence."""
    figures: dict[str, str] = page.evaluate(
        """() => {
          const figures = {};
          document.querySelectorAll(".streak-card .stat").forEach((stat) => {
            figures[stat.querySelector("dt").innerText.trim()] =
              stat.querySelector("dd").innerText.replace(/\\s+/g, " ").trim();
          });
          figures.sentence = document.getElementById("streak-today").innerText.trim();
          return figures;
        }"""
    )
    return figures


def streak_line(page: Page) -> str:
    line: str = page.locator("#streak-line").inner_text()
    return re.sub(r"\s+", " ", line).strip()


# --- a refused session -------------------------------------------------------------------------


def test_a_session_finished_with_no_signal_is_not_called_a_failure_above_its_card(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    context = new_context(service_workers="block")
    page = context.new_page()
    page.goto(hipday(f"/play/{DESK.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    context.set_offline(True)
    page.clock.run_for(DESK.seconds_before(len(DESK.steps)) * 1000 + 1000)
    save = page.get_by_role("button", name="Save session")
    if save.is_visible():  # the finish form of today's player; a player that saves by itself
        save.tap()  # at the end keeps the session on the phone without it
    expect(page.get_by_text(re.compile(r"^Saved on this phone")).first).to_be_visible()
    # The card says what happened; no note above it says the opposite.
    expect(page.locator("#request-failed-note")).to_be_hidden()
    assert len(outbox(page)) == 1


def test_a_session_refused_for_a_fast_clock_is_explained_and_counted_once_with_the_servers_time(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in REFUSED_NOISE:
        console.allow(noise)
    # No service worker: only the page sends the outbox, on the phone's (fast) clock.
    context = new_context(service_workers="block", bypass_csp=True)  # bypass: axe runs inline
    context.clock.set_system_time(TEST_NOW + CLOCK_AHEAD)
    page = context.new_page()
    page.goto(hipday("/"))
    # A whole Desk reset finished with no signal just now, by the phone's clock; the next time
    # Hipday opens, it sends it.
    op_id = keep_on_phone(page, TEST_NOW + CLOCK_AHEAD, minutes=4)
    with page.expect_response("**/sessions"):
        page.reload()

    # Today sent it at once; the server refused it and Today says so, in its words.
    refused = page.locator("#pending-list .pending-item.is-refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(f"{DESK.name} · ")
    expect(refused).to_contain_text("Hipday didn't save it")
    expect(refused.locator(".pending-reason")).to_have_text(FUTURE)
    expect(refused).to_contain_text(
        re.compile(r"Your phone's clock was 15 minutes ahead of Hipday's")
    )
    expect(refused.get_by_role("button", name="Send it with the server's time")).to_be_visible()
    expect(refused.get_by_role("button", name="Discard it")).to_be_visible()
    # It no longer counts on the phone.
    assert streak_line(page) == "A session today starts a streak. Progress"
    expect(page.locator("#streak-pending")).to_be_hidden()
    assert hipday.stored(op_id) == 0
    look_at(page, "today-refused")
    assert not page_problems(page, "Today with a refused session")

    # Progress says the same, and counts nothing.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").tap()
    refused = page.locator("#pending-list .pending-item.is-refused")
    expect(refused.locator(".pending-reason")).to_have_text(FUTURE)
    figures = progress_figures(page)
    assert (figures["Current streak"], figures["Sessions"], figures["Minutes"]) == (
        "0 days",
        "0",
        "0",
    ), figures
    look_at(page, "progress-refused")
    assert not page_problems(page, "Progress with a refused session")

    # Sent with the server's time: stored once, as long as it was, moved back by the clock's
    # error measured when the server refused it.
    [entry] = outbox(page)
    refusal = entry["refused"]
    ahead = moment(refusal["phone_now"]) - moment(refusal["server_now"])
    assert CLOCK_AHEAD <= ahead < CLOCK_AHEAD + timedelta(minutes=10), ahead
    assert moment(refusal["server_now"]) == TEST_NOW
    started, ended = (moment(entry["fields"][key]) for key in ("started_at", "ended_at"))
    with page.expect_navigation():  # Progress reloads to show the server's figures
        refused.get_by_role("button", name="Send it with the server's time").tap()
    assert hipday.stored(op_id) == 1
    assert stored_times(hipday, op_id) == [(started - ahead, ended - ahead)]
    figures = progress_figures(page)
    assert (figures["Current streak"], figures["Sessions"]) == ("1 day", "1"), figures
    expect(page.locator("#pending-sync")).to_be_hidden()
    assert outbox(page) == []

    # Sending it again changes nothing.
    page.reload()
    assert hipday.stored(op_id) == 1


def test_a_refused_session_can_be_discarded_after_saying_so_twice(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    console.allow(REFUSED_NOISE[0])
    context = new_context(service_workers="block")
    page = context.new_page()
    page.goto(hipday("/"))
    # A session that ended two hours from now (a phone with a wrong date).
    op_id = keep_on_phone(page, TEST_NOW + timedelta(hours=2), minutes=4)
    page.reload()
    refused = page.locator("#pending-list .pending-item.is-refused")
    expect(refused).to_have_count(1)

    refused.get_by_role("button", name="Discard it").tap()
    keep = refused.get_by_role("button", name="Keep it")
    expect(keep).to_be_focused()
    expect(refused).to_contain_text("Discard this session? It won't count")
    keep.tap()
    expect(refused.get_by_role("button", name="Discard it")).to_be_focused()
    assert len(outbox(page)) == 1

    refused.get_by_role("button", name="Discard it").tap()
    refused.get_by_role("button", name="Yes, discard it").tap()
    expect(page.locator("#pending-sync")).to_be_hidden()
    expect(page.locator("#main")).to_be_focused()  # not lost with the button that went away
    assert outbox(page) == []
    assert hipday.stored(op_id) == 0


def test_a_session_refused_for_its_request_not_itself_can_be_sent_again(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")
    context = new_context(service_workers="block")
    page = context.new_page()
    page.goto(hipday("/"))
    expired = "This form has expired. Go back, reload the page and send it again."
    page.route(
        "**/sessions",
        lambda route: route.fulfill(status=400, json={"error": expired}),
    )
    op_id = keep_on_phone(page, TEST_NOW - timedelta(minutes=1), minutes=4)
    page.reload()
    refused = page.locator("#pending-list .pending-item.is-refused")
    expect(refused.locator(".pending-reason")).to_have_text(expired)
    expect(refused.get_by_role("button", name="Send it with the server's time")).to_have_count(0)

    page.unroute("**/sessions")
    with page.expect_navigation():
        refused.get_by_role("button", name="Send it again").tap()
    assert hipday.stored(op_id) == 1
    assert outbox(page) == []


# --- a session waiting to sync -----------------------------------------------------------------


def test_a_waiting_session_moves_todays_line_and_progress_as_the_server_will(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("waiting-session")
    open_with_worker(page, hipday("/"))
    for days_ago in (1, 2, 3):
        log_session(page, hipday, days_ago)
    # The phone keeps today's and this week's pages as the server shows them now.
    page.goto(hipday("/progress"))
    page.goto(hipday("/"))
    assert streak_line(page) == "3-day streak. A session today keeps your streak going. Progress"

    phone.set_offline(True)
    page.reload()
    expect(page.locator("#saved-copy-note")).to_be_visible()
    op_id = keep_on_phone(page, TEST_NOW - timedelta(minutes=1), minutes=7)

    # Today, from the phone's copy: the streak line counts it, and says why.
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

    # Progress, from the phone's copy: every figure with it.
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


# --- failed tries ------------------------------------------------------------------------------


def test_failed_tries_wait_longer_each_time_then_wait_for_try_again(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    console.allow(REFUSED_NOISE[1])
    context = new_context(service_workers="block")
    page = context.new_page()
    page.goto(hipday("/"))
    tries: list[str] = []

    def busy(route: Route) -> None:
        tries.append(route.request.url)
        route.fulfill(status=503, body="Hipday is busy for a moment")

    page.route("**/sessions", busy)
    op_id = keep_on_phone(page, TEST_NOW - timedelta(minutes=1), minutes=4)
    page.reload()
    item = page.locator("#pending-list li")
    waits = []
    for attempt in range(1, 8):
        wait_until(lambda n=attempt: outbox(page)[0].get("tries") == n, f"try {attempt}")
        expect(item).to_contain_text("will sync; Hipday's server was busy, next try at")
        waits.append(round((outbox(page)[0]["next_try"] - page.evaluate("Date.now()")) / 60000))
        page.clock.run_for(60 * 60 * 1000)  # the next try is due within the hour
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

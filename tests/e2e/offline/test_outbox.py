"""Offline on a phone: a session played with no signal is kept in the outbox and stored once."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import TEST_NOW, wait_until
from tests.e2e.conftest import ConsoleWatch, start_clock, timeline
from tests.e2e.offline.worker import (
    OFFLINE_NOISE,
    WARM_UP,
    Hipday,
    never_visited_page,
    open_with_worker,
    outbox,
    saved_pages,
)

DESK = timeline("desk-reset")


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


def finish_fields(page: Page, op_id: str) -> dict[str, str]:
    """The player's finish form as the page has it, for a session that ended a minute ago."""
    fields: dict[str, str] = page.evaluate(
        "Object.fromEntries(new FormData(document.getElementById('finish-form')).entries())"
    )
    ended = TEST_NOW - timedelta(minutes=1)
    fields.pop("csrf_token", None)
    fields.update(
        op_id=op_id,
        started_at=(ended - timedelta(minutes=4)).isoformat(),
        ended_at=ended.isoformat(),
        time_zone="UTC",
        effort="4",
    )
    return fields


def expect_the_day_saved_on_the_phone(page: Page, hipday: Hipday) -> None:
    """Today, Progress, the offline page and the warm-up are saved; a page never opened is not."""
    saved = saved_pages(page)
    for path in ("/", "/progress", "/offline", f"/play/{WARM_UP.slug}"):
        assert hipday(path) in saved, f"{path} is not saved on the phone: {saved}"
    assert hipday(never_visited_page()) not in saved


def expect_today_from_the_saved_copy(page: Page) -> None:
    """Today opens from the phone's copy and says so, with the time of that copy."""
    page.reload()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    note = page.locator("#saved-copy-note")
    expect(note).to_be_visible()
    expect(note).to_have_text(
        re.compile(r"^No signal: this is the copy saved on your phone, as of .+\.$")
    )


def expect_the_offline_page_for_a_page_never_opened(page: Page, hipday: Hipday) -> None:
    page.goto(hipday(never_visited_page()))
    expect(page.get_by_role("heading", name="No signal", level=1)).to_be_visible()
    expect(page.get_by_text("This page isn't saved on your phone yet.")).to_be_visible()


def play_the_warm_up_from_todays_quick_start(page: Page, hipday: Hipday) -> None:
    """The pre-run warm-up starts from Today's quick start and runs to its end."""
    page.goto(hipday("/"))
    page.locator(".quick-start", has_text=WARM_UP.name).tap()
    expect(page).to_have_url(hipday(f"/play/{WARM_UP.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(WARM_UP.steps[0].title)
    page.clock.run_for(WARM_UP.seconds_before(len(WARM_UP.steps)) * 1000 + 1000)
    expect(page.locator("#player-stage")).to_be_hidden()


def expect_kept_on_the_phone_at_once(page: Page, hipday: Hipday) -> str:
    """It ended, so it is kept at once (no tap needed) and not yet on the server; its op id."""
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    expect(page.locator("#done-status")).to_contain_text(
        "Saved on this phone. It will sync by itself"
    )
    kept = outbox(page)
    assert len(kept) == 1, kept
    op_id: str = kept[0]["op_id"]
    assert kept[0]["fields"]["steps_done"] == str(len(WARM_UP.steps))
    assert hipday.stored(op_id) == 0
    return op_id


def expect_progress_to_count_it_waiting_to_sync(page: Page, hipday: Hipday) -> None:
    """Progress, from the phone's copy: the session waits to sync and the streak counts it."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").tap()
    expect(page).to_have_url(hipday("/progress"))
    expect(page.locator("#saved-copy-note")).to_be_visible()
    pending = page.locator("#pending-sync")
    expect(pending).to_be_visible()
    expect(pending.locator("li")).to_have_count(1)
    expect(pending.locator("li")).to_have_text(
        re.compile(rf"^{re.escape(WARM_UP.name)} · \d+ min · saved on this phone — will sync$")
    )
    streak = page.locator("#streak-number")
    if_done = streak.get_attribute("data-if-done-today")
    assert if_done == "1", f"a first session should make a 1-day streak, the page says {if_done}"
    expect(streak).to_have_text(if_done)
    expect(page.locator("#streak-pending")).to_be_visible()
    today = page.locator("body").get_attribute("data-today")
    expect(page.locator(f'table.month td[data-day="{today}"]')).to_have_class(
        re.compile(r"\bis-pending-sync\b")
    )


def sync_once_back_online(page: Page, phone: BrowserContext, hipday: Hipday, op_id: str) -> None:
    """Back online: the outbox sends it once and the page then shows the server's own record."""
    page.evaluate("window.beforeSync = true")
    phone.set_offline(False)
    try:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    except PlaywrightError as error:  # Chromium's own `online` event already synced and reloaded
        assert "context was destroyed" in str(error), error
    wait_until(lambda: hipday.stored(op_id) == 1, "the server to store the session")
    expect(page.locator("#pending-sync")).to_be_hidden()
    try:
        # The page that sent it reloads by itself to show what the server now knows.
        page.wait_for_function("window.beforeSync === undefined", timeout=5000)
    except PlaywrightError:
        # Background Sync in the worker delivered it first: this page only hid its pending
        # list and still shows the phone's copy, so open it afresh.
        page.reload()


def expect_progress_from_the_server_with_it_once(page: Page, hipday: Hipday, op_id: str) -> None:
    expect(page.locator("#saved-copy-note")).to_be_hidden()
    expect(page.locator("#pending-sync")).to_be_hidden()
    expect(page.locator("#streak-number")).to_have_text("1")
    expect(page.locator("#streak-pending")).to_be_hidden()
    expect(page.locator("ol.history .history-name")).to_have_text([WARM_UP.name])
    page.wait_for_load_state()
    assert outbox(page) == []
    assert hipday.stored(op_id) == 1


def test_offline_today_plays_and_keeps_a_session_then_syncs_it_once_back_online(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("offline-day")
    start_clock(page)
    open_with_worker(page, hipday("/"))
    expect_the_day_saved_on_the_phone(page, hipday)

    phone.set_offline(True)
    expect_today_from_the_saved_copy(page)
    expect_the_offline_page_for_a_page_never_opened(page, hipday)
    play_the_warm_up_from_todays_quick_start(page, hipday)
    op_id = expect_kept_on_the_phone_at_once(page, hipday)
    expect_progress_to_count_it_waiting_to_sync(page, hipday)

    sync_once_back_online(page, phone, hipday, op_id)
    expect_progress_from_the_server_with_it_once(page, hipday, op_id)


def replay_through_the_outbox(page: Page, token: str) -> tuple[str, list[object]]:
    """Add and flush the same outbox entry three times; its op id and what each flush sent."""
    op_id = f"replay-{uuid.uuid4().hex}"
    entry = {
        "op_id": op_id,
        "url": "/sessions",
        "fields": finish_fields(page, op_id),
        "token": token,
        "name": DESK.name,
        "local_date": TEST_NOW.date().isoformat(),
        "minutes": 4,
    }
    sent: list[object] = page.evaluate(
        """async (entry) => {
          const sent = [];
          for (let i = 0; i < 3; i++) {
            await HipdayOutbox.add(entry);
            sent.push(await HipdayOutbox.flush());
          }
          return sent;
        }""",
        entry,
    )
    return op_id, sent


def post_three_times_in_a_row(page: Page, hipday: Hipday, token: str, key: str) -> list[int]:
    """Three POSTs straight to the server with one Idempotency-Key; their statuses."""
    form = {"csrf_token": token, **finish_fields(page, key)}
    return [
        page.request.post(
            hipday("/sessions"),
            form=form,
            headers={"Idempotency-Key": key, "HX-Request": "true"},
            max_redirects=0,
        ).status
        for _ in range(3)
    ]


def post_three_at_once(page: Page, token: str, key: str) -> list[int]:
    """Three racing fetches from the page with one Idempotency-Key; their statuses."""
    body = {**finish_fields(page, key)}
    statuses: list[int] = page.evaluate(
        """async ({key, body, token}) => Promise.all([1, 2, 3].map(() => fetch("/sessions", {
          method: "POST",
          headers: {"Idempotency-Key": key, "X-CSRFToken": token, "HX-Request": "true"},
          body: new URLSearchParams(body),
        }).then((response) => response.status)))""",
        {"key": key, "body": body, "token": token},
    )
    return statuses


def test_a_completion_replayed_three_times_is_stored_once(
    page: Page, hipday: Hipday, console: ConsoleWatch
) -> None:
    hipday.deploy("replays")
    page.goto(hipday(f"/play/{DESK.slug}"))
    token = csrf_token(page)

    op_id, sent = replay_through_the_outbox(page, token)
    assert len(sent) == 3
    # Background Sync may deliver an entry from the worker before the page's flush does.
    wait_until(lambda: outbox(page) == [], "an empty outbox")
    assert hipday.stored(op_id) == 1

    key = f"direct-{uuid.uuid4().hex}"
    assert post_three_times_in_a_row(page, hipday, token, key) == [201, 200, 200]
    assert hipday.stored(key) == 1

    key = f"racing-{uuid.uuid4().hex}"
    assert sorted(post_three_at_once(page, token, key)) == [200, 200, 201]
    assert hipday.stored(key) == 1

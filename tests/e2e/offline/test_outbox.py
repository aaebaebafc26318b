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


def test_offline_today_plays_and_keeps_a_session_then_syncs_it_once_back_online(
    page: Page, phone: BrowserContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    hipday.deploy("offline-day")
    start_clock(page)
    open_with_worker(page, hipday("/"))
    saved = saved_pages(page)
    for path in ("/", "/progress", "/offline", f"/play/{WARM_UP.slug}"):
        assert hipday(path) in saved, f"{path} is not saved on the phone: {saved}"
    assert hipday(never_visited_page()) not in saved

    phone.set_offline(True)

    # Today opens from the phone's copy and says so, with the time of that copy.
    page.reload()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    note = page.locator("#saved-copy-note")
    expect(note).to_be_visible()
    expect(note).to_have_text(
        re.compile(r"^No signal: this is the copy saved on your phone, as of .+\.$")
    )

    # A page never opened here gets the offline page.
    page.goto(hipday(never_visited_page()))
    expect(page.get_by_role("heading", name="No signal", level=1)).to_be_visible()
    expect(page.get_by_text("This page isn't saved on your phone yet.")).to_be_visible()

    # The pre-run warm-up starts from Today's quick start and runs to its end.
    page.goto(hipday("/"))
    page.locator(".quick-start", has_text=WARM_UP.name).tap()
    expect(page).to_have_url(hipday(f"/play/{WARM_UP.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(WARM_UP.steps[0].title)
    page.clock.run_for(WARM_UP.seconds_before(len(WARM_UP.steps)) * 1000 + 1000)
    expect(page.locator("#player-stage")).to_be_hidden()

    # It ended, so it is kept at once: no tap needed.
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    expect(page.locator("#done-status")).to_contain_text(
        "Saved on this phone. It will sync by itself"
    )
    kept = outbox(page)
    assert len(kept) == 1, kept
    op_id = kept[0]["op_id"]
    assert kept[0]["fields"]["steps_done"] == str(len(WARM_UP.steps))
    assert hipday.stored(op_id) == 0

    # Progress, from the phone's copy: the session waits to sync and the streak counts it.
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

    # Back online: the outbox sends it once and Progress shows the server's own record.
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
    expect(page.locator("#saved-copy-note")).to_be_hidden()
    expect(page.locator("#pending-sync")).to_be_hidden()
    expect(page.locator("#streak-number")).to_have_text("1")
    expect(page.locator("#streak-pending")).to_be_hidden()
    expect(page.locator("ol.history .history-name")).to_have_text([WARM_UP.name])
    page.wait_for_load_state()
    assert outbox(page) == []
    assert hipday.stored(op_id) == 1


def test_a_completion_replayed_three_times_is_stored_once(
    page: Page, hipday: Hipday, console: ConsoleWatch
) -> None:
    hipday.deploy("replays")
    page.goto(hipday(f"/play/{DESK.slug}"))
    token = csrf_token(page)

    # Through the outbox: the same entry added and flushed three times.
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
    sent = page.evaluate(
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
    assert len(sent) == 3
    # Background Sync may deliver an entry from the worker before the page's flush does.
    wait_until(lambda: outbox(page) == [], "an empty outbox")
    assert hipday.stored(op_id) == 1

    # Straight to the server: three POSTs with one Idempotency-Key.
    key = f"direct-{uuid.uuid4().hex}"
    form = {"csrf_token": token, **finish_fields(page, key)}
    statuses = [
        page.request.post(
            hipday("/sessions"),
            form=form,
            headers={"Idempotency-Key": key, "HX-Request": "true"},
            max_redirects=0,
        ).status
        for _ in range(3)
    ]
    assert statuses == [201, 200, 200]
    assert hipday.stored(key) == 1

    # And three at once.
    key = f"racing-{uuid.uuid4().hex}"
    body = {**finish_fields(page, key)}
    statuses = page.evaluate(
        """async ({key, body, token}) => Promise.all([1, 2, 3].map(() => fetch("/sessions", {
          method: "POST",
          headers: {"Idempotency-Key": key, "X-CSRFToken": token, "HX-Request": "true"},
          body: new URLSearchParams(body),
        }).then((response) => response.status)))""",
        {"key": key, "body": body, "token": token},
    )
    assert sorted(statuses) == [200, 200, 201]
    assert hipday.stored(key) == 1

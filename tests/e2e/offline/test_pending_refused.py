"""Sessions waiting on the phone that the server refuses, explained in the server's words.

A session finished with no signal on a phone whose clock runs 15 minutes fast is refused by the
server when it syncs; Today and Progress say why, it stops counting, and "Send it with the
server's time" stores it once, moved back by the clock's error and as long as it was.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_NOW
from tests.e2e.conftest import ConsoleWatch, NewContext, page_problems
from tests.e2e.offline.pending import (
    DESK,
    REFUSED_NOISE,
    keep_on_phone,
    look_at,
    progress_figures,
    streak_line,
)
from tests.e2e.offline.worker import OFFLINE_NOISE, Hipday, outbox
from webapp.store.models import Completion

CLOCK_AHEAD = timedelta(minutes=15)
FUTURE = "The session's end is in the future. Check your phone's clock."


def stored_times(hipday: Hipday, op_id: str) -> list[tuple[datetime, datetime]]:
    engine = hipday.app.extensions["hipday"].store.engine
    with Session(engine) as session:
        rows = session.exec(select(Completion).where(Completion.op_id == op_id)).all()
        return [
            (row.started_at.replace(tzinfo=UTC), row.ended_at.replace(tzinfo=UTC)) for row in rows
        ]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


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


def sync_from_a_fast_phone(new_context: NewContext, hipday: Hipday) -> tuple[Page, str]:
    """A Desk reset kept with no signal on a fast phone, sent when Hipday next opens there.

    No service worker: only the page sends the outbox, on the phone's (fast) clock.
    """
    context = new_context(service_workers="block", bypass_csp=True)  # bypass: axe runs inline
    context.clock.set_system_time(TEST_NOW + CLOCK_AHEAD)
    page = context.new_page()
    page.goto(hipday("/"))
    op_id = keep_on_phone(page, TEST_NOW + CLOCK_AHEAD, minutes=4)
    with page.expect_response("**/sessions"):
        page.reload()
    return page, op_id


def expect_today_to_explain_the_refusal(page: Page, hipday: Hipday, op_id: str) -> None:
    """Today sent it at once; the server refused it, Today says so in its words, and it no
    longer counts on the phone."""
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
    assert streak_line(page) == "A session today starts a streak. Progress"
    expect(page.locator("#streak-pending")).to_be_hidden()
    assert hipday.stored(op_id) == 0
    look_at(page, "today-refused")
    assert not page_problems(page, "Today with a refused session")


def expect_progress_to_say_the_same_and_count_nothing(page: Page) -> Locator:
    """Progress says why it was refused and counts nothing; the refused item."""
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
    return refused


def send_with_the_servers_time(page: Page, refused: Locator, hipday: Hipday, op_id: str) -> None:
    """Stored once, as long as it was, moved back by the clock's error measured when the
    server refused it."""
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


def test_a_session_refused_for_a_fast_clock_is_explained_and_counted_once_with_the_servers_time(
    new_context: NewContext, hipday: Hipday, console: ConsoleWatch
) -> None:
    for noise in REFUSED_NOISE:
        console.allow(noise)
    page, op_id = sync_from_a_fast_phone(new_context, hipday)
    expect_today_to_explain_the_refusal(page, hipday, op_id)
    refused = expect_progress_to_say_the_same_and_count_nothing(page)

    send_with_the_servers_time(page, refused, hipday, op_id)
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

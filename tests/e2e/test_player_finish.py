"""A session counts when it ends: saved at once (or kept on the phone), then the finish screen.

Each test is a fresh guest on a 390×844 phone; the server's store says what it keeps. Time is
the fake clock's (`start_clock`), so a whole routine runs in a moment.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from tests.conftest import wait_until
from tests.e2e.conftest import (
    ConsoleWatch,
    LiveServer,
    NewContext,
    Timeline,
    page_problems,
    start_clock,
    timeline,
)
from webapp.store.models import Completion

DESK = timeline("desk-reset")
WARM_UP = timeline("pre-run-warm-up")
#: What Chromium logs when a request finds no network.
OFFLINE_NOISE = (r"net::ERR_INTERNET_DISCONNECTED", r"net::ERR_FAILED", r"Failed to fetch")
EFFORT_MESSAGE = "Effort is a number from 1 (very easy) to 10 (all-out)."


def stored(live_server: LiveServer, op_id: str) -> list[Completion]:
    """The sessions the server keeps under `op_id`."""
    assert live_server.app is not None
    with Session(live_server.app.extensions["hipday"].store.engine) as session:
        return list(session.exec(select(Completion).where(Completion.op_id == op_id)))


def run_key(page: Page, routine: Timeline) -> str:
    """The Idempotency-Key of the run under way, as the player keeps it on the phone."""
    key: str = page.evaluate(
        f"JSON.parse(localStorage.getItem('hipday:player:{routine.slug}')).opId"
    )
    return key


def start(page: Page, live_server: LiveServer, routine: Timeline) -> str:
    """Open the routine's player, tap Start; returns the run's key."""
    page.goto(live_server(f"/play/{routine.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(routine.steps[0].title)
    return run_key(page, routine)


def run_to_the_end(page: Page, routine: Timeline) -> None:
    page.clock.run_for(routine.seconds_before(len(routine.steps)) * 1000 + 1000)


def expect_saved(page: Page, routine: Timeline, done: int) -> None:
    total = len(routine.steps)
    expect(page.locator("#done-status")).to_have_text(
        re.compile(rf"^Saved: {re.escape(routine.name)} · \d+ min · {done} of {total} steps\.$")
    )


def feedback(page: Page) -> None:
    """Effort 6, pain 7 and a note on the finish screen, then Save feedback."""
    screen = page.locator("#finish-screen")
    screen.get_by_role("group", name=re.compile("^Effort")).get_by_role(
        "radio", name="6", exact=True
    ).check()
    screen.get_by_role("group", name=re.compile("^Pain")).get_by_role(
        "radio", name="7", exact=True
    ).check()
    screen.get_by_label("Note").fill("Right hip pinched")
    screen.get_by_role("button", name="Save feedback").tap()


# --- saved at once ------------------------------------------------------------------------------


def test_a_session_run_to_its_end_without_a_touch_is_on_today_and_progress(
    page: Page, live_server: LiveServer
) -> None:
    start_clock(page)
    page.goto(live_server("/"))
    page.locator(".quick-start", has_text=DESK.name).tap()
    page.get_by_role("button", name="Start", exact=True).tap()
    op_id = run_key(page, DESK)

    run_to_the_end(page, DESK)  # and nothing else: the phone stays in the pocket
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()
    expect_saved(page, DESK, len(DESK.steps))
    expect(page.locator("#done-streak")).to_have_text("1-day streak, today included.")
    expect(page.locator("#done-next")).to_contain_text("Plan my weeks")
    [kept] = stored(live_server, op_id)
    assert (kept.routine_slug, kept.steps_done, kept.steps_total) == (
        DESK.slug,
        len(DESK.steps),
        len(DESK.steps),
    )
    assert (kept.effort, kept.pain, kept.note) == (None, None, "")

    page.get_by_role("link", name="Back to Today").tap()
    done = page.locator(".quick-start", has_text=DESK.name).get_by_text("Done today")
    expect(done).to_be_visible()
    expect(page.locator("#streak-number")).to_have_text("1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").tap()
    expect(page.locator(".stat.big dd")).to_have_text("1 day")
    expect(page.locator("#sessions-number")).to_have_text("1")
    expect(page.locator(".history li")).to_have_count(1)
    expect(page.locator(".history li")).to_contain_text(DESK.name)
    assert len(stored(live_server, op_id)) == 1


def test_ending_early_saves_at_once_with_the_steps_done(
    page: Page, live_server: LiveServer
) -> None:
    start_clock(page)
    op_id = start(page, live_server, DESK)
    page.clock.run_for((DESK.seconds_before(3) + 2) * 1000)
    expect(page.locator("#step-title")).to_have_text(DESK.steps[3].title)

    page.get_by_role("button", name="End early").tap()
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()
    expect(page.locator("#player-stage")).to_be_hidden()
    expect_saved(page, DESK, 3)
    [kept] = stored(live_server, op_id)
    assert (kept.steps_done, kept.steps_total) == (3, len(DESK.steps))
    assert not page.evaluate("window.hipdayPlayer.active()")


def expect_kept_on_the_phone_counting_today(
    page: Page, op_id: str, live_server: LiveServer
) -> None:
    """The finish screen says it is kept on the phone and counts today; the server has none."""
    status = page.locator("#done-status")
    expect(status).to_have_text(
        "Saved on this phone. It will sync by itself when you're back online, "
        "and it counts on Wednesday 4 March."
    )
    expect(page.locator("#done-streak")).to_have_text("1-day streak, today included.")
    expect(page.locator("#request-failed-note")).to_be_hidden()
    [waiting] = page.evaluate("HipdayOutbox.all()")
    assert waiting["op_id"] == op_id
    assert waiting["fields"]["steps_done"] == str(len(WARM_UP.steps))
    assert stored(live_server, op_id) == []


def expect_stored_with_its_feedback(live_server: LiveServer, op_id: str) -> None:
    [kept] = stored(live_server, op_id)
    assert (kept.steps_done, kept.effort, kept.pain, kept.note) == (
        len(WARM_UP.steps),
        6,
        7,
        "Right hip pinched",
    )


def test_a_session_ended_with_no_signal_is_kept_on_the_phone_and_counts_once_back_online(
    new_context: NewContext, live_server: LiveServer, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    # No service worker: the page alone sends what the phone keeps, so the test knows when.
    context: BrowserContext = new_context(service_workers="block")
    page = context.new_page()
    start_clock(page)
    op_id = start(page, live_server, WARM_UP)
    context.set_offline(True)

    run_to_the_end(page, WARM_UP)
    expect_kept_on_the_phone_counting_today(page, op_id, live_server)

    # Feedback given while it waits goes with it.
    feedback(page)
    expect(page.locator("#done-feedback-status")).to_have_text(
        "Kept with your session on this phone: it syncs with it."
    )
    [waiting] = page.evaluate("HipdayOutbox.all()")
    assert (waiting["fields"]["effort"], waiting["fields"]["pain"]) == ("6", "7")

    context.set_offline(False)
    page.goto(live_server("/"))
    # Today sends it by itself once back online; then the day reads as done.
    wait_until(lambda: stored(live_server, op_id), "the waiting session to reach the server")
    expect(page.locator("#pending-sync")).to_be_hidden()
    page.reload()
    expect(
        page.locator(".quick-start", has_text=WARM_UP.name).get_by_text("Done today")
    ).to_be_visible()
    expect(page.locator("#pending-sync")).to_be_hidden()
    expect_stored_with_its_feedback(live_server, op_id)
    assert page.evaluate("HipdayOutbox.all()") == []
    page.reload()
    expect(page.locator("#streak-number")).to_have_text("1")
    assert len(stored(live_server, op_id)) == 1


# --- the finish screen --------------------------------------------------------------------------


def test_the_finish_screens_feedback_is_saved_and_can_be_changed_on_the_sessions_page(
    page: Page, live_server: LiveServer
) -> None:
    start_clock(page)
    op_id = start(page, live_server, DESK)
    page.clock.run_for(8000)
    page.get_by_role("button", name="End early").tap()
    expect_saved(page, DESK, 1)

    feedback(page)
    expect(page.locator("#done-feedback-status")).to_have_text("Feedback saved.")
    [kept] = stored(live_server, op_id)
    assert (kept.effort, kept.pain, kept.note) == (6, 7, "Right hip pinched")

    page.get_by_role("link", name="Open this session").tap()
    expect(page).to_have_url(live_server(f"/sessions/{kept.public_id}"))
    pain = page.get_by_role("group", name=re.compile("^Pain"))
    expect(pain.get_by_role("radio", name="7", exact=True)).to_be_checked()
    pain.get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Save feedback").tap()
    expect(page.get_by_text("Feedback saved.")).to_be_visible()
    [kept] = stored(live_server, op_id)
    assert (kept.effort, kept.pain) == (6, 2)


def test_feedback_the_server_refuses_says_why_and_changes_nothing(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 422")
    start_clock(page)
    op_id = start(page, live_server, DESK)
    page.clock.run_for(3000)
    page.get_by_role("button", name="End early").tap()
    expect_saved(page, DESK, 0)

    # Only a changed page can send 11 from a row that stops at 10.
    page.locator("#finish-screen input[name=effort][value='10']").evaluate(
        "(radio) => { radio.value = '11'; radio.checked = true; }"
    )
    page.locator("#finish-screen").get_by_role("button", name="Save feedback").tap()
    status = page.locator("#done-feedback-status")
    expect(status).to_have_text(EFFORT_MESSAGE)
    [kept] = stored(live_server, op_id)
    assert kept.effort is None


def test_reopening_a_routine_whose_run_finished_starts_fresh(
    page: Page, live_server: LiveServer
) -> None:
    start_clock(page)
    start(page, live_server, DESK)
    page.clock.run_for(8000)
    page.get_by_role("button", name="End early").tap()
    expect_saved(page, DESK, 1)

    page.goto(live_server(f"/play/{DESK.slug}"))
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    expect(page.locator("#resume-note")).to_be_hidden()
    expect(page.get_by_role("heading", name="How did it go?")).to_be_hidden()
    expect(page.locator("#finish-screen")).to_be_hidden()

    # A run that ended while the page closed before saving it is saved now, and starts fresh too.
    unsaved = page.evaluate(
        """(slug) => {
            const started = new Date(Date.now() - 120000).toISOString();
            const run = { opId: crypto.randomUUID(), startedAt: started, index: 2, endsAt: null,
                remainingMs: null, paused: false, reps: 0, stepsDone: 2, finished: true,
                endedAt: new Date(Date.now() - 60000).toISOString() };
            localStorage.setItem(`hipday:player:${slug}`, JSON.stringify(run));
            return run.opId;
        }""",
        DESK.slug,
    )
    page.reload()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    expect(page.locator("#resume-note")).to_be_hidden()
    page.wait_for_function(f"localStorage.getItem('hipday:player:{DESK.slug}') === null")
    [kept] = stored(live_server, unsaved)
    assert kept.steps_done == 2


def test_today_offers_resume_for_a_run_left_in_the_middle_under_six_hours_old(
    page: Page, live_server: LiveServer
) -> None:
    start_clock(page)
    start(page, live_server, DESK)
    page.clock.run_for((DESK.seconds_before(3) + 2) * 1000)

    page.goto(live_server("/"))
    card = page.locator(".quick-start", has_text=DESK.name)
    expect(card.get_by_text("Resume", exact=True)).to_be_visible()
    other = page.locator(".quick-start", has_text=WARM_UP.name)
    expect(other.get_by_text("Resume", exact=True)).to_have_count(0)

    card.tap()
    expect(page.locator("#resume-note")).to_contain_text(f"step 4 of {len(DESK.steps)}")
    page.get_by_role("button", name="Resume", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(DESK.steps[3].title)

    # Six hours after it started it can't be resumed (the server takes no longer session).
    page.goto(live_server("/"))
    expect(page.get_by_text("Resume", exact=True)).to_have_count(1)
    page.clock.run_for(int(timedelta(hours=6).total_seconds() * 1000))
    page.reload()
    expect(page.locator(".quick-start", has_text=DESK.name)).to_be_visible()
    expect(page.get_by_text("Resume", exact=True)).to_have_count(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_finish_screen_is_clean_for_axe_and_every_tap_target_is_44_px(
    new_context: NewContext, live_server: LiveServer, color_scheme: str
) -> None:
    # The clock runs (axe waits on timers): Skip moves on instead.
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    start(page, live_server, WARM_UP)
    page.locator("#btn-skip").tap()
    expect(page.locator("#step-title")).to_have_text(WARM_UP.steps[1].title)
    problems = page_problems(page, "player running")
    page.get_by_role("button", name="Menu and sound").tap()
    problems += page_problems(page, "player running, menu and sound shown")
    page.get_by_role("button", name="End early").tap()
    expect_saved(page, WARM_UP, 1)
    page.wait_for_timeout(600)  # the tick's animation settles before axe reads colours
    problems += page_problems(page, "finish screen")
    assert not problems, "\n".join(problems)

    small = page.evaluate(
        """() => [...document.querySelectorAll(
            '#finish-screen a, #finish-screen button, #finish-screen input, #finish-screen textarea')]
            .flatMap((el) => [...el.getClientRects()].map((box) => ({ name: el.outerHTML.slice(0, 80), box })))
            .filter(({ box }) => box.width < 44 || box.height < 44)
            .map(({ name, box }) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`)"""
    )
    assert small == [], small

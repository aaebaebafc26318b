"""The guided player on a phone: starting, per-side holds, pause, reload, finishing, feedback.

Time is the fake clock's: `start_clock` installs it paused, and `page.clock.run_for` moves it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import (
    ConsoleWatch,
    LiveServer,
    Timeline,
    clock_text,
    start_clock,
    timeline,
)

EFFORT_MESSAGE = "Effort is a number from 1 (very easy) to 10 (all-out)."


def quick_start(page: Page, name: str) -> None:
    page.locator(".quick-start", has_text=name).tap()


def start_from_today(page: Page, live_server: LiveServer, routine: Timeline) -> None:
    """Tap 1: the routine's quick-start link on Today; tap 2: Start."""
    page.goto(live_server("/"))
    quick_start(page, routine.name)
    expect(page).to_have_url(live_server(f"/play/{routine.slug}"))
    start = page.get_by_role("button", name="Start", exact=True)
    start.tap()
    expect(page.locator("#player-stage")).to_be_visible()
    expect(page.locator("#step-title")).to_have_text(routine.steps[0].title)


def expect_step(page: Page, routine: Timeline, index: int) -> None:
    expect(page.locator("#step-title")).to_have_text(routine.steps[index].title)
    expect(page.locator("#step-label")).to_have_text(routine.steps[index].label)


def run_into_step(page: Page, routine: Timeline, index: int, seconds_in: int = 1) -> None:
    """From a fresh Start, run the clock to `seconds_in` seconds into step `index`."""
    page.clock.run_for((routine.seconds_before(index) + seconds_in) * 1000)
    expect_step(page, routine, index)
    expect(page.locator("#timer")).to_have_text(
        clock_text(routine.steps[index].seconds - seconds_in)
    )


def skip_to_the_finish(page: Page, routine: Timeline) -> None:
    form = page.locator("#finish-form")
    for _ in range(len(routine.steps) + 1):
        if form.is_visible():
            break
        page.locator("#btn-skip").tap()
    expect(form).to_be_visible()
    expect(page.get_by_role("heading", name="How did it go?")).to_be_focused()


def quick_start_badge(page: Page, name: str) -> Locator:
    return page.locator(".quick-start", has_text=name).get_by_text("Done today")


def test_pre_run_warm_up_starts_in_two_taps_from_today(page: Page, live_server: LiveServer) -> None:
    routine = timeline("pre-run-warm-up")
    start_clock(page)
    start_from_today(page, live_server, routine)

    timer = page.locator("#timer")
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds))
    page.clock.run_for(2000)
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds - 2))
    expect(page.get_by_role("button", name="Pause")).to_have_attribute("aria-pressed", "false")


def test_pre_run_warm_up_switches_sides_pauses_survives_a_reload_and_counts_as_done_today(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    right = routine.first_per_side_hold()
    assert routine.steps[right].label == "Hold 1 of 1 · right side"
    hold = routine.steps[right].seconds
    timer = page.locator("#timer")
    pause = page.locator("#btn-pause")

    start_clock(page)
    start_from_today(page, live_server, routine)

    # The right-side hold counts down.
    run_into_step(page, routine, right, seconds_in=1)
    page.clock.run_for(3000)
    expect(timer).to_have_text(clock_text(hold - 4))

    # Pause holds the clock still; Resume moves it again.
    pause.tap()
    expect(pause).to_have_text("Resume")
    expect(pause).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(5000)
    expect(timer).to_have_text(clock_text(hold - 4))
    expect_step(page, routine, right)
    pause.tap()
    expect(pause).to_have_text("Pause")
    expect(pause).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(2000)
    expect(timer).to_have_text(clock_text(hold - 6))

    # A reload mid-hold offers to resume at the same step and second.
    page.reload()
    expect(page.locator("#resume-note")).to_be_visible()
    expect(page.locator("#resume-note")).to_contain_text(routine.steps[right].title)
    page.get_by_role("button", name="Resume", exact=True).tap()
    expect_step(page, routine, right)
    expect(timer).to_have_text(clock_text(hold - 6))

    # Then the side switch, then the left side.
    page.clock.run_for((hold - 6) * 1000 + 1000)
    expect_step(page, routine, right + 1)
    expect(page.locator("#step-title")).to_have_text("Switch sides")
    expect(page.locator("#step-label")).to_have_text("Switch to the left side")
    page.clock.run_for(routine.steps[right + 1].seconds * 1000)
    expect_step(page, routine, right + 2)
    expect(page.locator("#step-label")).to_have_text("Hold 1 of 1 · left side")
    expect(timer).to_have_text(clock_text(routine.steps[right + 2].seconds - 1))

    # Finish, give feedback, save.
    skip_to_the_finish(page, routine)
    page.get_by_label("Effort").fill("5")
    page.get_by_label("Pain").fill("1")
    page.get_by_role("button", name="Save session").tap()
    expect(page.get_by_role("heading", name=f"Saved: {routine.name}")).to_be_visible()
    expect(page.locator("#finish-card")).to_contain_text("5/10")
    expect(page.locator("#finish-card")).to_contain_text("1/10")

    page.get_by_role("link", name="Back to Today").tap()
    expect(page).to_have_url(live_server("/"))
    expect(quick_start_badge(page, routine.name)).to_be_visible()
    expect(quick_start_badge(page, "Desk reset")).to_have_count(0)


def test_desk_reset_starts_in_two_taps_switches_sides_and_counts_as_done_today(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    right = routine.first_per_side_hold()
    assert routine.steps[right].label == "Hold 1 of 1 · right side"

    start_clock(page)
    start_from_today(page, live_server, routine)

    run_into_step(page, routine, right, seconds_in=2)
    page.clock.run_for((routine.steps[right].seconds - 2) * 1000 + 1000)
    expect(page.locator("#step-title")).to_have_text("Switch sides")
    expect(page.locator("#step-label")).to_have_text("Switch to the left side")
    page.clock.run_for(routine.steps[right + 1].seconds * 1000)
    expect(page.locator("#step-label")).to_have_text("Hold 1 of 1 · left side")

    # Let the clock carry the session to its end.
    page.clock.run_for(routine.seconds_before(len(routine.steps)) * 1000)
    expect(page.locator("#finish-form")).to_be_visible()
    expect(page.locator("#player-stage")).to_be_hidden()
    page.get_by_role("button", name="Save session").tap()
    expect(page.get_by_role("heading", name=f"Saved: {routine.name}")).to_be_visible()
    steps = len(routine.steps)
    expect(page.locator(".facts div", has_text="Steps").locator("dd")).to_have_text(
        f"{steps} of {steps}"
    )

    page.get_by_role("link", name="Back to Today").tap()
    expect(quick_start_badge(page, routine.name)).to_be_visible()
    expect(quick_start_badge(page, "Pre-run warm-up")).to_have_count(0)


def test_ending_early_saves_a_session_with_fewer_steps_done(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    start_clock(page)
    start_from_today(page, live_server, routine)
    run_into_step(page, routine, 3, seconds_in=2)

    page.get_by_role("button", name="End early").tap()
    expect(page.get_by_role("heading", name="How did it go?")).to_be_focused()
    expect(page.locator("#player-stage")).to_be_hidden()
    page.get_by_role("button", name="Save session").tap()

    expect(page.get_by_role("heading", name=f"Saved: {routine.name}")).to_be_visible()
    steps = page.locator(".facts div", has_text="Steps").locator("dd")
    expect(steps).to_have_text(re.compile(rf"^\d+ of {len(routine.steps)}$"))
    done = int(steps.inner_text().split(" of ")[0])
    assert done < len(routine.steps), f"ended at step 4 yet the summary says {done} steps done"
    assert done == 3, f"three steps were over when ending early, the summary says {done}"


def test_effort_out_of_range_shows_the_message_keeps_the_note_and_saves_nothing(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    # The form answers 422 with its messages; Chromium logs that response as a failed load.
    console.allow(r"status of 422")
    routine = timeline("desk-reset")
    start_clock(page)
    start_from_today(page, live_server, routine)
    page.clock.run_for(3000)
    page.get_by_role("button", name="End early").tap()

    effort = page.get_by_label("Effort")
    note = page.get_by_label("Note")
    effort.fill("11")
    note.fill("Left hip felt tight")
    page.get_by_role("button", name="Save session").tap()

    expect(page.get_by_role("alert")).to_contain_text(EFFORT_MESSAGE)
    expect(page.locator("#effort-error")).to_have_text(EFFORT_MESSAGE)
    expect(effort).to_have_attribute("aria-invalid", "true")
    expect(effort).to_be_focused()
    expect(note).to_have_value("Left hip felt tight")
    expect(page.get_by_role("heading", name=re.compile("^Saved:"))).to_have_count(0)

    today = page.context.new_page()
    today.goto(live_server("/"))
    expect(today.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(today.get_by_text("Done today")).to_have_count(0)
    today.close()

    # Correcting the number saves it, with the note.
    effort.fill("5")
    page.get_by_role("button", name="Save session").tap()
    expect(page.get_by_role("heading", name=f"Saved: {routine.name}")).to_be_visible()
    expect(page.locator("#finish-card")).to_contain_text("Left hip felt tight")


def test_the_player_starts_and_pauses_from_the_keyboard(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    start_clock(page)
    page.goto(live_server(f"/play/{routine.slug}"))
    start = page.get_by_role("button", name="Start", exact=True)
    for _ in range(10):
        if start.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(start).to_be_focused()

    page.keyboard.press("Enter")
    expect_step(page, routine, 0)
    timer = page.locator("#timer")
    pause = page.locator("#btn-pause")
    page.clock.run_for(1000)
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds - 1))

    # Space on the focused Pause button pauses once (not twice).
    page.keyboard.press("Space")
    expect(pause).to_have_text("Resume")
    expect(pause).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(3000)
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds - 1))

    # Space with nothing focused toggles too.
    page.locator("#step-title").click()
    page.keyboard.press("Space")
    expect(pause).to_have_text("Pause")
    page.clock.run_for(1000)
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds - 2))

    # In a field, Space belongs to the field.
    voice = page.get_by_label("Voice")
    was_checked = voice.is_checked()
    voice.focus()
    page.keyboard.press("Space")
    expect(voice).to_be_checked(checked=not was_checked)
    expect(pause).to_have_text("Pause")
    page.clock.run_for(1000)
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds - 3))

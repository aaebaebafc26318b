"""The guided player on a phone: starting, per-side holds, pause, reload, the screen while it runs.

Time is the fake clock's: `start_clock` installs it paused, and `page.clock.run_for` moves it.
The end of a session (saved at once, the finish screen, feedback) is in test_player_finish.py,
the voice in test_player_voice.py.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import (
    LiveServer,
    Timeline,
    clock_text,
    start_clock,
    timeline,
)


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
    screen = page.locator("#finish-screen")
    for _ in range(len(routine.steps) + 1):
        if screen.is_visible():
            break
        page.locator("#btn-skip").tap()
    expect(screen).to_be_visible()
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()


def expect_saved(page: Page, routine: Timeline, steps_done: int | None = None) -> None:
    """The finish screen says the session is saved on the server, with its steps done."""
    done = len(routine.steps) if steps_done is None else steps_done
    expect(page.locator("#done-status")).to_have_text(
        re.compile(
            rf"^Saved: {re.escape(routine.name)} · \d+ min · {done} of {len(routine.steps)} steps\.$"
        )
    )


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


def pause_and_resume(page: Page, routine: Timeline, step: int) -> None:
    """Pause holds the clock still, 4 s into the hold; Resume moves it again."""
    hold = routine.steps[step].seconds
    timer = page.locator("#timer")
    pause = page.locator("#btn-pause")
    pause.tap()
    expect(pause).to_have_text("Resume")
    expect(pause).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(5000)
    expect(timer).to_have_text(clock_text(hold - 4))
    expect_step(page, routine, step)
    pause.tap()
    expect(pause).to_have_text("Pause")
    expect(pause).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(2000)
    expect(timer).to_have_text(clock_text(hold - 6))


def expect_the_side_switch_then_the_left_side(page: Page, routine: Timeline, right: int) -> None:
    """The right-side hold, 6 s in, runs out into the side switch, then the left side."""
    hold = routine.steps[right].seconds
    timer = page.locator("#timer")
    page.clock.run_for((hold - 6) * 1000 + 1000)
    expect_step(page, routine, right + 1)
    expect(page.locator("#step-title")).to_have_text("Switch sides")
    expect(page.locator("#step-label")).to_have_text("Switch to the left side")
    page.clock.run_for(routine.steps[right + 1].seconds * 1000)
    expect_step(page, routine, right + 2)
    expect(page.locator("#step-label")).to_have_text("Hold 1 of 1 · left side")
    expect(timer).to_have_text(clock_text(routine.steps[right + 2].seconds - 1))


def test_pre_run_warm_up_switches_sides_pauses_survives_a_reload_and_counts_as_done_today(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    right = routine.first_per_side_hold()
    assert routine.steps[right].label == "Hold 1 of 1 · right side"
    hold = routine.steps[right].seconds
    timer = page.locator("#timer")

    start_clock(page)
    start_from_today(page, live_server, routine)

    # The right-side hold counts down.
    run_into_step(page, routine, right, seconds_in=1)
    page.clock.run_for(3000)
    expect(timer).to_have_text(clock_text(hold - 4))

    pause_and_resume(page, routine, right)

    # A reload mid-hold offers to resume at the same step and second.
    page.reload()
    expect(page.locator("#resume-note")).to_be_visible()
    expect(page.locator("#resume-note")).to_contain_text(routine.steps[right].title)
    page.get_by_role("button", name="Resume", exact=True).tap()
    expect_step(page, routine, right)
    expect(timer).to_have_text(clock_text(hold - 6))

    expect_the_side_switch_then_the_left_side(page, routine, right)

    # Skipped to the end: saved at once.
    skip_to_the_finish(page, routine)
    expect_saved(page, routine)

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
    expect(page.locator("#finish-screen")).to_be_visible()
    expect(page.locator("#player-stage")).to_be_hidden()
    expect_saved(page, routine)

    page.get_by_role("link", name="Back to Today").tap()
    expect(quick_start_badge(page, routine.name)).to_be_visible()
    expect(quick_start_badge(page, "Pre-run warm-up")).to_have_count(0)


def tab_to(page: Page, control: Locator) -> None:
    """Press Tab until `control` has the focus."""
    for _ in range(20):
        if control.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(control).to_be_focused()


def expect_space_in_a_field_to_belong_to_it(page: Page, routine: Timeline) -> None:
    """In a field, Space ticks the field and leaves the running player (3 s in) alone."""
    timer = page.locator("#timer")
    pause = page.locator("#btn-pause")
    page.get_by_role("button", name="Menu and sound").click()
    voice = page.get_by_label("Voice")
    was_checked = voice.is_checked()
    voice.focus()
    page.keyboard.press("Space")
    expect(voice).to_be_checked(checked=not was_checked)
    expect(pause).to_have_text("Pause")
    page.clock.run_for(1000)
    expect(timer).to_have_text(clock_text(routine.steps[0].seconds - 3))


def test_the_player_starts_and_pauses_from_the_keyboard(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    start_clock(page)
    page.goto(live_server(f"/play/{routine.slug}"))
    start = page.get_by_role("button", name="Start", exact=True)
    tab_to(page, start)

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

    expect_space_in_a_field_to_belong_to_it(page, routine)


# --- the screen while a session runs ------------------------------------------------------------


def on_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844


def test_while_it_runs_the_menu_and_cue_switches_step_aside_and_one_tap_brings_them_back(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    start_clock(page)
    page.goto(live_server(f"/play/{routine.slug}"))
    menu = page.get_by_role("navigation", name="Main")
    voice = page.get_by_label("Voice")
    expect(menu).to_be_visible()
    expect(voice).to_be_visible()

    page.get_by_role("button", name="Start", exact=True).tap()
    expect(menu).to_be_hidden()
    expect(voice).to_be_hidden()
    back = page.get_by_role("button", name="Menu and sound")
    expect(back).to_have_attribute("aria-expanded", "false")

    back.tap()
    expect(menu).to_be_visible()
    expect(voice).to_be_visible()
    expect(back).to_have_attribute("aria-expanded", "true")
    page.clock.run_for(2000)
    expect(page.locator("#timer")).to_have_text(clock_text(routine.steps[0].seconds - 2))
    back.tap()
    expect(menu).to_be_hidden()

    # Every part of the running session fits the screen without scrolling, step after step.
    for index in range(1, 12):
        page.clock.run_for(routine.steps[index - 1].seconds * 1000)
        expect_step(page, routine, index)
        for part in ("#step-title", "#step-label", "#player-figure", "#timer", "#btn-back",
                     "#btn-pause", "#btn-skip", "#btn-end"):  # fmt: skip
            assert on_screen(page, part), (index, part)
    assert page.evaluate("document.documentElement.scrollHeight") > 844  # the step list below


def test_next_never_repeats_the_line_above_it(page: Page, live_server: LiveServer) -> None:
    routine = timeline("desk-reset")
    start_clock(page)
    page.goto(live_server(f"/play/{routine.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    label, upcoming = page.locator("#step-label"), page.locator("#step-next")
    for index, step in enumerate(routine.steps[:-1]):
        expect_step(page, routine, index)
        if step.kind.value in ("get-ready", "rest"):
            # Their label already says what comes next ("Next: Standing hip circles · …").
            assert step.label.startswith("Next: ")
            expect(upcoming).to_have_text("")
        else:
            expect(upcoming).to_have_text(re.compile(r"^Next: "))
            assert label.inner_text() not in upcoming.inner_text()
        page.locator("#btn-skip").tap()
    expect(upcoming).to_have_text("Last one!")


def test_reps_the_app_counts_are_words_not_a_button_and_reps_you_count_are_a_button(
    page: Page, live_server: LiveServer
) -> None:
    counted = timeline("pre-run-warm-up")  # leg swings: one rep per beep
    start_clock(page)
    page.goto(live_server(f"/play/{counted.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    run_into_step(page, counted, 1, seconds_in=7)
    auto = page.locator("#rep-auto")
    expect(auto).to_be_visible()
    expect(auto).to_contain_text("Counting for you: one rep per beep")
    expect(auto).to_contain_text(f"3 / {counted.steps[1].reps}")
    expect(page.locator("#rep-counter")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("rep", re.I))).to_have_count(0)
    assert auto.evaluate("(el) => getComputedStyle(el).borderStyle") == "none"
    assert auto.evaluate("(el) => getComputedStyle(el).cursor") != "pointer"

    tapped = timeline("hip-er-strength")  # sets you count yourself
    index = next(i for i, s in enumerate(tapped.steps) if not s.auto_advance)
    page.goto(live_server(f"/play/{tapped.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    for _ in range(index):
        page.locator("#btn-skip").tap()
    expect_step(page, tapped, index)
    counter = page.get_by_role("button", name=re.compile("Tap for each rep"))
    expect(counter).to_be_visible()
    expect(counter).to_be_enabled()
    counter.tap()
    expect(page.locator("#rep-count")).to_have_text("1")
    expect(page.locator("#rep-auto")).to_be_hidden()


def test_the_start_screen_shows_the_safety_note_in_one_line_with_a_link_to_all_of_it(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/play/pre-run-warm-up"))
    line = page.locator(".safety-line")
    expect(line).to_have_text("Stop on sharp or spreading pain. Safety note")
    one_line = line.evaluate(
        "(p) => { const r = document.createRange(); r.selectNodeContents(p);"
        " return r.getClientRects().length === 1 || new Set([...r.getClientRects()].map((c) => c.top)).size === 1; }"
    )
    assert one_line, "the safety note wraps"
    link = line.get_by_role("link", name="Safety note")
    link_box, line_box = link.bounding_box(), line.bounding_box()
    assert (
        link_box
        and line_box
        and link_box["x"] + link_box["width"] <= line_box["x"] + line_box["width"]
    )
    link.tap()
    expect(page).to_have_url(live_server("/routines/pre-run-warm-up#safety"))
    expect(page.locator("#safety")).to_be_visible()
    expect(page.locator("#safety")).to_contain_text("see a clinician")

"""The figures in the browser: the player's figure flips to the left side at the very moment of
the switch, pauses with the player, and shows the next move's starting pose while getting ready;
reduced motion stills every figure; the player's layout does not shift; axe finds nothing.

Time is the fake clock's (`start_clock`); the figures' own animation runs on the browser's
animation timeline, which the player sets from its (fake) clock at every step.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    LiveServer,
    NewContext,
    Timeline,
    page_problems,
    start_clock,
    timeline,
)

SHOWN = "#player-figure .fig:not([hidden])"


def shown_figure(page: Page) -> dict[str, Any]:
    """The player's figure on screen: which move, which side, how flipped, how it moves."""
    result: dict[str, Any] = page.locator(SHOWN).evaluate(
        """(svg) => ({
            exercise: svg.dataset.exercise,
            side: svg.dataset.side,
            flip: getComputedStyle(svg.querySelector('.fm')).transform,
            label: svg.getAttribute('aria-label'),
            states: svg.getAnimations().map((a) => a.playState),
            times: svg.getAnimations().map((a) => a.currentTime),
            start: svg.classList.contains('fig-start'),
        })"""
    )
    return result


def start(page: Page, live_server: LiveServer, routine: Timeline) -> None:
    start_clock(page)
    page.goto(live_server(f"/play/{routine.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(routine.steps[0].title)


def test_the_players_figure_flips_to_the_left_side_at_the_moment_of_the_switch(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    right = routine.first_per_side_hold()
    slug = routine.steps[right].exercise
    start(page, live_server, routine)

    page.clock.run_for(
        routine.seconds_before(right + 1) * 1000 - 200
    )  # the right side's last moment
    expect(page.locator("#step-label")).to_have_text("Hold 1 of 1 · right side")
    before = shown_figure(page)
    assert (before["exercise"], before["side"], before["flip"]) == (slug, "right", "none")

    page.clock.run_for(400)  # the switch-sides step (and its cue) begins
    expect(page.locator("#step-title")).to_have_text("Switch sides")
    after = shown_figure(page)
    assert (after["exercise"], after["side"]) == (slug, "left")
    assert after["flip"].startswith("matrix(-1, 0, 0, 1")
    assert after["start"], "while switching, the figure waits in its starting pose"

    page.clock.run_for(routine.steps[right + 1].seconds * 1000)
    expect(page.locator("#step-label")).to_have_text("Hold 1 of 1 · left side")
    assert shown_figure(page)["side"] == "left"


def test_the_left_side_figure_says_the_move_for_the_left_side(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    right = routine.first_per_side_hold()
    start(page, live_server, routine)
    page.clock.run_for(routine.seconds_before(right) * 1000 + 1000)
    said_right = shown_figure(page)["label"]
    page.clock.run_for(routine.steps[right].seconds * 1000)
    said_left = shown_figure(page)["label"]
    swap = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}
    assert said_left == " ".join(swap.get(word, word) for word in said_right.split(" "))


def test_get_ready_shows_the_next_moves_starting_pose_and_work_moves_it(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    start(page, live_server, routine)
    ready = shown_figure(page)
    assert routine.steps[0].kind.value == "get-ready"
    assert ready["exercise"] == routine.steps[1].exercise
    assert ready["start"] and ready["states"] == ["paused"] and ready["times"] == [0]

    page.clock.run_for(routine.steps[0].seconds * 1000 + 1500)
    expect(page.locator("#step-title")).to_have_text(routine.steps[1].title)
    working = shown_figure(page)
    assert not working["start"] and working["states"] == ["running"]
    page.get_by_role("button", name="Pause").tap()
    # Paused, it waits exactly as far into its cycle as the step is (its clock is the player's).
    assert shown_figure(page)["times"] == [pytest.approx(1500, abs=300)]


def test_the_players_pause_pauses_the_figure_and_resume_moves_it_again(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    start(page, live_server, routine)
    page.clock.run_for(routine.steps[0].seconds * 1000 + 2000)
    page.get_by_role("button", name="Pause").tap()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    assert shown_figure(page)["states"] == ["paused"]
    page.get_by_role("button", name="Resume").tap()
    assert shown_figure(page)["states"] == ["running"]


def test_how_to_opens_the_setup_and_cues_while_the_timer_keeps_running(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    start(page, live_server, routine)
    page.clock.run_for(routine.steps[0].seconds * 1000 + 1000)
    first_cue = page.locator(SHOWN).get_attribute("data-cue")
    expect(page.locator("#step-cue")).to_have_text(first_cue or "")
    page.get_by_role("button", name="How to").tap()
    howto = page.locator(f"#howto-{routine.steps[1].exercise}")
    expect(howto).to_be_visible()
    expect(howto.get_by_role("heading", name="Set up")).to_be_visible()
    timer = page.locator("#timer").text_content()
    page.clock.run_for(3000)
    expect(page.locator("#timer")).not_to_have_text(timer or "")
    expect(page.get_by_role("button", name="Pause")).to_have_attribute("aria-pressed", "false")
    howto.get_by_role("button", name="Close").tap()
    expect(howto).to_be_hidden()


def test_under_reduced_motion_get_ready_still_shows_the_next_moves_starting_pose(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context().new_page()
    page.emulate_media(reduced_motion="reduce")
    routine = timeline("pre-run-warm-up")
    start(page, live_server, routine)
    ready = shown_figure(page)
    assert ready["exercise"] == routine.steps[1].exercise and ready["start"]
    # Held at its first keyframe, the starting pose: still, but not the key pose.
    assert ready["states"] == ["paused"] and ready["times"] == [0]
    page.locator("#btn-skip").tap()  # into the work step: the still key pose
    expect(page.locator("#step-title")).to_have_text(routine.steps[1].title)
    assert shown_figure(page)["states"] == []


@pytest.mark.parametrize(
    "path", ["/exercises/clamshell", "/exercises/walking-knee-hug", "/play/hip-er-strength"]
)
def test_reduced_motion_stills_every_figure(
    new_context: NewContext, live_server: LiveServer, path: str
) -> None:
    page = new_context().new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server(path))
    if path.startswith("/play/"):
        page.get_by_role("button", name="Start", exact=True).tap()
        page.locator("#btn-skip").tap()  # into the first work step
    expect(page.locator(".fig.m").first).to_be_attached()
    moving = page.evaluate(
        "document.getAnimations().filter((a) => a.playState === 'running').length"
    )
    assert moving == 0
    expect(page.locator(".fig-pause")).to_have_count(1 if path.startswith("/exercises/") else 0)
    if path.startswith("/exercises/"):
        expect(page.locator(".fig-pause")).to_be_hidden()


def test_an_exercise_pages_figure_moves_until_its_pause_box_is_ticked(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/exercises/clamshell"))
    states = "document.querySelector('.fig.m').getAnimations().map((a) => a.playState)"
    assert page.evaluate(states) == ["running"]
    page.get_by_label("Pause the moving figure").check()
    assert page.evaluate(states) == ["paused"]


LAYOUT_SHIFTS = """() => {
  window.hipdayShifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.hipdayShifts.push(entry.value);
    }
  }).observe({ type: "layout-shift", buffered: true });
}"""


@pytest.mark.parametrize("slug", ["pre-run-warm-up", "desk-reset", "hip-er-strength"])
def test_the_players_layout_barely_shifts_as_steps_change(
    page: Page, live_server: LiveServer, slug: str
) -> None:
    routine = timeline(slug)
    start(page, live_server, routine)
    page.evaluate(LAYOUT_SHIFTS)
    for index in range(1, min(len(routine.steps), 14)):
        before = routine.steps[index - 1]
        if before.auto_advance:
            page.clock.run_for(before.seconds * 1000)
        else:
            page.locator("#btn-skip").tap()  # a self-paced set: moved on by a tap, as a user does
        expect(page.locator("#step-label")).to_have_text(routine.steps[index].label)
        page.wait_for_timeout(50)  # let the browser lay out and report
    shifts: list[float] = page.evaluate("window.hipdayShifts")
    assert sum(shifts) < 0.1, shifts


def test_the_countdown_and_controls_stay_on_screen_with_the_figure_at_390_by_844(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("hip-er-strength")
    start(page, live_server, routine)
    for index in range(6):
        for name in (
            "#player-figure",
            "#timer",
            "#btn-pause",
            "#btn-skip",
            "#btn-back",
            "#step-cue",
        ):
            box = page.locator(name).bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, (
                index,
                name,
            )
        page.locator("#btn-skip").tap()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_pages_with_figures(
    new_context: NewContext, live_server: LiveServer, color_scheme: str
) -> None:
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    problems: list[str] = []
    for path in (
        "/exercises/copenhagen-plank",
        "/exercises/banded-hip-rotation",
        "/routines/lifting-primer",
    ):
        page.goto(live_server(path))
        problems += page_problems(page, path)
    page.goto(live_server("/play/desk-reset-chair"))
    page.get_by_role("button", name="Start", exact=True).tap()
    page.locator("#btn-skip").tap()
    problems += page_problems(page, "player at work")
    page.get_by_role("button", name="How to").tap()
    problems += page_problems(page, "player with How to open")
    assert not problems, "\n".join(problems)

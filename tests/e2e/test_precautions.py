"""The precautions screen at phone size: answering "hip replacement, back approach" takes the
figure-four out of Release and stretch, on its page and in the player, and says why."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, NewContext, page_problems

WHY = (
    "Lying figure-four stretch: left out because you told us you have a hip replacement by the "
    "back approach — ask your clinician when it can come back."
)
#: Where the screenshots go, when asked for (HIPDAY_SCREENSHOTS=<folder>).
SHOTS = os.environ.get("HIPDAY_SCREENSHOTS")


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_back_approach_hip_replacement_takes_the_figure_four_out_and_says_why(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context(bypass_csp=True).new_page()  # axe runs as an injected script
    page.goto(live_server("/settings"))
    page.get_by_role("link", name="Your precautions").tap()
    expect(page).to_have_url(live_server("/settings/precautions"))
    expect(page.get_by_role("link", name="Skip", exact=True)).to_be_visible()
    assert page_problems(page, "the precautions screen") == []
    shoot(page, "precautions-screen")

    page.get_by_role("radio", name="Yes, by the back (posterior) approach").check()
    page.get_by_role("button", name="Save my answers").tap()
    expect(page.get_by_role("status")).to_have_text(
        "Saved. Your routines, plan and player now follow these answers."
    )
    expect(page.get_by_role("radio", name="Yes, by the back (posterior) approach")).to_be_checked()

    page.goto(live_server("/routines/release-and-stretch"))
    expect(page.locator("#left-out")).to_contain_text(WHY)
    steps = page.locator("ol.prescriptions")
    expect(steps.get_by_role("link", name="Lying figure-four stretch")).to_have_count(0)
    expect(steps.locator("li").first).to_be_visible()  # the moves kept are still listed
    assert page_problems(page, "the routine page with moves left out") == []
    shoot(page, "routine-left-out")

    page.get_by_role("link", name="Start Release and stretch").tap()
    start = page.locator("#player-start")
    expect(start).to_be_visible()
    expect(start.locator("#left-out")).to_contain_text(WHY)
    shoot(page, "player-start")
    page.get_by_role("button", name="Start").tap()
    expect(page.locator("#step-title")).not_to_have_text("Lying figure-four stretch")
    expect(page.locator("#player-stage")).not_to_contain_text("figure-four")

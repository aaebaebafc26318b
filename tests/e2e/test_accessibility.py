"""axe-core on every kind of page, at 390 px: no serious or critical violations, no sideways scroll.

These contexts bypass the CSP so axe can be injected; the other tests keep the CSP on.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ConsoleWatch,
    LiveServer,
    NewContext,
    page_problems,
)

PAGES = {
    "today": "/",
    "library": "/routines",
    "library filtered": "/routines?goal=desk&max_minutes=5",
    "routine detail": "/routines/pre-run-warm-up",
    "exercise detail": "/exercises/single-leg-pivot",
    "not found": "/routines/no-such-routine",
    "onboarding": "/start",
    "settings before a plan": "/settings",
    "precautions": "/settings/precautions",
    "onboarding's precautions step": "/start/precautions",
    "the hip check": "/hip-check",
}
#: Pages of a guest who has made a plan (with the default answers); {session_day} is the
#: first day on the plan with a session, so its page has the skip and move forms.
PLANNED_PAGES = {
    "plan": "/plan",
    "plan day": "/plan/{session_day}",
    "settings": "/settings",
    "today with a plan": "/",
}


@pytest.fixture
def axe_page(new_context: NewContext) -> Page:
    return new_context(bypass_csp=True).new_page()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_has_no_serious_accessibility_problems_and_fits_390_px(
    new_context: NewContext,
    live_server: LiveServer,
    console: ConsoleWatch,
    name: str,
    color_scheme: str,
) -> None:
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    if name == "not found":
        console.allow(r"status of 404 .*no-such-routine")
    response = page.goto(live_server(PAGES[name]))
    assert response is not None
    assert response.status == (404 if name == "not found" else 200)
    expect(page.locator("h1")).to_be_visible()
    problems = page_problems(page, f"{name} ({color_scheme})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PLANNED_PAGES))
def test_the_plan_pages_have_no_serious_accessibility_problems_and_fit_390_px(
    new_context: NewContext, live_server: LiveServer, name: str, color_scheme: str
) -> None:
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    page.goto(live_server("/start"))
    page.get_by_role("button", name="Make my plan").tap()
    page.get_by_role("link", name="Skip this step").tap()  # the precautions step
    expect(page).to_have_url(live_server("/plan"))
    href = page.locator(".plan-day:not(.kind-rest) a").first.get_attribute("href") or ""
    path = PLANNED_PAGES[name].format(session_day=href.rsplit("/", 1)[-1])
    response = page.goto(live_server(path))
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_be_visible()
    problems = page_problems(page, f"{name} ({color_scheme})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_player_has_no_serious_accessibility_problems_from_start_to_finish(
    new_context: NewContext, live_server: LiveServer, console: ConsoleWatch, color_scheme: str
) -> None:
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    problems: list[str] = []

    page.goto(live_server("/play/desk-reset"))
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    problems += page_problems(page, "player before start")

    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#timer")).to_be_visible()
    problems += page_problems(page, "player running")

    page.get_by_role("button", name="Pause").tap()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    problems += page_problems(page, "player paused")

    page.get_by_role("button", name="End early").tap()
    expect(page.locator("#done-status")).to_contain_text("Saved: Desk reset")
    problems += page_problems(page, "finish screen")

    effort = page.get_by_role("group", name=re.compile("^Effort"))
    effort.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("button", name="Save feedback").tap()
    expect(page.locator("#done-feedback-status")).to_have_text("Feedback saved.")
    problems += page_problems(page, "finish screen with its feedback saved")

    assert not problems, "\n".join(problems)


def test_the_finish_screen_has_no_serious_accessibility_problems_and_fits_390_px(
    axe_page: Page, live_server: LiveServer
) -> None:
    page = axe_page
    page.goto(live_server("/play/pre-run-warm-up"))
    # The form as a browser without htmx sends it: a plain POST, then the finish screen.
    page.locator("#finish-form").evaluate("(form) => form.submit()")
    page.wait_for_url(re.compile(re.escape(live_server("/sessions/")) + r"[0-9a-f]{32}\?fresh=1$"))
    expect(page.get_by_role("heading", name="Saved: Pre-run warm-up")).to_be_visible()
    problems = page_problems(page, "finish screen")
    assert not problems, "\n".join(problems)

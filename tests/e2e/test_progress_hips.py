"""Progress's "Your hips" on a phone: readable at 390 px, reachable by keyboard, and its charts
available as tables to a screen reader."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, NewContext, page_problems

SHOTS = os.environ.get("HIPDAY_SCREENSHOTS")
CHECKS = [
    {"taken_on": "2026-01-07", "right_outward": "48", "right_inward": "30", "left_outward": "38",
     "left_inward": "22", "balance_right": "25", "balance_left": "14", "plank_right": "40",
     "plank_left": "30", "left_inward_estimated": "1", "left_inward_pain_free": "no"},
    {"taken_on": "2026-02-04", "right_outward": "50", "right_inward": "33", "left_outward": "41",
     "left_inward": "27", "balance_right": "28", "balance_left": "19", "plank_right": "45",
     "plank_left": "38", "right_outward_pain_free": "yes"},
    {"taken_on": "2026-03-04", "right_outward": "52", "right_inward": "34", "left_outward": "44",
     "left_inward": "27", "balance_right": "30", "balance_left": "22", "plank_right": "50",
     "plank_left": "42", "plank_on_knees": "1", "pelvis_level": "yes"},
]  # fmt: skip


def send_checks(page: Page, live_server: LiveServer) -> None:
    """The three checks, sent as the hip check page's script sends them."""
    page.goto(live_server("/play/pre-run-warm-up"))
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    for number, check in enumerate(CHECKS):
        form = {"client_id": f"e2e-check-{number}", **check}
        sent = page.request.post(
            live_server("/hip-check"),
            form=form,
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
        assert sent.status == 201, sent.text()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_your_hips_reads_at_phone_size_with_charts_as_tables(
    new_context: NewContext, live_server: LiveServer, color_scheme: str
) -> None:
    # axe runs as an injected script
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    send_checks(page, live_server)
    page.goto(live_server("/progress#hips"))
    hips = page.locator("#hips")
    expect(hips.get_by_role("note")).to_contain_text("Your left hip turns 15° less")
    expect(
        hips.get_by_role("img", name="Rotation arc, right and left, check by check")
    ).to_be_visible()
    hips.locator("#hips-arc summary").focus()
    page.keyboard.press("Enter")
    expect(hips.locator("#hips-arc table")).to_contain_text("71°")
    if SHOTS:
        hips.scroll_into_view_if_needed()
        page.locator("#hips-heading").evaluate("heading => heading.scrollIntoView()")
        page.screenshot(path=str(Path(SHOTS) / f"progress-hips-{color_scheme}.png"))
    assert page_problems(page, f"Your hips, {color_scheme}") == []
    hips.get_by_role("link", name="See that check in full").click()
    expect(page.get_by_role("heading", name="Wednesday 4 March 2026")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("42 s, on the knees")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"hip-check-result-{color_scheme}.png"))
    assert page_problems(page, f"One hip check, {color_scheme}") == []

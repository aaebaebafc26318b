"""With JavaScript off the player page is still useful: every step, and a form that saves."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import LiveServer, NewContext, timeline


def test_without_javascript_the_player_lists_every_step_and_the_finish_form_saves(
    new_context: NewContext, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    context: BrowserContext = new_context(java_script_enabled=False)
    page: Page = context.new_page()

    page.goto(live_server(f"/play/{routine.slug}"))
    steps = page.locator("#steps-list li")
    expect(steps).to_have_count(len(routine.steps))
    for item, step in zip(steps.all(), routine.steps, strict=True):
        expect(item).to_contain_text(f"{step.title} — {step.label} ({step.seconds} s)")
    expect(page.get_by_role("button", name="Start")).to_have_count(0)  # no dead button

    # Effort and pain are rows of numbers to tap, not fields that open the keyboard.
    page.get_by_role("group", name=re.compile("^Effort")).get_by_role(
        "radio", name="5", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("^Pain")).get_by_role(
        "radio", name="1", exact=True
    ).check()
    expect(page.locator("input[type=number]")).to_have_count(0)
    page.get_by_role("button", name="Save session").click()

    expect(page).to_have_url(
        re.compile(re.escape(live_server("/sessions/")) + r"[0-9a-f]{32}\?fresh=1$")
    )
    expect(page.get_by_role("heading", name=f"Saved: {routine.name}")).to_be_visible()
    facts = page.locator(".facts")
    expect(facts).to_contain_text("5/10")
    expect(facts).to_contain_text("1/10")

    page.get_by_role("link", name="Back to Today").click()
    expect(
        page.locator(".quick-start", has_text=routine.name).get_by_text("Done today")
    ).to_be_visible()
